"""Settings for the ISCG case-management application.

Every value that differs between machines comes from the environment (django-environ).
Defaults are safe for local use: SQLite next to the code, DEBUG off unless asked for.
Production (DEBUG off and ``ISCG_ENV=production``) refuses to start without its secrets.
"""

import base64
import datetime
import hashlib
import os
import warnings
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from iscg.object_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# "local" (a developer's machine, the demo, the tests) or "production".
ISCG_ENV = env.str("ISCG_ENV", default="local")
IS_PRODUCTION = ISCG_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_LOCAL_KEY = "local-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default="" if IS_PRODUCTION else _INSECURE_LOCAL_KEY)
if IS_PRODUCTION and (not SECRET_KEY or SECRET_KEY == _INSECURE_LOCAL_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")

# Encryption at rest (privacy.crypto): Fernet keys, comma-separated, newest first; the newest
# encrypts, any decrypts. The keyed hash of safe phones (duplicate detection) has its own key.
# Outside production both default to keys derived from SECRET_KEY; production requires them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
SEARCH_HASH_KEY = env.str("SEARCH_HASH_KEY", default="")
if IS_PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production (Fernet keys, newest first).")
if IS_PRODUCTION and len(SEARCH_HASH_KEY) < 32:
    raise ImproperlyConfigured("SEARCH_HASH_KEY must be set to at least 32 random characters in production.")
if not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"iscg:field-encryption:{SECRET_KEY}".encode()).digest()).decode()
    ]
# The weekly key-rotation reminder (accounts/tasks.py) tells the administrators when the newest key,
# put in place on ENCRYPTION_KEY_ROTATED_ON (YYYY-MM-DD), is older than ENCRYPTION_KEY_MAX_AGE_DAYS.
_key_rotated_on = env.str("ENCRYPTION_KEY_ROTATED_ON", default="")
ENCRYPTION_KEY_ROTATED_ON = datetime.date.fromisoformat(_key_rotated_on) if _key_rotated_on else None
ENCRYPTION_KEY_MAX_AGE_DAYS = env.int("ENCRYPTION_KEY_MAX_AGE_DAYS", default=365)
SEARCH_HASH_KEY = SEARCH_HASH_KEY or hashlib.sha256(f"iscg:search-hash:{SECRET_KEY}".encode()).hexdigest()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Address used to build absolute links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "crispy_forms",
    "django_filters",
    "widget_tweaks",
    "iscg",
    "accounts",
    "organisation",
    "referrals",
    "casework",
    "conventions",
    "reporting",
    "imports",
    "auditlog",
    "audit",
    "privacy",
    "dataprotection",
    "background",
    "dashboards",
    "huey.contrib.djhuey",
]
# Demo and benchmark data never reach production: their apps (and commands) exist only elsewhere.
if not IS_PRODUCTION:
    INSTALLED_APPS += ["demo", "bench"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "organisation.middleware.ScopeMiddleware",
    "audit.submission.SubmitOnceMiddleware",  # a create form's one-time token: N identical POSTs, one record
    "audit.middleware.AccessJournalMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iscg.urls"
WSGI_APPLICATION = "iscg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisation.context_processors.navigation",
                "accounts.context_processors.security",
                "referrals.context_processors.referrals_waiting",
            ],
            "builtins": ["audit.templatetags.submission"],  # {% submission_token %} in every create form
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a demo to a few people at once, and the access journal writes on
    # reads: wait for the write lock instead of failing, and take it when a transaction starts.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles the bilan queries every time (50–150 ms each: more than a post or
    # department bilan query costs). Off per connection, measured in docs/benchmarks.md. Behind
    # PgBouncer (no startup options) set DATABASE_JIT_OFF=false and `ALTER ROLE … SET jit = off`.
    if env.bool("DATABASE_JIT_OFF", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
# Optional streaming replica for the bilans' reads (iscg.db_routers); tests mirror it onto default.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"].get("CONN_MAX_AGE", 0), CONN_HEALTH_CHECKS=True, TEST={"MIRROR": "default"}
    )
    if "options" in DATABASES["default"].get("OPTIONS", {}):
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = DATABASES["default"]["OPTIONS"]["options"]
    DATABASE_ROUTERS = ["iscg.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials before checking them
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",  # Argon2id, 19 MiB, 2 iterations, 1 lane (OWASP)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link lives one hour and serves once
# Reset requests (accounts.lockout.password_reset_allowed, counted in the cache): per address and per
# e-mail within the window. Past either limit, the request is refused and no e-mail goes out.
PASSWORD_RESET_THROTTLE_WINDOW = 60 * 60
PASSWORD_RESET_LIMIT_PER_ADDRESS = 20
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
INVITATION_MAX_AGE = 48 * 60 * 60  # an invitation link lives 48 hours and serves once

# Two-factor authentication (TOTP + single-use backup codes) for every account. Only a local demo
# may switch it off (REQUIRE_2FA=false), and every page then shows a "mode démonstration" banner.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=True)
if IS_PRODUCTION and not REQUIRE_2FA:
    raise ImproperlyConfigured("REQUIRE_2FA cannot be switched off in production.")
OTP_TOTP_ISSUER = "ISCG"
OTP_TOTP_THROTTLE_FACTOR = 1  # 1 s, 2 s, 4 s… after consecutive wrong codes
OTP_STATIC_THROTTLE_FACTOR = 1
BACKUP_CODE_COUNT = 10

# Lockout (django-axes, accounts.lockout): 5 failures for a username from one address lock that
# pair for 15 minutes (a correct password is refused meanwhile; a stranger on another address cannot
# lock the owner out). One address is blocked for every account after 50 failures across accounts in
# 15 minutes (spraying), enough for a police station whose officers share one address.
# Coordinators and admins can unlock.
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 50
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]

