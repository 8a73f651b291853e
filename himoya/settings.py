"""Settings, read from the environment with safe development defaults.

HIMOYA_DEBUG=1 turns on development mode; without it every production safeguard is on
(secure cookies, HSTS, SSL redirect) and a real HIMOYA_SECRET_KEY, HIMOYA_FIELD_KEY and
HIMOYA_INDEX_KEY are required.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("HIMOYA_DEBUG")
# Development shows the users' 404 page too; this brings back Django's debug page.
HIMOYA_TECHNICAL_404 = env_flag("HIMOYA_TECHNICAL_404")
TESTING = env_flag("HIMOYA_TESTING")

# Development keys are public; they exist so `himoya demo` runs with no set-up.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
DEV_FIELD_KEY = "dev:ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="

SECRET_KEY = os.environ.get("HIMOYA_SECRET_KEY", "")
FIELD_KEY = os.environ.get("HIMOYA_FIELD_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("HIMOYA_SECRET_KEY must be set when HIMOYA_DEBUG is off.")
    SECRET_KEY = DEV_SECRET_KEY
if not FIELD_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("HIMOYA_FIELD_KEY must be set when HIMOYA_DEBUG is off.")
    FIELD_KEY = DEV_FIELD_KEY
# Blind-index key: separate from the field keys so that rotating them keeps every index.
INDEX_KEY = os.environ.get("HIMOYA_INDEX_KEY", "")
if not INDEX_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("HIMOYA_INDEX_KEY must be set when HIMOYA_DEBUG is off.")
    INDEX_KEY = DEV_FIELD_KEY  # derived from the first development key, which never rotates
# Audit key: keys the audit log's hash chain (HMAC) and signs its checkpoints; it lives
# outside the database, so whoever can rewrite the table cannot recompute the chain.
DEV_AUDIT_KEY = "dev:ZGV2LW9ubHktYXVkaXQta2V5LW5vdC1mb3ItcmVhbC1kYXRh"
AUDIT_KEY = os.environ.get("HIMOYA_AUDIT_KEY", "")
if not AUDIT_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("HIMOYA_AUDIT_KEY must be set when HIMOYA_DEBUG is off.")
    AUDIT_KEY = DEV_AUDIT_KEY

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HIMOYA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["testserver", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "csp",
    "django_prometheus",
    "django_tasks_db",
    "himoya.core",
    "himoya.organisations",
    "himoya.audit",
    "himoya.vocab",
    "himoya.cases",
    "himoya.screening",
    "himoya.referrals",
    "himoya.assistance",
    "himoya.justice",
    "himoya.hotline",
    "himoya.prevention",
    "himoya.reference",
    "himoya.stats",
    "himoya.publish",
    "himoya.linkage",
    "himoya.interop",
    "himoya.backups",
    "himoya.retention",
    "himoya.fieldcapture",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "himoya.api",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "himoya.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "himoya.core.middleware.PermissionsPolicyMiddleware",
    "himoya.core.middleware.NoStoreMiddleware",
    "himoya.api.middleware.NoStoreApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "himoya.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "himoya.core.middleware.RefuseNulParametersMiddleware",
    "himoya.core.middleware.FriendlyNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "himoya.core.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "himoya.crypto.keyring.KeyringReportMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "himoya.urls"
WSGI_APPLICATION = "himoya.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "himoya.core.context_processors.himoya",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'himoya.sqlite3'}"),
        conn_max_age=int(os.environ.get("HIMOYA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite simply ignores them.
    SILENCED_SYSTEM_CHECKS_SQLITE = ["models.W040"]
else:
    SILENCED_SYSTEM_CHECKS_SQLITE = []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 on purpose is slow; the tests check the hasher setting, not its cost.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("HIMOYA_LOGIN_FAILURE_LIMIT", "5"))
# A minute at the limit, doubling with every further failure, at most an hour.
AXES_COOLOFF_TIME = "himoya.organisations.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
# Per account *and* address together: from another address the real user still signs in.
# An office behind one address that gets locked is freed by its admin unlocking the
# member whose failures caused it (that removes those attempts).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy every request comes from the proxy's address: count the proxies
# we trust so the lock-out sees each client's own address (X-Forwarded-For).
HIMOYA_TRUSTED_PROXIES = int(os.environ.get("HIMOYA_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "himoya.core.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Himoya"
# Nobody, not even a superuser in django-admin, reads other people's TOTP keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "tg"
LANGUAGES = [
    ("tg", "Тоҷикӣ"),
    ("ru", "Русский"),
    ("en", "English"),
]
LANGUAGE_COOKIE_NAME = "himoya_language"
# The project's shared templates, then Tajik for Django's own messages that Django's
# catalogue leaves untranslated (himoya/django_tg: password rules, form limits).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "django_tg" / "locale"]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["himoya.formats"]
TIME_ZONE = "Asia/Dushanbe"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("HIMOYA_STATIC_ROOT", PROJECT_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]  # himoya/static is not inside an app
MEDIA_ROOT = PROJECT_DIR / "var" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING and not env_flag("HIMOYA_TASKS_DB")
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Security: on unless in development.
CSRF_FAILURE_VIEW = "himoya.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only the server's own vendored scripts and styles,
# no inline script or style, no plug-ins, no framing, forms post only to Himoya. The
# TOTP set-up page shows its QR code as a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy: no page needs a device or sensor; say so, so an injected frame can't ask.
HIMOYA_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)
if not (DEBUG or TESTING):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("HIMOYA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probed over HTTP on the host itself

# Himoya's own settings.
# Roles that must sign in with a TOTP code besides these: every role that can reveal
# identities or read the audit log (see himoya.access.policy.roles_needing_second_factor).
HIMOYA_REQUIRE_2FA_ROLES = ("org_admin", "national_coordinator", "system_admin")
HIMOYA_PRIVACY_BUDGET = float(os.environ.get("HIMOYA_PRIVACY_BUDGET", "10"))
# The country whose register this is (ISO 3166-1 alpha-2).
HIMOYA_COUNTRY = os.environ.get("HIMOYA_COUNTRY", "TJ")
# Cross-border linkage keys: the secret shared with the partner whose key files we match.
# No default: `himoya linkage-keys` refuses to run without it (himoya/linkage/clk.py).
HIMOYA_LINKAGE_SECRET = os.environ.get("HIMOYA_LINKAGE_SECRET", "")
# Files that hold identities (exports, uploads, signed consent forms, transient files a
# library needs on disk) live here, encrypted, owner-only; never under MEDIA_ROOT or /tmp.
HIMOYA_PRIVATE_ROOT = Path(os.environ.get("HIMOYA_PRIVATE_ROOT", PROJECT_DIR / "var" / "private"))
# Signed checkpoints of the audit chain (`himoya audit checkpoint`) are written here: a
# directory outside the database, ideally on another machine or an append-only mount.
HIMOYA_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("HIMOYA_AUDIT_CHECKPOINT_DIR", PROJECT_DIR / "var" / "audit-checkpoints")
)
# `himoya backup` writes here (keep it on another disk, and copy it off the machine);
# backups older than HIMOYA_BACKUP_KEEP_DAYS are deleted after a new one is verified.
HIMOYA_BACKUP_DIR = Path(os.environ.get("HIMOYA_BACKUP_DIR", PROJECT_DIR / "var" / "backups"))
HIMOYA_BACKUP_KEEP_DAYS = float(os.environ.get("HIMOYA_BACKUP_KEEP_DAYS", "30"))
# Exports and import uploads are deleted this many hours after they were written.
HIMOYA_FILE_RETENTION_HOURS = float(os.environ.get("HIMOYA_FILE_RETENTION_HOURS", "24"))
# Retention periods in days (0 keeps the records forever); see himoya/retention/actions.py.
HIMOYA_RETAIN_CLOSED_CASES_DAYS = float(os.environ.get("HIMOYA_RETAIN_CLOSED_CASES_DAYS", "1826"))
HIMOYA_RETAIN_HOTLINE_DAYS = float(os.environ.get("HIMOYA_RETAIN_HOTLINE_DAYS", "365"))
HIMOYA_RETAIN_NOT_VICTIM_SCREENINGS_DAYS = float(
    os.environ.get("HIMOYA_RETAIN_NOT_VICTIM_SCREENINGS_DAYS", "365")
)
HIMOYA_RETAIN_AUDIT_DAYS = float(os.environ.get("HIMOYA_RETAIN_AUDIT_DAYS", "3650"))
# A running job whose heartbeat is older than this is taken for dead (worker crashed).
HIMOYA_JOB_HEARTBEAT_SECONDS = int(os.environ.get("HIMOYA_JOB_HEARTBEAT_SECONDS", "30"))
HIMOYA_JOB_DEAD_AFTER_SECONDS = int(os.environ.get("HIMOYA_JOB_DEAD_AFTER_SECONDS", "180"))
# Address space a worker may use for its jobs (MB), above what it holds when it starts.
HIMOYA_JOB_MEMORY_MB = int(os.environ.get("HIMOYA_JOB_MEMORY_MB", "1024"))
HIMOYA_REFERRAL_OVERDUE_HOURS = int(os.environ.get("HIMOYA_REFERRAL_OVERDUE_HOURS", "72"))
HIMOYA_SHARED_DATA = Path(
    os.environ.get("HIMOYA_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data")
)

# Logs are JSON, one object a line. Each request writes one line on "himoya.requests":
# method, route name (never the path or its query), status, duration and user id; never a
# name, a case number or a search term.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "himoya.requests": {
            "handlers": ["console"],
            "level": "WARNING" if TESTING else "INFO",
            "propagate": False,
        }
    },
}
# Processes report which field keys they read (himoya.crypto.keyring); rotate-field-key
# waits until every process seen within this window reads the new key. Off in the tests,
# where a report would add a query to whichever request comes first.
HIMOYA_KEYRING_REPORTS = env_flag("HIMOYA_KEYRING_REPORTS", not TESTING)
HIMOYA_KEYRING_WINDOW_SECONDS = int(os.environ.get("HIMOYA_KEYRING_WINDOW_SECONDS", "3600"))
# Prometheus metrics at /metrics: from the host itself, or with this bearer token.
HIMOYA_METRICS_TOKEN = os.environ.get("HIMOYA_METRICS_TOKEN", "")

# django-admin bypasses the access policy; it is off unless asked for (HIMOYA_ADMIN=1).
ADMIN_ENABLED = env_flag("HIMOYA_ADMIN")
SILENCED_SYSTEM_CHECKS: list[str] = [*SILENCED_SYSTEM_CHECKS_SQLITE]
_ = _

# Field capture (ODK Collect): the largest submission, with its files, that /odk/submission takes.
HIMOYA_ODK_MAX_SUBMISSION_BYTES = int(
    os.environ.get("HIMOYA_ODK_MAX_SUBMISSION_BYTES", str(20 * 1024 * 1024))
)
# REST API (himoya.api): personal access tokens only, scoped by the access policy.
HIMOYA_API_RATE = os.environ.get("HIMOYA_API_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["himoya.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["himoya.api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["himoya.api.throttling.PerToken"],
    "DEFAULT_THROTTLE_RATES": {"token": HIMOYA_API_RATE},
    "DEFAULT_PAGINATION_CLASS": "himoya.api.pagination.NewestFirst",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "himoya.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "himoya.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Himoya API",
    "DESCRIPTION": (
        "Cases, persons, screenings, referrals, services, proceedings, the service "
        "directory and statistics of the national referral mechanism. Authenticate with "
        "a personal access token issued by your organisation's admin: "
        "`Authorization: Bearer hmy_…`. Another organisation's record answers 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
# Webhooks: tries per delivery, the first wait before a retry (doubling each time), and
# how many deliveries in a row may fail before a subscription is paused.
HIMOYA_WEBHOOK_ATTEMPTS = int(os.environ.get("HIMOYA_WEBHOOK_ATTEMPTS", "6"))
HIMOYA_WEBHOOK_BACKOFF_SECONDS = int(os.environ.get("HIMOYA_WEBHOOK_BACKOFF_SECONDS", "30"))
HIMOYA_WEBHOOK_PAUSE_AFTER = int(os.environ.get("HIMOYA_WEBHOOK_PAUSE_AFTER", "5"))
HIMOYA_WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("HIMOYA_WEBHOOK_TIMEOUT_SECONDS", "10"))
