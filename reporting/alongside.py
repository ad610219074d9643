"""Queries on a second database connection, run while the caller runs others.

A national bilan spends half its time in one query (the persons met, ``PersonFacts``) while the
other sections wait their turn; on PostgreSQL that query runs on its own connection in a thread, so
the server works on both at once. ``alongside()`` yields an object whose ``submit(function, *args)``
returns a ``concurrent.futures.Future``:

- on PostgreSQL, when the connection the reads go to has written nothing in a transaction still
  open, ``function`` runs in one of two threads, on a connection of its own closed when it ends;
- otherwise it runs at once, in the caller's thread: another connection sees only committed rows,
  so it would miss what the caller's transaction wrote (tests hold their data in one), and the
  embedded SQLite database is a demo's.

``function`` only reads the database and returns data: it sees the caller's context variables (the
replica routing of ``iscg.db_routers``) but not its active language nor anything else thread-local.
"""

import contextvars
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections, router


class _AtOnce:
    def submit(self, function, *args) -> Future:
        future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:  # raised again by result(), as a thread's would be
            future.set_exception(error)
        return future


class _Threads:
    def __init__(self, pool: ThreadPoolExecutor):
        self.pool = pool

    def submit(self, function, *args) -> Future:
        return self.pool.submit(contextvars.copy_context().run, _on_own_connection, function, *args)


def _on_own_connection(function, *args):
    try:
        return function(*args)
    finally:
        connections.close_all()  # this thread's connections: nothing outlives the task


def _sees_what_others_see(alias: str) -> bool:
    """Whether another connection would read the same rows as ``alias``: outside a transaction, or
    in one that has written nothing yet (PostgreSQL assigns a transaction id at the first write)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    if not connection.in_atomic_block:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current_if_assigned() IS NULL")
        return cursor.fetchone()[0]


@contextmanager
def alongside(model):
    """An executor for reads of ``model`` (and what they join) beside the caller's own queries."""
    if not _sees_what_others_see(router.db_for_read(model)):
        yield _AtOnce()
        return
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="bilan") as pool:
        yield _Threads(pool)
