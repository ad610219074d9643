"""`.env.example` lists every environment variable the application reads (STYLE.md §6)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules that read the environment: the settings, the object storage they call, gunicorn's configuration.
READERS = ["iscg/settings.py", "iscg/object_storage.py", "deploy/gunicorn.conf.py"]
# env.str("NAME", …), env.bool("NAME"…), environ.get("NAME", …), os.environ.get("NAME", …)
READ = re.compile(r"""(?:\benv\.\w+|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read() -> set[str]:
    return {name for path in READERS for name in READ.findall((ROOT / path).read_text())}


def variables_listed() -> set[str]:
    return set(LISTED.findall((ROOT / ".env.example").read_text()))


def test_the_pattern_finds_the_variables_the_settings_read():
    found = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REQUIRE_2FA", "STORAGE_S3_BUCKET", "GUNICORN_WORKERS"} <= found


def test_env_example_lists_every_variable_read_by_the_application():
    assert variables_read() - variables_listed() == set()


def test_env_example_lists_no_variable_the_application_does_not_read():
    assert variables_listed() - variables_read() == set()


def test_env_example_holds_no_secret_value():
    values = dict(
        line.lstrip("# ").split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines() if "=" in line
    )
    secrets = ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEY"]
    secrets += ["STORAGE_S3_ACCESS_KEY", "STORAGE_S3_SECRET_KEY"]
    for name in secrets:
        assert values[name] == "", name
