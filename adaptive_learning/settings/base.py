"""Settings shared by every environment; each value comes from the environment.

With nothing set, the embedded defaults need no external service: SQLite under ``var/``,
a local-memory cache and Celery on kombu's filesystem transport. See README.md for the table
of every variable.
"""

import contextlib
from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers as default_cors_headers

from .env import BASE_DIR, INSECURE_DEFAULT_SECRET_KEY, VAR_DIR, env
from .logging_config import build_logging, parse_admins

VAR_DIR.mkdir(exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
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
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_prometheus",
    "django_guid",
    "axes",
    "corsheaders",
    "apps.core",
    "apps.accounts",
    "apps.curriculum",
    "apps.assessments",
    "apps.recommendations",
    "apps.recommendations.recalculation",
    "apps.privacy",
    "apps.web",
    "apps.demo",
]

MIDDLEWARE = [
    # Outermost, so every response carries it, the ops endpoints' too (PERMISSIONS_POLICY).
    "apps.core.middleware.PermissionsPolicyMiddleware",
    # Before any middleware that checks the request, so probes and scrapers reach /health,
    # /ready and /metrics by pod IP without the host check or the HTTPS redirect in the way.
    "apps.core.middleware.OpsEndpointsMiddleware",
    # Before anything that can answer (the HTTPS redirect, CommonMiddleware, the 413 below), as
    # django-cors-headers asks, so preflights and error answers carry the CORS headers too; and
    # outside django-guid, whose Access-Control-Expose-Headers it replaces (X-Request-ID kept).
    "corsheaders.middleware.CorsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_guid.middleware.guid_middleware",
    "apps.core.middleware.RequestLogMiddleware",
    # Before anything reads the body or routes the request (see each class).
    "apps.core.middleware.ApiBodySizeMiddleware",
    "apps.core.middleware.ApiTrailingSlashMiddleware",
    "apps.core.middleware.DeprecationHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Class heatmaps run to ~1 MB of HTML; Django's gzip pads responses against BREACH and CSRF
    # tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "adaptive_learning.urls"
WSGI_APPLICATION = "adaptive_learning.wsgi.application"

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
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
_engine = DATABASES["default"]["ENGINE"]
if _engine.endswith("sqlite3"):
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so two
    # concurrent answers queue up instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.sqlite3"
elif _engine.endswith(("postgresql", "postgres")):
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "al",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # Fail open: a Redis outage degrades to cache misses, never to 500s.
                "IGNORE_EXCEPTIONS": True,
            },
        },
        # Throttles must not fail open (apps.core.throttling): errors reach them, and they
        # fall back to process memory.
        "throttle": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "al-throttle",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": False,
            },
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache",
            "LOCATION": "adaptive-learning",
        },
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "adaptive-learning-throttle",
        },
    }
# Signed-in users by access token (apps.accounts.token_cache): shared by every process, so a
# logout or a change to the user is seen by all at once; a miss only costs the query.
CACHES["auth"] = (
    {**CACHES["default"], "KEY_PREFIX": "al-auth"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "auth"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
)
AUTH_TOKEN_CACHE_SECONDS = env.int("AUTH_TOKEN_CACHE_SECONDS", default=60)
CACHES["throttle_fallback"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "adaptive-learning-throttle-fallback",
}

# --- Auth --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (apps.accounts.lockout): AXES_FAILURE_LIMIT failures for one username from one
# address, or from one address in all, lock that client out for AXES_COOLOFF_MINUTES. Counts
# live in the database, so they hold when Redis is down. Behind a school's NAT many learners
# share one address: raise the limit there rather than dropping the address-wide rule.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "apps.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Adaptive Learning <noreply@localhost>")
# Error reports (LOGGING's mail_admins handler): DJANGO_ADMINS="Ada Ops <ada@example.com>,...",
# sent from SERVER_EMAIL; a slow mail server must not hold the failing request for long.
ADMINS = parse_admins(env.str("DJANGO_ADMINS", default=""))
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[Adaptive Learning] ")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Internationalisation and static files ----------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if not (STATIC_ROOT / "staticfiles.json").exists():
    # Before collectstatic has run (tests, a fresh checkout) serve files straight from the apps.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
# A read-only image already has it (collectstatic ran at build time).
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(exist_ok=True)

# --- Security headers that hold in every environment ------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]
# Scripts and styles come only from our own static files: no template, SVG chart or admin
# customisation has an inline <script>, style="" or <style> (tests/core/test_security_headers.py
# checks every page), so markup injected into content cannot run or restyle the page. Only the
# API docs views relax style-src, for themselves (adaptive_learning/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the blank favicon and the admin's icons
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page uses, switched off for the page and anything it embeds.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, plus the logout denylist.
        "apps.accounts.authentication.DenylistJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, plus the error responses each operation can answer.
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [],
    # How many proxies in front of the app append to X-Forwarded-For. 0 (the default): the
    # throttles key on the real peer (REMOTE_ADDR), so a client cannot pick its own identity by
    # sending the header; behind the ALB the chart sets 1 (the ALB's appended address).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("AUTH_THROTTLE_RATE", default="20/minute"),
        # Token refresh, per address and account: its own budget, since every app refreshes.
        "auth_refresh": env.str("AUTH_REFRESH_THROTTLE_RATE", default="120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) are a JSON 413 under /api/; multipart
# bodies carry uploads, the course import's up to 10 MB, so they may be this large.
API_MULTIPART_MAX_BYTES = 11 * 1024 * 1024

# Answers queued offline (POST /api/v1/practice/answers/batch/): at most this many per request,
# each answered at most this many days ago (older is refused: a phone's clock set wrong, or a
# queue too stale to schedule reviews from). Up to the skew seconds ahead of the server's clock
# counts as now; further ahead is refused.
ANSWER_BATCH_MAX = env.int("ANSWER_BATCH_MAX", default=100)
OFFLINE_ANSWER_MAX_AGE_DAYS = env.int("OFFLINE_ANSWER_MAX_AGE_DAYS", default=30)
OFFLINE_CLOCK_SKEW_SECONDS = env.int("OFFLINE_CLOCK_SKEW_SECONDS", default=300)

# Browser clients on other origins (a web or hybrid app) may call the API, and only the API.
# Tokens travel in the Authorization header, not cookies, so no credentials mode.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = [
    "X-Request-ID",
    "ETag",
    "Last-Modified",
    "Retry-After",
    "Deprecation",
    "Sunset",
    "Link",
]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TOKEN_LIFETIME_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_LIFETIME_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Adaptive Learning API",
    "DESCRIPTION": (
        "JSON API for mobile and web clients. Authenticate with a JWT from "
        "`/api/v1/auth/token/` and send it as `Authorization: Bearer <access>`. "
        "Every error (4xx and 5xx) has the shape `{error: {code, message, fields}}` (the `Error` "
        "schema). Version 1 changes only additively; a retired operation is marked `deprecated` "
        "and answers `Deprecation` and `Sunset` headers (RFC 9745, RFC 8594) before it goes."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ContentStatusEnum": "apps.curriculum.models.Status",
        "AttemptStatusEnum": "apps.assessments.models.AttemptStatus",
        "TeacherRequestStatusEnum": "apps.accounts.models.TeacherRequestStatus",
        # The user's role, rendered by both the user and the sign-up answer.
        "RoleEnum": "apps.accounts.models.Role",
    },
}

