"""`make run` (the demo) shows the same French error pages as production and still serves its static files."""

import re
import subprocess
import sys
from pathlib import Path

from tests.test_settings import clean_environ

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
page = client.get("/nowhere/")
print(page.status_code)
print("DSFR" if "Page non trouvée" in page.content.decode() and "fr-header" in page.content.decode() else "OTHER")
print("URLCONF" if "URLconf" in page.content.decode() else "CLEAN")
print(client.get("/static/css/iscg.css").status_code)
"""


def demo_environment() -> dict:
    """The variables the `run` target of the Makefile exports, with their defaults."""
    recipe = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    exported = re.search(r"export (.*?);", recipe).group(1)
    return dict(re.findall(r"(\w+)=\$\$\{\w+:-([^}]*)\}", exported))


def test_the_demo_does_not_run_in_debug_mode():
    assert demo_environment()["DEBUG"] == "false"


def test_the_demo_shows_the_french_not_found_page_and_serves_static_files(tmp_path):
    environment = {k: v for k, v in clean_environ().items() if k not in {"DEBUG", "ISCG_ENV", "DATABASE_URL"}}
    environment.update(demo_environment())
    environment.update(
        DJANGO_SETTINGS_MODULE="iscg.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed probe)
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "DSFR", "CLEAN", "200"]
