"""The access journal as its page reads it: the entries of a user's scope (organisation.access.journal_q).
The journal's rows and their writes: audit.models and audit.services."""

from audit.models import AccessEntry
from organisation import access


def entries_visible_to(scope):
    """A coordinator's departments' entries; nothing for the other roles."""
    return AccessEntry.objects.filter(access.journal_q(scope))
