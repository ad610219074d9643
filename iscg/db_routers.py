"""Reporting reads on a streaming replica, everything else on the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (settings add a ``replica`` alias and this router).
The bilans (reporting.indicators, reporting.exports) open ``replica_reads()``: inside it, reads of
any model go to the replica; outside it — every page, every write, every read-after-write of the
other apps — everything goes to the primary. A bilan only reads committed activity, so the
replica's lag (usually under a second) changes at most its last figures; nothing that writes runs
inside ``replica_reads()``.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_replica_reads = contextvars.ContextVar("replica_reads", default=False)


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Send the reads of the block to the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and replica_enabled():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
