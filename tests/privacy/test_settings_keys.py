"""Production refuses to start without its encryption keys; elsewhere they derive from SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
KEY = "yT3Oc7Hf0kG9q4uWb1Jm2aR6sNpVx8Ld5EiZt0CwQhY="


def _start(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "FIELD_ENCRYPTION_KEYS", "SEARCH_HASH_KEY"}
    }
    environment.update(ISCG_ENV="production", SECRET_KEY="x" * 64, ALLOWED_HOSTS="iscg.example", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "iscg.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_field_encryption_keys():
    result = _start(SEARCH_HASH_KEY="s" * 40)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_refuses_to_start_without_a_search_hash_key():
    result = _start(FIELD_ENCRYPTION_KEYS=KEY)
    assert result.returncode != 0
    assert "SEARCH_HASH_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_a_malformed_key():
    result = _start(FIELD_ENCRYPTION_KEYS="not-a-fernet-key", SEARCH_HASH_KEY="s" * 40)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must hold Fernet keys" in result.stderr


def test_production_starts_with_several_keys_newest_first():
    result = _start(FIELD_ENCRYPTION_KEYS=f"{KEY},{KEY}", SEARCH_HASH_KEY="s" * 40)
    assert result.returncode == 0, result.stderr


def test_local_keys_derive_from_the_secret_key(settings):
    assert len(settings.FIELD_ENCRYPTION_KEYS) == 1 and len(settings.SEARCH_HASH_KEY) >= 32
