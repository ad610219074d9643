"""The replica router: bilan reads on the replica when DATABASE_REPLICA_URL is set, everything else on
the primary. The alias is a test mirror of default (settings: TEST MIRROR), so CI runs these with
``DATABASE_REPLICA_URL`` set to the test database's URL; without it the router is simply inactive."""

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from iscg.db_routers import REPLICA, ReplicaRouter, replica_reads
from referrals.models import Referral
from reporting.indicators import civil_year, compute_bilan, resolve_scope
from tests.casework.factories import InterventionFactory

with_replica = pytest.mark.skipif(REPLICA not in settings.DATABASES, reason="DATABASE_REPLICA_URL is not set")


def test_without_a_replica_every_read_stays_on_the_primary():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Referral) == ("replica" if REPLICA in settings.DATABASES else "default")
    assert ReplicaRouter().db_for_read(Referral) == "default"
    assert ReplicaRouter().db_for_write(Referral) == "default"


@with_replica
def test_bilan_reads_go_to_the_replica_and_other_reads_and_writes_to_the_primary():
    router = ReplicaRouter()
    assert Referral.objects.all().db == "default"
    with replica_reads():
        assert Referral.objects.all().db == REPLICA
        assert router.db_for_write(Referral) == "default"
    assert Referral.objects.all().db == "default"
    assert router.allow_migrate(REPLICA, "referrals") is False


@with_replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_bilan_is_computed_from_the_mirrored_replica():
    intervention = InterventionFactory()
    period = civil_year(timezone.localtime(intervention.starts_at).year)
    scope = resolve_scope(f"post:{intervention.followup.post.public_id}")
    before = len(connections[REPLICA].queries_log)
    connections[REPLICA].force_debug_cursor = True
    try:
        bilan = compute_bilan(scope=scope, period=period, with_previous=False)
    finally:
        connections[REPLICA].force_debug_cursor = False
    assert bilan.indicators["B1"].total == 1
    assert len(connections[REPLICA].queries_log) > before  # the figures were read on the replica
