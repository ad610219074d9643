"""Render one page of a department's bilan PDF as a PNG, for the documentation (docs/reporting.md):

    python manage.py bilan_page_image --department 71 --year 2025 --output docs/images/bilan-page-1.png

Exact figures, as a coordinator downloads them; by default the « Chiffres clés » page (page 3, after
the cover and the contents). Needs ``pdftoppm`` (Debian package poppler-utils).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from organisation.models import Department
from reporting.bilan import BilanScope, ScopeKind
from reporting.indicators import civil_year, compute_bilan
from reporting.overview import page_one_extras
from reporting.pdf import bilan_pdf

KEY_FIGURES_PAGE = 3  # cover, contents, then the key figures


class Command(BaseCommand):
    help = "Render a page of a department's bilan PDF as a PNG image (pdftoppm)."

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="department code, e.g. 71")
        parser.add_argument("--year", type=int, required=True, help="civil year, e.g. 2025")
        parser.add_argument("--output", required=True, help="PNG file to write")
        parser.add_argument("--page", type=int, default=KEY_FIGURES_PAGE, help="page number (default: 3)")
        parser.add_argument("--resolution", type=int, default=80, help="pixels per inch (default: 80)")

    def handle(self, *args, department, year, output, page, resolution, **options):
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise CommandError(
                _("pdftoppm is missing: install the Debian package poppler-utils (apt-get install poppler-utils).")
            )
        found = Department.objects.filter(code=department).first()
        if found is None:
            raise CommandError(_("No department has the code %(code)s.") % {"code": department})
        if not 2000 <= year <= 2100 or not 1 <= page <= 500 or not 30 <= resolution <= 300:
            raise CommandError(_("Year, page or resolution out of range."))
        with translation.override("fr"):
            bilan = compute_bilan(
                scope=BilanScope(ScopeKind.DEPARTMENT, found.code, f"{found.name} ({found.code})"),
                period=civil_year(year),
            )
            content = bilan_pdf(bilan, **page_one_extras(bilan))
        target = Path(output)
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "bilan.pdf"
            source.write_bytes(content)
            stem = Path(folder) / "page"
            subprocess.run(  # noqa: S603 - fixed program, validated integers, our own temporary files
                [
                    pdftoppm,
                    "-png",
                    "-r",
                    str(resolution),
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    source,
                    stem,
                ],
                check=True,
                capture_output=True,
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stem.with_suffix(".png"), target)
        self.stdout.write(_("Page %(page)s written to %(output)s.") % {"page": page, "output": target})
