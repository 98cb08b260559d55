"""Liangze settings: one module, every deployment difference comes from the environment.

With nothing set it runs on a laptop: SQLite under var/, DEBUG off, a secret key generated on first
run. See README.md for the table of variables.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from liangze.core.env import env_bool, env_int, env_list, env_secret, env_str

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("LIANGZE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = env_secret("LIANGZE_SECRET_KEY")
    if given:
        return given
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LIANGZE_DEBUG", False)
ALLOWED_HOSTS = env_list("LIANGZE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LIANGZE_CSRF_TRUSTED_ORIGINS", [])
HTTPS = env_bool("LIANGZE_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_linear_migrations",
    "liangze.core",
    "liangze.regions",
    "liangze.accounts",
    "liangze.audit",
    "liangze.files",
    "liangze.jobs",
    "liangze.figures",
    "liangze.notifications",
    "liangze.businesses",
    "liangze.officials",
    "liangze.enterprise",
    "liangze.rectification",
    "liangze.visits",
    "liangze.imports",
    "liangze.dashboards",
    "liangze.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "liangze.core.middleware.RequestContextMiddleware",
    "liangze.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liangze.core.middleware.DomainErrorMiddleware",
    "liangze.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liangze.urls"
# Form widgets render through the project's template engine, so widgets may live in templates/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "liangze.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liangze.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("LIANGZE_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "liangze.sqlite3",
            # A connection kept between requests: a new one reads the schema again on its first
            # query (about 1.3 ms of a public page's 2.6 ms, BENCHMARKS.md: the public page).
            # Safe with `restore`, which rewrites the open file in place.
            "CONN_MAX_AGE": env_int("LIANGZE_DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # Writers queue behind one another instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # 16 KiB pages (taken only by a new, empty database): a large import writes each
                # row into eight B-trees and copies the WAL at its commit, both cheaper with
                # fewer, larger pages (BENCHMARKS.md: the import's write job).
                "init_command": (
                    "PRAGMA page_size=16384;"
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process caches only (no cache server). `public_pages` keeps the rendered public pages a QR
# code opens, a minute each, per worker process (docs/architecture.md, "The public page"); an entry
# is a page of about 10 KB, so the default bound is about 40 MB a process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": env_int("LIANGZE_PUBLIC_PAGE_CACHE_ENTRIES", 4000)},
    },
}

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Authentication and security ----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("LIANGZE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = "liangze.accounts.lockout.cooloff_time"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The password change counts wrong current passwords too (accounts.lockout): axes keeps the posted
# form of each failure, so every password field of that form is masked as `password` is.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("LIANGZE_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LIANGZE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LIANGZE_HSTS_SECONDS", 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("LIANGZE_HSTS_PRELOAD", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Languages and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "liangze_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
FILES_ROOT = VAR_DIR / "files"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": FILES_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": env_str(
            "LIANGZE_STATIC_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Private files stay in var/files unless LIANGZE_FILE_STORAGE=s3 puts them in an S3-compatible
# bucket that every app server shares. Either way they are served only by views that check access.
LIANGZE_FILE_STORAGE = env_str("LIANGZE_FILE_STORAGE").strip().lower()
if LIANGZE_FILE_STORAGE == "s3":
    if not env_str("LIANGZE_S3_BUCKET"):
        raise ImproperlyConfigured("LIANGZE_S3_BUCKET must be set when LIANGZE_FILE_STORAGE=s3")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("LIANGZE_S3_BUCKET"),
            "endpoint_url": env_str("LIANGZE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("LIANGZE_S3_REGION") or None,
            "access_key": env_secret("LIANGZE_S3_ACCESS_KEY") or None,
            "secret_key": env_secret("LIANGZE_S3_SECRET_KEY") or None,
            # No ACL header: the bucket stays private, and stores with ACLs disabled refuse one.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif LIANGZE_FILE_STORAGE not in ("", "local"):
    raise ImproperlyConfigured(
        f"LIANGZE_FILE_STORAGE must be local or s3; got {LIANGZE_FILE_STORAGE!r}"
    )
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LIANGZE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LIANGZE_LOG_LEVEL", "INFO")},
    "loggers": {
        "liangze.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# --- Liangze ----------------------------------------------------------------------------------------
LIANGZE_DEMO_PASSWORD = env_secret("LIANGZE_DEMO_PASSWORD", "Liangze-demo-2026")
LIANGZE_ONE_TIME_PASSWORD_LENGTH = 12
LIANGZE_LOGIN_COOLOFF_BASE = timedelta(minutes=env_int("LIANGZE_LOGIN_COOLOFF_MINUTES", 15))
LIANGZE_SITE_NAME = _("Liangze food-safety responsibilities")
# Finished jobs, their uploaded files and scheduler bookkeeping are purged after this many days.
LIANGZE_JOB_RETENTION_DAYS = env_int("LIANGZE_JOB_RETENTION_DAYS", 90)
# A running job whose worker gave no heartbeat for this long is failed (the worker died), so it
# can be started again (jobs/heartbeat.py).
LIANGZE_JOB_STALE_SECONDS = env_int("LIANGZE_JOB_STALE_SECONDS", 300)
# Printed QR codes point here ("https://liangze.example.gov.cn"), not at the host staff printed from.
LIANGZE_PUBLIC_BASE_URL = env_str("LIANGZE_PUBLIC_BASE_URL").strip().rstrip("/")
if LIANGZE_PUBLIC_BASE_URL and not LIANGZE_PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"LIANGZE_PUBLIC_BASE_URL must start with https:// or http://; got {LIANGZE_PUBLIC_BASE_URL!r}"
    )
# Reports from a business's public page: per client address per hour, per business per day.
LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR = env_int("LIANGZE_PUBLIC_REPORTS_PER_IP_HOUR", 5)
LIANGZE_PUBLIC_REPORTS_PER_BUSINESS_DAY = env_int("LIANGZE_PUBLIC_REPORTS_PER_BUSINESS_DAY", 20)
# Visits (docs/domain.md §1.12): assignments begun in a quarter's last N days are exempt; a
# reopened entry window lasts N days unless the office gives another end.
LIANGZE_VISIT_EXEMPT_DAYS = env_int("LIANGZE_VISIT_EXEMPT_DAYS", 15)
LIANGZE_WINDOW_REOPEN_DAYS = env_int("LIANGZE_WINDOW_REOPEN_DAYS", 7)
# Quarterly notices (docs/domain.md §2, "Rankings"): at most N officials with missed visit tasks
# and N overdue problems are named, the rest counted ("and N more").
LIANGZE_NOTICE_LAGGARDS_MAX = env_int("LIANGZE_NOTICE_LAGGARDS_MAX", 50)

# SMS (docs/architecture.md, "Notifications"): a backend class like Django's email backends; the
# console backend writes messages to the log.
LIANGZE_SMS_BACKEND = env_str("LIANGZE_SMS_BACKEND", "liangze.notifications.sms.ConsoleSmsBackend")
# Mail goes only to accounts that gave an address; console unless SMTP is configured.
EMAIL_BACKEND = env_str("LIANGZE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("LIANGZE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LIANGZE_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("LIANGZE_EMAIL_FROM", "liangze@localhost")
