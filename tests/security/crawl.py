"""Walk the application's URLs as a persona, and read every answer as text (HTML, CSV, JSON, XLSX, PDF, ZIP)."""

import io
import warnings
import zipfile

from django.apps import apps
from django.contrib import admin
from django.db.models import Max
from django.urls import reverse
from django.utils.deprecation import RemovedInDjango60Warning

from tests.test_access import MATRIX, _resolve_kwargs

# Extra formats of the export URLs (the matrix lists one of them).
EXPORT_FORMATS = {
    "reporting:bilan_export": ["json", "csv", "xlsx", "pdf"],
    "reporting:adopted_bilan_export": ["json", "csv", "xlsx", "pdf"],
    "reporting:convention_summary_export": ["xlsx", "csv", "pdf", "json"],
    "reporting:department_summary_export": ["xlsx", "csv", "pdf", "json"],
    "dataprotection:person_export": ["json", "pdf"],
    "imports:template": ["xlsx", "zip"],
}
# Models whose rows a read is allowed to add: the access journal and the change history are
# written by design on reads (docs/domain.md §9), sessions and lockout records by signing in.
WRITTEN_ON_READ = {"audit", "auditlog", "sessions", "axes", "otp_totp", "otp_static"}
# Single models written on reads by design: the officer's home page notes when it was last seen.
WRITTEN_ON_READ_MODELS = {"referrals.PoliceHomeVisit", "accounts.TOTPDevice"}  # the second: the harness signs in


# Pages left out of the crawl, with the reason (each one is tested or reported elsewhere).
SKIPPED = {
    "admin:conventions.Convention:change": "crashes with FieldError (RuleInline lists the non-editable "
    "committed_cents): a 500, not a leak; see test_admin_convention_change_page_does_not_crash",
}


def urls(world):
    """(url name, url) of every named URL of the access matrix (tests/test_access.py keeps it
    complete), with each export format, then the admin pages of every registered model."""
    for url_name, kwargs, _statuses in MATRIX:
        resolved = _resolve_kwargs(world, kwargs)
        if url_name in EXPORT_FORMATS and "fmt" in resolved:
            for fmt in EXPORT_FORMATS[url_name]:
                yield url_name, reverse(url_name, kwargs={**resolved, "fmt": fmt})
        else:
            yield url_name, reverse(url_name, kwargs=resolved)
    yield "admin:index", reverse("admin:index")
    for model in admin.site._registry:
        opts = model._meta
        yield f"admin:{opts.label}", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        first = model._default_manager.order_by("pk").first()
        if first is not None and f"admin:{opts.label}:change" not in SKIPPED:
            yield f"admin:{opts.label}", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])


def get(client, url_name: str, url: str):
    if not url_name.startswith("admin:"):
        return client.get(url)
    # Django's own admin forms warn about URLField's future default scheme (Django 6.0): not ours to fix.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RemovedInDjango60Warning)
        return client.get(url)


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    raw = body.decode("latin-1")  # whatever else the answer is, its bytes are searched too
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return raw + "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except (PdfReadError, ValueError):  # an uploaded test document that is not a real PDF
            return raw
    if body.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        if "spreadsheetml" in content_type or any(name.startswith("xl/") for name in archive.namelist()):
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(body), read_only=True)
            cells = [
                str(value)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            ]
            return "\n".join(cells)
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def snapshot() -> dict[str, tuple]:
    """Row count (and latest updated_at, to catch updates) of every model outside WRITTEN_ON_READ."""
    state = {}
    for model in apps.get_models():
        if (
            model._meta.app_label in WRITTEN_ON_READ
            or model._meta.label in WRITTEN_ON_READ_MODELS
            or not model._meta.managed
        ):
            continue
        queryset = model._base_manager.all()
        fields = {field.name for field in model._meta.concrete_fields}
        latest = queryset.aggregate(latest=Max("updated_at"))["latest"] if "updated_at" in fields else None
        state[model._meta.label] = (queryset.count(), latest)
    return state


def changed(before: dict, after: dict) -> dict:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}
