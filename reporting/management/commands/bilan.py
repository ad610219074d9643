"""``manage.py bilan``: compute a bilan and write it as JSON, CSV, XLSX or PDF.

    python manage.py bilan --scope department:80 --start 2024-01-01 --end 2024-12-31 \\
        --format pdf --output bilan-80-2024.pdf [--masking 11]

The scope is ``post:<public_id>``, ``unit:<public_id>``, ``department:<code>`` or ``national``;
``--masking N`` masks the figures as for a diffusion (docs/domain.md §7.3), for a department and a complete
civil year only (docs/reporting.md, "Disclosure control"). Only aggregates are written,
and the command prints nothing about persons.
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from reporting import exports, pdf
from reporting.bilan import Bilan, Period
from reporting.indicators import compute_bilan, resolve_scope
from reporting.masking import LOWEST_THRESHOLD, mask_bilan, masked_request_error
from reporting.overview import page_one_extras
from reporting.summary import period_label

FORMATS = ("json", "csv", "xlsx", "pdf")
BINARY_FORMATS = ("xlsx", "pdf")
MIN_THRESHOLD = LOWEST_THRESHOLD  # "< 2" could only mean 1


def render(bilan: Bilan, fmt: str) -> str | bytes:
    if fmt == "json":
        return json.dumps(exports.bilan_json(bilan), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return exports.bilan_csv(bilan)
    if fmt == "xlsx":
        return exports.bilan_xlsx(bilan)
    return pdf.bilan_pdf(bilan, **page_one_extras(bilan))


def _date(value: str | None, option: str) -> datetime.date:
    if not value:
        raise CommandError(_("The option %(option)s is required (a date such as 2024-01-31).") % {"option": option})
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("The option %(option)s expects a date written YYYY-MM-DD, not “%(value)s”.")
            % {"option": option, "value": value}
        ) from None


def _threshold(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        threshold = int(value)
    except ValueError:
        threshold = 0
    if threshold < MIN_THRESHOLD:
        raise CommandError(
            _("The masking threshold must be a whole number of at least %(minimum)s, not “%(value)s”.")
            % {"minimum": MIN_THRESHOLD, "value": value}
        )
    return threshold


class Command(BaseCommand):
    help = "Compute a bilan (activity report) for a scope and a period and write it as JSON, CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--scope", help="post:<public_id>, unit:<public_id>, department:<code> or national")
        parser.add_argument("--start", help="first day of the period, YYYY-MM-DD")
        parser.add_argument("--end", help="last day of the period (included), YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", help="json, csv, xlsx or pdf")
        parser.add_argument("--output", help="file to write; '-' writes JSON or CSV to the standard output")
        parser.add_argument("--masking", help="mask the counts of persons below this threshold (e.g. 11)")

    def handle(self, *args, scope=None, start=None, end=None, fmt=None, output=None, masking=None, **options):
        fmt = (fmt or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("Unknown format “%(format)s”: choose one of %(formats)s.")
                % {"format": fmt, "formats": ", ".join(FORMATS)}
            )
        period = Period(_date(start, "--start"), _date(end, "--end"))
        if period.end < period.start:
            raise CommandError(
                _("The end date (%(end)s) is before the start date (%(start)s).")
                % {"end": period.end.isoformat(), "start": period.start.isoformat()}
            )
        threshold = _threshold(masking)
        if not output:
            raise CommandError(_("The option --output is required: the file to write, or - for the screen."))
        if output == "-" and fmt in BINARY_FORMATS:
            raise CommandError(
                _("A %(format)s file cannot be written to the screen: give a file name.") % {"format": fmt}
            )
        path = None if output == "-" else Path(output)
        if path is not None and not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        if not scope:
            raise CommandError(
                _("The option --scope is required: post:<id>, unit:<id>, department:<code> or national.")
            )
        try:
            bilan_scope = resolve_scope(scope)
            if threshold is not None and (errors := masked_request_error(bilan_scope, period, today=localdate())):
                raise CommandError(" ".join(str(message) for message in errors.values()))
            bilan = compute_bilan(scope=bilan_scope, period=period, with_previous=fmt == "pdf")
        except ValueError as error:
            raise CommandError(str(error)) from None
        if threshold is not None:
            bilan = mask_bilan(bilan, threshold=threshold)
        content = render(bilan, fmt)
        if path is None:
            self.stdout.write(content, ending="")
            return
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            with path.open("w", encoding="utf-8", newline="") as file:
                file.write(content)
        self.stdout.write(
            _("Bilan of %(scope)s %(period)s written to %(output)s.")
            % {"scope": bilan.scope.label, "period": period_label(bilan.period), "output": path}
        )
