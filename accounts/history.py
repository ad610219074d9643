"""The journal of changes to accounts, in the change history (django-auditlog).

Every change to an account's identity, role, scope or status is recorded with its author (the admin
site, a coordinator's team page, a command); so are the actions that change no field (second factor
reset, reset link or invitation sent, lockout lifted, post assignments changed). Never the password,
the session salt nor any second-factor secret: only the fields of ``TRACKED_FIELDS`` are recorded.
The coordinators of the account's department read it on the account's team page.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from accounts.enums import AccountEvent, Role
from accounts.models import User

TRACKED_FIELDS = ["email", "first_name", "last_name", "phone", "role", "is_active", "is_staff", "is_superuser"]
TRACKED_M2M = {"departments", "units"}
EVENT_KEY = "account_event"


def register_account_history() -> None:
    """Called from AccountsConfig.ready()."""
    from auditlog.registry import auditlog

    if not auditlog.contains(User):
        auditlog.register(User, include_fields=TRACKED_FIELDS, m2m_fields=TRACKED_M2M)


def account_event(*, user: User, by: User | None, event: str, detail: str = "") -> None:
    """Journal an action on an account that changes none of its tracked fields."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={},
        actor=by,
        additional_data={EVENT_KEY: AccountEvent(event).value, "detail": detail},
    )


@dataclass(frozen=True)
class AccountHistoryRow:
    at: object
    actor: str
    lines: list[str]


def _display(name: str, value) -> str:
    if value in (None, "", "None"):
        return "—"
    if name == "role" and value in Role.values:
        return str(Role(value).label)
    if value in ("True", True):
        return _("yes")
    if value in ("False", False):
        return _("no")
    return str(value)


def _lines(entry) -> list[str]:
    data = entry.additional_data or {}
    if data.get(EVENT_KEY) in AccountEvent.values:
        label = str(AccountEvent(data[EVENT_KEY]).label)
        return [f"{label} : {data['detail']}" if data.get("detail") else label]
    lines = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            label = str(User._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field since removed keeps its code name
            label = name
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            operation = _("added") if values.get("operation") == "add" else _("removed")
            lines.append(f"{label} ({operation}) : {', '.join(values.get('objects', []))}")
        else:
            old, new = values
            lines.append(f"{label} : {_display(name, old)} → {_display(name, new)}")
    if entry.action == entry.Action.CREATE:
        return [_("Account created")]
    return lines


def account_history(user: User, *, limit: int = 50) -> list[AccountHistoryRow]:
    """The latest changes to an account, newest first, for its team page."""
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_object(user).select_related("actor").order_by("-timestamp", "-pk")[:limit]
    rows = []
    for entry in entries:
        lines = _lines(entry)
        if lines:
            actor = entry.actor.get_full_name() if entry.actor else _("the system")
            rows.append(AccountHistoryRow(at=entry.timestamp, actor=actor, lines=lines))
    return rows