# --- Celery ------------------------------------------------------------------------------
CELERY_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{CELERY_DIR / 'results'}"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = str(CELERY_DIR / "queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "processed_folder": str(CELERY_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_DIR / "control"),
    }
    for _folder in ("queue", "processed", "results", "control"):
        (CELERY_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1800)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1900)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Keep Django's LOGGING (JSON lines with the request id) in workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A recalculation run's lock lives on heartbeats: the process working on it refreshes it every
# HEARTBEAT seconds; a lock not refreshed for TTL seconds (a few missed beats) belongs to a dead
# worker, and the watchdog (every minute) or the next run takes it over and fails that run.
RECALCULATION_HEARTBEAT_SECONDS = env.float("RECALCULATION_HEARTBEAT_SECONDS", default=15.0)
RECALCULATION_LOCK_TTL_SECONDS = env.float("RECALCULATION_LOCK_TTL_SECONDS", default=60.0)
# Fault tests only (0 in use): a pause after each phase, a window to kill a worker mid-run.
RECALCULATION_PHASE_PAUSE_SECONDS = env.float("RECALCULATION_PHASE_PAUSE_SECONDS", default=0.0)

# --- Observability -----------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = build_logging(LOG_LEVEL)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": False,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "UUID_LENGTH": 32,
}
# When set, /metrics requires "Authorization: Bearer <METRICS_TOKEN>". Without a token it is
# served only when METRICS_PUBLIC is true: here by default, never by default in production.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PUBLIC = env.bool("METRICS_PUBLIC", default=True)
PROMETHEUS_EXPORT_MIGRATIONS = False

# Names of the checks /ready runs; tests and ops can narrow them.
READINESS_CHECKS = ["database", "cache", "broker"]

# "production" only under settings.production; commands that must never touch real data
# (seed_demo) refuse to run there.
ENVIRONMENT = env.str("ENVIRONMENT", default="development")

# --- Adaptive loop -------------------------------------------------------------------------
# Cached course snapshots are keyed by content version, so this only bounds memory use.
COURSE_SNAPSHOT_CACHE_SECONDS = env.int("COURSE_SNAPSHOT_CACHE_SECONDS", default=24 * 3600)
# The exact feedback of each answer is kept this long for retried submits; later retries get it
# rebuilt from the response log.
ANSWER_RECEIPT_RETENTION_DAYS = env.int("ANSWER_RECEIPT_RETENTION_DAYS", default=30)
# One recommendation record is written per answer; teachers read the recent ones in the learner
# drill-down, so older ones are pruned nightly. The response log itself is never pruned.
RECOMMENDATION_LOG_RETENTION_DAYS = env.int("RECOMMENDATION_LOG_RETENTION_DAYS", default=180)

# --- Learners' data rights (apps.privacy) ---------------------------------------------------
# A learner's deletion request is carried out this many days after it is made (hourly task), so
# a request made by mistake, or by someone at an unlocked screen, can be cancelled; 0 erases at
# once. Admins erase at once from the admin either way.
PRIVACY_ERASURE_GRACE_DAYS = env.int("PRIVACY_ERASURE_GRACE_DAYS", default=7)
# What erasure does with the learner's answers: "anonymise" keeps them, detached from any person
# (the account row is emptied and deactivated), so item statistics and the nightly refit keep
# their evidence; "remove" deletes them with everything else.
PRIVACY_ERASURE_RESPONSES = env.str("PRIVACY_ERASURE_RESPONSES", default="anonymise")