# Sessions: 30 minutes idle, 12 hours at most (accounts.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Outside production, whitenoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (convention documents, COPIL bilans, import files) go to MEDIA_ROOT, or to S3-compatible
# object storage when STORAGE_S3_BUCKET is set (iscg/object_storage.py, docs/deploy.md).
STORAGES = {
    "default": s3_storage(os.environ) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# Django's cache: per process by default; CACHE_URL (e.g. dbcache://iscg_cache after
# `manage.py createcachetable`, or rediscache://…) shares it between application servers.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://iscg")}
# Computed bilans are served again for this long (reporting/caching.py); 0 recomputes every time.
BILAN_CACHE_SECONDS = env.int("BILAN_CACHE_SECONDS", default=300)
# Bilan PDFs of departments and the nation are prepared by the worker and kept this many hours for
# their requester (reporting/documents.py).
BILAN_DOCUMENT_HOURS = env.int("BILAN_DOCUMENT_HOURS", default=24)
BILAN_PDF_IN_BACKGROUND = env.bool("BILAN_PDF_IN_BACKGROUND", default=True)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ISCG <ne-pas-repondre@iscg.localhost>")
# Every e-mail goes through the outbox (background/outbox.py): a row written in the same transaction as
# the change that causes it, sent by the worker, retried with back-off (EMAIL_RETRY_BASE_SECONDS
# doubling up to an hour) EMAIL_MAX_ATTEMPTS times, then shown to the administrator as failed.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=30)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds the worker waits for the mail server

# Task queue (Huey, docs/deploy.md "Worker"): `manage.py run_huey` runs the worker. Its queue is a
# SQLite file by default (HUEY_SQLITE_PATH: nothing to install, one machine); HUEY_URL=redis://…
# puts it in Redis, shared by every application server. HUEY_IMMEDIATE runs tasks inside the
# request instead (the tests; never in production).
HUEY_URL = env.str("HUEY_URL", default="")
HUEY_SQLITE_PATH = env.path("HUEY_SQLITE_PATH", default=BASE_DIR / "huey.sqlite3")
HUEY_WORKERS = env.int("HUEY_WORKERS", default=2)
_huey_common = {
    "name": "iscg",
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "utc": True,
    # An idle consumer polls a SQLite queue at most every second (Redis: a blocking read, no polling).
    "consumer": {
        "workers": HUEY_WORKERS,
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        "initial_delay": 0.1,
        "backoff": 1.15,
        "max_delay": 1.0,
    },
}
if HUEY_URL:
    HUEY = {**_huey_common, "huey_class": "huey.RedisHuey", "url": HUEY_URL}
else:
    HUEY = {**_huey_common, "huey_class": "huey.SqliteHuey", "filename": str(HUEY_SQLITE_PATH)}
if IS_PRODUCTION and HUEY["immediate"]:
    raise ImproperlyConfigured("HUEY_IMMEDIATE runs tasks inside requests: never in production.")

# Security. Cookies are Secure outside local development; the local demo is served over plain HTTP.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if SESSION_COOKIE_SECURE:
    # __Host- cookies are only sent over HTTPS, to this exact host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): no inline script; a nonce for the few scripts we load.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Forms: django-dsfr renders fields with its own renderer (FORM_RENDERER stays at Django's default);
# crispy-forms lays them out with the small template pack in templates/dsfr_crispy/.
CRISPY_ALLOWED_TEMPLATE_PACKS = ["dsfr_crispy"]
CRISPY_TEMPLATE_PACK = "dsfr_crispy"
DSFR_MARK_OPTIONAL_FIELDS = True  # DSFR now marks optional fields, not required ones
# django-dsfr 3.x says on every form render that this transitional setting will go (its next major
# version marks optional fields by default): one line of stderr per page in production. When
# upgrading to that version, drop the setting and this filter.
warnings.filterwarnings(
    "ignore", message="Transitional Django setting DSFR_MARK_OPTIONAL_FIELDS", category=UserWarning
)

SERVICE_NAME = "Intervention sociale en commissariat et gendarmerie"
SERVICE_TAGLINE = "Saisines, suivis et bilans des ISCG"

# Privacy (docs/privacy.md): the access journal is kept ACCESS_JOURNAL_RETENTION_DAYS (the change
# history too); follow-ups closed or inactive for RETENTION_YEARS are anonymised by apply_retention.
ACCESS_JOURNAL_RETENTION_DAYS = env.int("ACCESS_JOURNAL_RETENTION_DAYS", default=365)
RETENTION_YEARS = env.int("RETENTION_YEARS", default=2)
RETENTION_WARNING_DAYS = 30
# Change history (django-auditlog): linked to the access journal by the request id; no IP address.
AUDITLOG_CID_GETTER = "audit.request_id.current_request_id"
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_MASK_CALLABLE = "audit.history.mask_value"

# Logs go to stderr, without request bodies or personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} [{request_id}] {name} {message}", "style": "{"}},
    "filters": {
        "request_id": {"()": "audit.request_id.RequestIdFilter"},
        "mask_secrets": {"()": "audit.request_id.MaskSecretsFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "mask_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Request lines name the path: the subscription token is masked before any handler sees them.
        "django.request": {"filters": ["mask_secrets"]},
        "django.server": {"filters": ["mask_secrets"], "propagate": True},  # runserver's lines, to the console
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "huey": {"level": "INFO"},
    },
}
