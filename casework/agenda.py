"""The ISCG's agenda: the days and weeks it shows, the iCalendar file (RFC 5545, written by hand: a
handful of fields) and the private calendar subscription's tokens.

Event titles and bodies carry no personal data: "Rendez-vous ISCG", the follow-up's short reference,
the type, the place and the post, and a link to the appointment's page (which asks for a sign-in). A
calendar synchronised to a phone must not reveal who the ISCG meets.
"""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import CalendarToken, Intervention
from organisation.access import Scope
from organisation.scope import build_scope

UTC_FORMAT = "%Y%m%dT%H%M%SZ"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return [line]
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def event_title(intervention: Intervention) -> str:
    return _("ISCG appointment — %(reference)s") % {"reference": intervention.followup.reference}


def event_location(intervention: Intervention) -> str:
    return f"{intervention.get_place_display()} — {intervention.followup.post.name}"


def event_description(intervention: Intervention, url: str) -> str:
    return _("%(kind)s. Details (sign-in required): %(url)s") % {"kind": intervention.get_kind_display(), "url": url}


def agenda_ics_body(interventions: Iterable[Intervention], *, absolute_url: Callable[[str], str]) -> str:
    """``absolute_url`` is the request's ``build_absolute_uri``: links use the host the calendar asked."""
    stamp = timezone.now().astimezone(datetime.UTC).strftime(UTC_FORMAT)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ISCG//Agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(_('ISCG agenda'))}",
    ]
    for intervention in interventions:
        starts = intervention.starts_at.astimezone(datetime.UTC)
        url = absolute_url(intervention.get_absolute_url())
        lines += [
            "BEGIN:VEVENT",
            f"UID:{intervention.public_id}@iscg",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{starts.strftime(UTC_FORMAT)}",
            f"DURATION:PT{intervention.duration_minutes}M",
            f"SUMMARY:{_escape(event_title(intervention))}",
            f"DESCRIPTION:{_escape(event_description(intervention, url))}",
            f"LOCATION:{_escape(event_location(intervention))}",
            f"URL:{url}",
            "CLASS:PRIVATE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))


# ---- Days and weeks -----------------------------------------------------------------------------

FEED_DAYS_BACK = 30  # the subscription's window: a bounded answer, whatever the agenda holds
FEED_DAYS_AHEAD = 180


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in Paris time (the agenda's days are local days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def days_with_appointments(interventions: Iterable[Intervention], days: list[datetime.date]) -> list[dict]:
    """One entry per day (empty days included), each with its appointments in time order."""
    by_day: dict[datetime.date, list[Intervention]] = {day: [] for day in days}
    for intervention in interventions:
        by_day.setdefault(intervention.local_date, []).append(intervention)
    return [{"day": day, "appointments": by_day[day]} for day in days]


# ---- Private calendar subscription --------------------------------------------------------------

KEY_LENGTH = 16


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_token_create(*, user) -> str:
    """Revoke the user's active token, if any, and issue a new one: the returned token is shown once
    and never stored (only the SHA-256 of its secret part is)."""
    calendar_token_revoke(user=user)
    key = secrets.token_hex(KEY_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    CalendarToken.objects.create(user=user, key=key, secret_hash=_hash(secret))
    return f"{key}{secret}"


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.active().filter(user=user).update(revoked_at=timezone.now())


def calendar_token_scope(token: str) -> Scope | None:
    """The scope a subscription token opens, or None: an unknown, revoked or forged token, an inactive
    account, a user without a current confirmed post assignment (their scope holds no post)."""
    if len(token) <= KEY_LENGTH or len(token) > 128:
        return None
    key, secret = token[:KEY_LENGTH], token[KEY_LENGTH:]
    row = CalendarToken.objects.active().select_related("user").filter(key=key).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    scope = build_scope(row.user)
    if not scope.post_ids:
        return None
    return scope


def feed_interventions(scope: Scope):
    """The planned appointments of the token's user in their scope, within the feed's window."""
    today = day_start(timezone.localdate())
    return (
        Intervention.objects.visible_to(scope)
        .planned()
        .filter(
            author_id=scope.user_id,
            starts_at__gte=today - datetime.timedelta(days=FEED_DAYS_BACK),
            starts_at__lt=today + datetime.timedelta(days=FEED_DAYS_AHEAD),
        )
        .with_agenda_data()
    )
