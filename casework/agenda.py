"""The ISCG's agenda as an iCalendar file (RFC 5545), written by hand: a handful of fields.

Event titles and bodies carry no personal data: "Rendez-vous ISCG", the follow-up's short reference,
the type and the place. A calendar synchronised to a phone must not reveal who the ISCG meets.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Intervention

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


def agenda_ics_body(interventions: Iterable[Intervention]) -> str:
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
        lines += [
            "BEGIN:VEVENT",
            f"UID:{intervention.public_id}@iscg",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{starts.strftime(UTC_FORMAT)}",
            f"DURATION:PT{intervention.duration_minutes}M",
            f"SUMMARY:{_escape(event_title(intervention))}",
            f"DESCRIPTION:{_escape(intervention.get_kind_display())}",
            f"LOCATION:{_escape(intervention.get_place_display())}",
            f"URL:{settings.SITE_URL}{intervention.followup.get_absolute_url()}",
            "CLASS:PRIVATE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line))
