"""The warm-up of a server process before gunicorn forks its workers (iscg.warmup, deploy/gunicorn.conf.py)."""

import json
import subprocess
import sys
from pathlib import Path

from tests.test_settings import clean_environ

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: this test process has long imported the views and compiled templates.
SCRIPT = """
import json, sys, runpy
import django
django.setup()
from django.db import connections
from django.template import engines
connections["default"].ensure_connection()  # a connection opened before the fork must not survive it
imported_before = "reporting.views" in sys.modules
config = runpy.run_path("deploy/gunicorn.conf.py")

class Log:
    def info(self, message, *args):
        self.line = message % args

class Server:
    log = Log()

config["when_ready"](Server())
cache = engines["django"].engine.template_loaders[0].get_template_cache
print(json.dumps({
    "imported_before": imported_before,
    "imported_after": "reporting.views" in sys.modules and "weasyprint" in sys.modules,
    "log": Server.log.line,
    "cached": sorted(name for name in ("base.html", "accounts/login.html", "dsfr/header.html") if name in cache),
    "cached_count": len(cache),
    "connection_open": connections["default"].connection is not None,
}))
"""


def test_the_master_imports_every_view_compiles_every_template_and_closes_its_connections(tmp_path):
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={
            **clean_environ(),
            "DJANGO_SETTINGS_MODULE": "iscg.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path}/warm-up.sqlite3",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["imported_before"] is False and facts["imported_after"] is True
    assert facts["cached"] == ["accounts/login.html", "base.html", "dsfr/header.html"]
    count = int(facts["log"].split(", ")[1].split()[0])
    assert facts["log"] == f"Warmed up: URLconf loaded, {count} templates compiled."
    assert count == facts["cached_count"] > 200  # ours, django-dsfr's and the contrib apps'
    assert facts["connection_open"] is False
