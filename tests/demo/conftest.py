import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for a module whose tests only read it, and rolled back after it.
    Each test still takes the ``db`` fixture, which nests its own savepoint inside."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def last_year() -> tuple[datetime.date, datetime.date]:
    """The last complete civil year, from today: the year a bilan is drawn for by default."""
    year = timezone.localdate().year - 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@pytest.fixture
def this_year() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return datetime.date(today.year, 1, 1), today
