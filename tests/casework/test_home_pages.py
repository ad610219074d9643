"""The ISCG and police home pages (issue 17): every number links to the list behind it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.enums import InterventionStatus, OrientationStatus
from casework.filters import NO_CONTACT, ORIENTATION_PENDING
from referrals import services as referral_services
from referrals.enums import ReferralStatus, Urgency
from tests.casework.factories import FollowUpFactory, InterventionFactory, OrientationFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_sign_in_lands_each_role_on_its_home_page(world, client_for):
    assert client_for("iscg_a").get(reverse("home")).url == reverse("casework:home")
    assert client_for("officer_a").get(reverse("home")).url == reverse("referrals:home")


def test_the_iscg_home_counts_what_waits_and_links_to_the_lists(world, client_for):
    old = ReferralFactory(
        unit=world.a.unit, urgency=Urgency.WITHIN_48H, referred_at=timezone.now() - datetime.timedelta(days=3)
    )
    ReferralFactory(unit=world.a.unit, received=True)
    ReferralFactory(unit=world.a.unit, taken_up=True)  # not waiting
    ReferralFactory(unit=world.b.unit)  # another department
    today_at = timezone.localtime().replace(hour=23, minute=30, second=0, microsecond=0)
    InterventionFactory(followup=world.a.followup, author=world.a.iscg, planned=True, starts_at=today_at)
    past = InterventionFactory(
        followup=world.a.followup,
        author=world.a.iscg,
        status=InterventionStatus.PLANNED,
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )
    quiet = FollowUpFactory(post=world.a.post, opened_on=timezone.localdate() - datetime.timedelta(days=60))
    OrientationFactory(
        followup=quiet,
        status=OrientationStatus.PROPOSED,
        oriented_on=timezone.localdate() - datetime.timedelta(days=45),
    )
    client = client_for("iscg_a")
    response = client.get(reverse("casework:home"))
    context = response.context
    assert context["waiting_count"] == 3  # world.a.referral, old, the received one
    assert context["waiting"][0] == old  # oldest first
    assert len(context["today"]) == 1 and context["overdue_count"] == 1
    assert context["no_contact_count"] == 1 and context["orientation_pending_count"] == 1
    content = response.content.decode()
    assert "Sous 48 h" in content and "Poste a" in content
    for url in (
        reverse("referrals:queue"),
        reverse("casework:agenda"),
        f"{reverse('casework:followup_list')}?attention={NO_CONTACT}",
        f"{reverse('casework:followup_list')}?attention={ORIENTATION_PENDING}",
    ):
        assert url in content
    # The numbers are those of the lists behind them.
    queue = client.get(reverse("referrals:queue")).context["page"].paginator.count
    assert queue == context["waiting_count"]
    for key, count in ((NO_CONTACT, 1), (ORIENTATION_PENDING, 1)):
        listed = client.get(reverse("casework:followup_list"), {"attention": key}).context["page"]
        assert [followup.pk for followup in listed] == [quiet.pk]
        assert len(listed) == count
    assert list(client.get(reverse("casework:agenda")).context["overdue"]) == [past]


def test_the_police_home_lists_their_referrals_whose_status_changed_since_the_last_visit(world, client_for):
    client = client_for("officer_a")
    first = client.get(reverse("referrals:home"))
    assert first.status_code == 200 and list(first.context["changed"]) == []
    referral = referral_services.referral_mark_received(referral=world.a.referral, by=world.a.iscg)
    assert referral.status == ReferralStatus.RECEIVED
    other_author = ReferralFactory(unit=world.a.unit, received=True)  # not theirs
    assert list(client.get(reverse("referrals:home")).context["changed"]) == [referral]  # same session
    later = client_for("officer_a")  # a new session: the reference is the last visit
    response = later.get(reverse("referrals:home"))
    assert list(response.context["changed"]) == []
    assert other_author.number not in response.content.decode()


def test_the_police_home_is_for_officers_only(world, client_for):
    assert client_for("iscg_a").get(reverse("referrals:home")).status_code == 404
    assert client_for("admin").get(reverse("referrals:home")).status_code == 404


def test_the_home_pages_cost_the_same_queries_whatever_the_volume(world, client_for):
    from tests.queries import queries_for

    iscg, officer = client_for("iscg_a"), client_for("officer_a")
    iscg.get(reverse("casework:home")), officer.get(reverse("referrals:home"))  # the session's first requests
    iscg_before, _ = queries_for(iscg, reverse("casework:home"))
    officer_before, _ = queries_for(officer, reverse("referrals:home"))
    for _index in range(5):
        referral = ReferralFactory(unit=world.a.unit, author=world.a.officer)
        referral_services.referral_mark_received(referral=referral, by=world.a.iscg)
        InterventionFactory(followup=world.a.followup, author=world.a.iscg, planned=True)
    assert queries_for(iscg, reverse("casework:home"))[0] == iscg_before
    assert queries_for(officer, reverse("referrals:home"))[0] == officer_before
