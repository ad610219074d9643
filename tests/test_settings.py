import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# Production also requires the encryption keys (tests/privacy checks their refusals).
PRIVACY_KEYS = {"FIELD_ENCRYPTION_KEYS": "yT3Oc7Hf0kG9q4uWb1Jm2aR6sNpVx8Ld5EiZt0CwQhY=", "SEARCH_HASH_KEY": "s" * 40}


def clean_environ() -> dict:
    """This process's environment without what the browser tests set in it for Playwright (the same
    pytest-xdist worker may have run them): a deployment check must see a deployment's environment."""
    return {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _start(**env):
    environment = {k: v for k, v in clean_environ().items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    environment.update(PRIVACY_KEYS)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "iscg.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start(ISCG_ENV="production", ALLOWED_HOSTS="iscg.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start(ISCG_ENV="production", SECRET_KEY="x" * 64)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_its_secrets():
    result = _start(ISCG_ENV="production", SECRET_KEY="x" * 64, ALLOWED_HOSTS="iscg.example")
    assert result.returncode == 0, result.stderr


def test_fixed_settings_of_the_style_guide(settings):
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_production_refuses_to_start_with_the_second_factor_off():
    result = _start(ISCG_ENV="production", SECRET_KEY="x" * 64, ALLOWED_HOSTS="iscg.example", REQUIRE_2FA="false")
    assert result.returncode != 0
    assert "REQUIRE_2FA cannot be switched off in production" in result.stderr


def test_production_cookies_are_secure_and_host_prefixed():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS > 0)"
    )
    environment = {
        **clean_environ(),
        "ISCG_ENV": "production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "iscg.example",
    }
    environment.update(PRIVACY_KEYS)
    environment["DJANGO_SETTINGS_MODULE"] = "iscg.settings"
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed snippet
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "Lax", "True"]


def test_deploy_checks_pass_with_production_settings():
    environment = {
        **clean_environ(),
        "ISCG_ENV": "production",
        "SECRET_KEY": "a-very-long-random-secret-key-for-the-deployment-check-0123456789",
        "ALLOWED_HOSTS": "iscg.example",
        "DATABASE_URL": "sqlite:///:memory:",
        **PRIVACY_KEYS,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_postgresql_connections_run_without_jit_unless_asked(db):
    """JIT compilation costs more than a post or department bilan query: off on every connection."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    settings_of = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))",
        ],
        cwd=ROOT,
        env={**clean_environ(), "DJANGO_SETTINGS_MODULE": "iscg.settings", "DATABASE_JIT_OFF": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "jit" not in settings_of.stdout


def test_every_form_shares_one_renderer_and_its_template_cache():
    """django-dsfr builds a renderer (a template engine) per form unless told otherwise: every form of
    the project goes through iscg.forms.DsfrBaseForm, which shares one."""
    import dsfr.forms
    from django.apps import apps

    import iscg.forms
    from referrals.forms import CloseForm

    for app in apps.get_app_configs():  # import every app's forms and filters
        for module in ("forms", "filters"):
            if importlib.util.find_spec(f"{app.name}.{module}"):
                importlib.import_module(f"{app.name}.{module}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(dsfr.forms.DsfrBaseForm) if not cls.__module__.startswith("dsfr")]
    assert len(ours) > 20
    strays = [
        cls for cls in ours if cls is not iscg.forms.DsfrBaseForm and not issubclass(cls, iscg.forms.DsfrBaseForm)
    ]
    assert strays == []
    assert CloseForm().renderer is iscg.forms.RENDERER is CloseForm().renderer


def test_rendering_a_form_leaves_the_transitional_dsfr_warning_out_of_stderr():
    """django-dsfr warns about DSFR_MARK_OPTIONAL_FIELDS on every form render (a line of stderr per
    page under gunicorn): the settings silence that one warning, and only it."""
    code = (
        "import warnings, django; django.setup(); from referrals.forms import CloseForm; str(CloseForm()); "
        "warnings.warn('another warning')"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-W", "default", "-c", code],
        cwd=ROOT,
        env={**clean_environ(), "DJANGO_SETTINGS_MODULE": "iscg.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "DSFR_MARK_OPTIONAL_FIELDS" not in result.stderr
    assert "another warning" in result.stderr
