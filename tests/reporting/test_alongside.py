"""reporting.alongside: a query runs on its own connection in a thread only where that connection
sees what the caller's would (PostgreSQL, nothing written in an open transaction); else at once."""

import threading

import pytest
from django.db import connection, connections, transaction

from casework.models import Intervention
from reporting.alongside import alongside
from tests.casework.factories import InterventionFactory

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads on PostgreSQL only")


def where_it_ran():
    """The thread, the database session and the connection object of the caller of this function."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM casework_intervention")
        count = cursor.fetchone()[0]
    return threading.current_thread(), connections["default"], count


def test_in_a_transaction_that_wrote_the_query_runs_at_once_and_sees_its_rows(db):
    InterventionFactory()  # the test's transaction has written: another connection would not see it
    with alongside(Intervention) as background:
        thread, used, count = background.submit(where_it_ran).result()
    assert thread is threading.current_thread()
    assert used is connections["default"]
    assert count == 1


def test_an_error_is_raised_again_by_result_whichever_way_it_ran(db):
    def fails():
        raise LookupError("no such figure")

    with alongside(Intervention) as background:
        future = background.submit(fails)
    with pytest.raises(LookupError, match="no such figure"):
        future.result()


@on_postgresql
def test_outside_a_transaction_the_query_runs_on_its_own_connection_closed_after(committed_db):
    InterventionFactory()  # committed
    with alongside(Intervention) as background:
        thread, used, count = background.submit(where_it_ran).result()
    assert thread is not threading.current_thread()
    assert used is not connections["default"]
    assert count == 1
    assert used.connection is None  # closed when the task ended: no session left behind


@on_postgresql
def test_in_a_transaction_that_has_written_nothing_the_query_still_runs_alongside(committed_db):
    InterventionFactory()
    with transaction.atomic():
        assert Intervention.objects.count() == 1  # reads do not assign a transaction id
        with alongside(Intervention) as background:
            thread, _used, count = background.submit(where_it_ran).result()
        assert thread is not threading.current_thread() and count == 1
        InterventionFactory()  # now it has written
        with alongside(Intervention) as background:
            thread, _used, count = background.submit(where_it_ran).result()
        assert thread is threading.current_thread() and count == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database")
def test_on_sqlite_the_query_always_runs_at_once(committed_db):
    with alongside(Intervention) as background:
        thread, _used, _count = background.submit(where_it_ran).result()
    assert thread is threading.current_thread()
