"""PDF rendering (WeasyPrint) for every app: one ``render_pdf`` for every printed document (bilans,
convention summaries, the right-of-access export), so that no app imports reporting to print.

WeasyPrint never touches the network: its URL fetcher serves only ``file://`` URLs inside the
project's static folder and refuses everything else (http, https, data, files elsewhere).
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["StaticOnlyFetcher", "render_pdf", "static_root"]


def static_root() -> Path:
    """The only folder PDFs may read from (stylesheets, images): the project's static/."""
    return (Path(settings.BASE_DIR) / "static").resolve()


class StaticOnlyFetcher(URLFetcher):
    """Serves file:// URLs inside the static folder; refuses any other URL, so a PDF never fetches the network."""

    def __init__(self, root: Path | None = None, **kwargs):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, **kwargs)
        self.root = (root or static_root()).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused URL (only local static files are allowed): {url[:80]}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Refused file outside the static folder: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a print template (templates/<app>/pdf/) to PDF bytes; relative URLs resolve in static/."""
    html = render_to_string(template_name, context)
    base_url = static_root().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher()).write_pdf()
