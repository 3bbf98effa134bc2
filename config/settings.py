"""CampaignOps settings: every knob comes from the environment (12-factor).

Three modes, all with ``DEBUG`` off unless ``DEBUG=true`` is set:

- **embedded** (no ``DATABASE_URL``; ``make run`` on a fresh machine): SQLite and a
  filesystem Celery broker under ``var/``, plain http on 127.0.0.1, and the secret
  key, credentials key and pseudonym key generated once into ``var/``;
- **production** (``DATABASE_URL`` set, e.g. docker compose): PostgreSQL and Redis;
  ``SECRET_KEY``, ``CREDENTIALS_KEYS`` and ``PSEUDONYM_KEY`` must be set or the
  process refuses to start, and ``manage.py check --deploy`` is clean;
- **developer** (``DEBUG=true``): Django's debug pages and development keys.

``EMBEDDED=true|false`` overrides the guess from ``DATABASE_URL``.
"""

import importlib
import importlib.util
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .local_secrets import new_fernet_key, new_secret_key, read_or_create

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Fail closed: a bare start (the image's command, `make run`) never serves
# Django's debug page, which lists every URL pattern and setting.
DEBUG = env.bool("DEBUG", default=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
EMBEDDED = env.bool("EMBEDDED", default=not env.str("DATABASE_URL", default=""))
PRODUCTION = not DEBUG and not EMBEDDED

_DEV_SECRET_KEY = "insecure-development-key-for-the-developer-mode-only"  # noqa: S105


def _secret(name: str, make, *, developer_default: str = "") -> str:
    """An env secret; generated into var/ when embedded; required in production."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG and developer_default:
        return developer_default
    if EMBEDDED:
        return read_or_create(VAR_DIR / "secrets" / name.lower(), make)
    if DEBUG:
        return ""
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is false (production).")


SECRET_KEY = _secret("SECRET_KEY", new_secret_key, developer_default=_DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters "
        "when DEBUG is false."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # CampaignOps, lowest floor first (see docs/architecture.md). Before the
    # third-party apps: Django merges translation catalogues in this order and
    # the first wins, so "Name" stays 名称 (django-celery-beat says 任务名) and
    # "Minutes" stays 会议纪要 (it says 分钟).
    "teams",
    "platforms",
    "compliance.privacy",
    "compliance.advertising",
    "compliance.risk",
    "campaigns.planning",
    "campaigns.content",
    "campaigns.publishing",
    "campaigns.engagement",
    "analytics",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that validates the Host header (see its docstring).
    "config.middleware.HealthProbeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
            # One filter set for numbers, money and dates, loadable from every app's
            # templates without making config an app (no app imports config).
            "libraries": {"formats": "config.templatetags.formats"},
        },
    },
]

# --- Database ------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'campaignops.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers and the writer
    # proceed together, IMMEDIATE avoids deadlocking upgrades of read locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind a pooler in transaction mode (PgBouncer): no server-side cursors and
    # no prepared statements (teams.authentication), which such a pooler cannot keep.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_TRANSACTION_POOLER", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that accepts connections and then never answers (paused, swapping,
# a half-open network path) would otherwise hold a request or a beat job for
# ever; with a bound it is an error the callers already handle (the work is
# logged and left for its periodic job, ``teams.jobs``).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # The worker's blocking reads wait 1 s at a time (kombu's brpop_timeout),
    # well inside the socket timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": 3600,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    }
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "campaignops",
        }
    }
    CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (pidbox) messages, otherwise written to ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
    # The filesystem broker and result backend need their folders to exist
    # before the first message; creating them here keeps `make run` one step.
    for _folder in ("queue", "processed", "results", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)

# --- Celery (see config/celery.py) -------------------------------------------------
CELERY_TIMEZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "sync")
# Slow platform syncs go to ``sync`` so they never hold up publishing: a task
# whose name ends in ``_sync_task`` is routed there (config/celery.py), the
# rest to ``default``.
CELERY_TASK_ROUTES = {"*_sync_task": {"queue": "sync"}}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "config.beat:CodeSeededScheduler"
# Periodic tasks: each app may declare BEAT_SCHEDULE in ``<app>/schedules.py``
# (plain data, no Django imports). Beat creates the missing ones in
# django-celery-beat's tables when it starts (config/beat.py) and never
# rewrites a stored one, so an admin's retime or pause stays.
PROJECT_APPS = (
    "teams", "platforms", "compliance.privacy", "compliance.advertising", "compliance.risk",
    "campaigns.planning", "campaigns.content", "campaigns.publishing", "campaigns.engagement",
    "analytics",
)
CELERY_BEAT_SCHEDULE: dict = {}
for _app in PROJECT_APPS:
    if importlib.util.find_spec(f"{_app}.schedules") is not None:
        CELERY_BEAT_SCHEDULE.update(
            importlib.import_module(f"{_app}.schedules").BEAT_SCHEDULE
        )

# --- Auth ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# --- i18n ------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# One date shape on every page, in both languages: 2028-01-05 (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js is served from the installed plotly package, not a CDN.
    ("plotly", Path(importlib.util.find_spec("plotly").origin).parent / "package_data"),
]
STORAGES = {
    "default": {"BACKEND": "teams.uploads.CleanFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
# Uploads larger than this are refused before anything is stored (teams.uploads).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
# Django keeps bodies up to this size in memory and streams larger ones to a
# temporary file; a request body is never read whole beyond it.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Metric exports are larger than documents; they are streamed, never read whole.
ANALYTICS_IMPORT_MAX_MB = env.int("ANALYTICS_IMPORT_MAX_MB", default=200)
# An import silent this long (no rows read, not taken by a worker) lost its
# worker or its message; the sweeper (analytics-imports-sweep) sends it again.
# Longer than the longest silent stretch of a live import: the final merge of
# a file of ANALYTICS_IMPORT_MAX_MB.
ANALYTICS_IMPORT_STALE_SECONDS = env.int("ANALYTICS_IMPORT_STALE_SECONDS", default=900)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- REST API --------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with a
    # WWW-Authenticate header instead of session auth's 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # config.schema: documents the error answers and times of day as they are sent.
    "DEFAULT_SCHEMA_CLASS": "config.schema.CampaignOpsAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # JSON nested thousands deep, lone surrogates, NUL characters and numbers no
    # column holds are a 400 here, before any view (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Views that burn CPU per request (sentiment scoring, the recommender, the
    # content check) name ``throttle_scope = "cpu"``; the others are not throttled.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"cpu": env.str("API_CPU_RATE", default="60/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CampaignOps API",
    "DESCRIPTION": "Plan, prepare, run and evaluate online marketing campaigns.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "/static/favicon.svg",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind"; each choice set gets its own
    # stable schema name instead of a hash-suffixed one.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "teams.models.TaskStatus",
        "CampaignStatusEnum": "campaigns.planning.models.CampaignStatus",
        "PhaseKindEnum": "campaigns.planning.models.PhaseKind",
        "VerificationStatusEnum": "platforms.models.VerificationStatus",
        "DocumentKindEnum": "platforms.models.DocumentKind",
        "ConnectorKindEnum": "platforms.models.ConnectorKind",
        "IncidentStatusEnum": "compliance.risk.models.IncidentStatus",
        "IncidentUpdateKindEnum": "compliance.risk.models.UpdateKind",
        "DataSubjectRequestKindEnum": "compliance.privacy.models.DSRKind",
        "DataSubjectRequestStatusEnum": "compliance.privacy.models.DSRStatus",
        "TermKindEnum": "compliance.advertising.models.TermKind",
        "ContentStatusEnum": "campaigns.content.models.ContentStatus",
        "ContentKindEnum": "campaigns.content.models.ContentKind",
        "PublicationStatusEnum": "campaigns.publishing.models.PublicationStatus",
        "InteractionStatusEnum": "campaigns.engagement.models.InteractionStatus",
        "InteractionKindEnum": "campaigns.engagement.models.InteractionKind",
        "ReplyStatusEnum": "campaigns.engagement.models.ReplyStatus",
        "LotteryStatusEnum": "campaigns.engagement.models.LotteryStatus",
        "ImportStatusEnum": "analytics.models.ImportStatus",
        "FindingKindEnum": "analytics.models.FindingKind",
        "MeetingKindEnum": "teams.models.MeetingKind",
        "MeetingStatusEnum": "teams.models.MeetingStatus",
        "DecisionStatusEnum": "teams.models.DecisionStatus",
        "NotificationKindEnum": "teams.models.NotificationKind",
        "RaciRoleEnum": "teams.models.RaciRole",
        "RoleEnum": "teams.roles.Role",
        "TaskPriorityEnum": "teams.models.TaskPriority",
    },
}

# --- Security ----------------------------------------------------------------------
# Embedded and developer modes serve plain http on the loopback address.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# The container's own health check speaks plain http (config.middleware).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS: list[str] = []
if BEHIND_TLS_PROXY and not SECURE_SSL_REDIRECT:
    # The proxy that terminates TLS redirects plain HTTP itself.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Scripts only from this origin (vendored assets) or with the per-request
# nonce; styles allow inline because Bootstrap components and plotly set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Logging -----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
        # urllib3 logs every request line at DEBUG, query string included: WeChat
        # takes its access token there, so LOG_LEVEL=DEBUG would write tokens to logs.
        "urllib3": {"level": "INFO"},
    },
}

# --- CampaignOps -------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="campaignops")
# Keys that encrypt platform credentials at rest (Fernet, urlsafe base64, 32
# bytes). Comma-separated: the first encrypts, all decrypt, which is how a key
# is rotated (manage.py rotate_credentials). Embedded: generated into var/.
CREDENTIALS_KEYS = env.list("CREDENTIALS_KEYS", default=[]) or (
    [_secret("CREDENTIALS_KEYS", new_fernet_key)] if not DEBUG else []
)
# Key of the HMAC that turns a data subject's identifier into a pseudonym when
# their data is anonymised (PIPL): without the key, enumerating phone numbers
# cannot reverse it. Changing it breaks the link between old and new pseudonyms.
PSEUDONYM_KEY = _secret("PSEUDONYM_KEY", new_secret_key, developer_default=_DEV_SECRET_KEY)

SITE_NAME = _("CampaignOps")
# Notifications by e-mail (teams): printed to the console unless a backend is set.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CampaignOps <noreply@campaignops.local>")

# SMART check (S2.1.1): warn when a target exceeds its baseline, or the team's
# best earlier result, by more than this factor.
SMART_ACHIEVABLE_FACTOR = env.float("SMART_ACHIEVABLE_FACTOR", default=3.0)
# Platform recommender (S2.2.1) factor weights, e.g. "audience=0.5,format=0.3,policy=0.2".
RECOMMENDER_WEIGHTS = env.dict("RECOMMENDER_WEIGHTS", cast={"value": float}, default={})
# Data-subject requests (PIPL) are due this many working days after receipt.
DSR_DUE_WORKING_DAYS = env.int("DSR_DUE_WORKING_DAYS", default=15)
WECHAT_API_BASE = env.str("WECHAT_API_BASE", default="https://api.weixin.qq.com")
WEIBO_API_BASE = env.str("WEIBO_API_BASE", default="https://api.weibo.com/2")
