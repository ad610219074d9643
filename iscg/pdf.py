"""PDF rendering (WeasyPrint) for every app: one ``render_pdf`` for every printed document (bilans,
convention summaries, the right-of-access export), so that no app imports reporting to print.

WeasyPrint never touches the network: its URL fetcher serves only ``file://`` URLs inside the
project's static folder and the DSFR package's fonts (Marianne), and refuses everything else (http,
https, data, files elsewhere).

Every PDF is tagged (WeasyPrint's PDF/UA-1 variant, RGAA): its language and title come from the
template's ``<html lang>`` and ``<title>``, headings and tables are in its structure tree, and each
chart's SVG ``<title>`` is its text alternative.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dsfr
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["PDF_VARIANT", "StaticOnlyFetcher", "fonts_root", "render_pdf", "static_root"]

PDF_VARIANT = "pdf/ua-1"  # tagged PDF: structure tree, language, title shown (WeasyPrint ≥ 61)


def static_root() -> Path:
    """The folder PDFs read stylesheets and images from: the project's static/."""
    return (Path(settings.BASE_DIR) / "static").resolve()


def fonts_root() -> Path:
    """The DSFR package's fonts (Marianne), installed with django-dsfr: read locally, never fetched."""
    return (Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "fonts").resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serves file:// URLs inside the static folder (and the DSFR fonts); refuses any other URL, so a
    PDF never fetches the network."""

    def __init__(self, root: Path | None = None, **kwargs):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, **kwargs)
        self.root = (root or static_root()).resolve()
        self.roots = (self.root,) if root else (self.root, fonts_root())

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused URL (only local static files are allowed): {url[:80]}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ValueError(f"Refused file outside the static folder: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a print template (templates/<app>/pdf/) to a tagged PDF; relative URLs resolve in static/."""
    html = render_to_string(template_name, {"fonts_url": fonts_root().as_uri() + "/", **context})
    base_url = static_root().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher()).write_pdf(pdf_variant=PDF_VARIANT)
