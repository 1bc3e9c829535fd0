"""Settings shared by every environment.

Everything that differs between a laptop and production comes from environment variables whose
defaults are safe on a laptop: SQLite in the project folder, Celery eager, console e-mail and SMS,
local-memory cache. `production.py` only tightens what it must.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from palace_portal.breaker import BreakerConnection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# The laptop default key is only for a laptop (`make run`, tests); production.py refuses to start
# without a real one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "laptop-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "palace_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "palace_portal.apps.PortalAxesConfig",  # django-axes, with a translatable name
    "palace_portal.users",
    "venues",
    "bookings",
    "activities",
    "alliance",
    "performance",
]

MIDDLEWARE = [
    # Outermost: a database that does not answer is a 503 with Retry-After, not a 500.
    "palace_portal.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palace_portal.urls"
WSGI_APPLICATION = "palace_portal.wsgi.application"

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
                "venues.context_processors.portal",
            ],
            # `{% memo %}`: the page frame's menus rendered once per role set and language.
            "libraries": {"memo": "palace_portal.templatetags.memo"},
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time, taken at BEGIN, so that check-then-write services cannot interleave;
    # WAL lets readers continue while a writer holds the lock; the timeout makes writers queue.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # The covering indexes' INCLUDE columns serve PostgreSQL's index-only scans; SQLite builds
    # the same indexes without them, which is all a laptop needs: not worth a warning on each start.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    # Persistent connections: a new PostgreSQL connection per request costs more than the query.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A read replica (docs/scaling.md): a PostgreSQL streaming replica of `default`. Only the reads of
# dashboards and exports go there (palace_portal.db_router); writes, and every read inside a
# service's transaction, stay on the primary. Without it there is just `default`.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# The longest a read on the replica may run (an export of a year included), and how long a replica
# that failed is skipped by a process (palace_portal.breaker).
REPLICA_STATEMENT_TIMEOUT_MS = int(os.environ.get("REPLICA_STATEMENT_TIMEOUT_MS", "60000"))
REPLICA_BREAKER_SECONDS = float(os.environ.get("REPLICA_BREAKER_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer sends its readers to the primary: give up on it quickly.
    # A host that vanishes mid-query is noticed by TCP keepalives (about 16 s) rather than never;
    # a query stuck on the replica (e.g. waiting behind its replay) is cancelled by the server.
    DATABASES["replica"]["OPTIONS"] = {
        "connect_timeout": 2,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "options": f"-c statement_timeout={REPLICA_STATEMENT_TIMEOUT_MS}",
    }
    # The test run reads the replica through the default test database (no copy to build).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["palace_portal.db_router.ReplicaRouter"]
    MIDDLEWARE.append("palace_portal.db_router.ReplicaPinMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds a Redis call (cache or publish) may wait before Redis counts as down, and how long it is
# then skipped by every cache call and publish of the process (palace_portal.breaker).
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))
REDIS_BREAKER_SECONDS = float(os.environ.get("REDIS_BREAKER_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A cache outage must degrade pages, not break them.
                "IGNORE_EXCEPTIONS": True,
                # A Redis that hangs instead of refusing costs one timeout, then the breaker skips
                # it for REDIS_BREAKER_SECONDS (palace_portal.breaker): a loopback or LAN Redis
                # answers in well under a millisecond, so half a second means it is not answering.
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "CONNECTION_POOL_KWARGS": {"connection_class": BreakerConnection},
            },
            "KEY_PREFIX": "palace",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
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
LOGIN_URL = "users:login"
# Officers land on their dashboard, everyone else on the home page (performance.dashboards.views.landing).
LOGIN_REDIRECT_URL = "performance:landing"
LOGOUT_REDIRECT_URL = "home"

# Lock a phone number out from one address after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "users/locked_out.html"
# Phone numbers are personal data: axes must not write them to the log.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
AXES_VERBOSE = False
# The login form passes the number as "username": read it there, normalised (+86 prefix etc.).
AXES_USERNAME_CALLABLE = "palace_portal.users.auth.axes_username"
# The same client address as the portal's own rate limits (REMOTE_ADDR unless proxies are trusted).
AXES_CLIENT_IP_CALLABLE = "palace_portal.ratelimit.client_ip"

# One-time codes for sign-up and password reset, sent through a pluggable SMS backend.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "palace_portal.users.sms.ConsoleSmsBackend")
OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5
# Sending limits: per number and per client address, in a sliding hour, held in the shared cache.
OTP_RATE_PER_PHONE = (int(os.environ.get("OTP_RATE_PER_PHONE", "5")), 3600)
OTP_RATE_PER_IP = (int(os.environ.get("OTP_RATE_PER_IP", "20")), 3600)
OTP_RESEND_INTERVAL = 60

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Chinese month-days without a leading zero and numbers grouped by thousands (see the module).
FORMAT_MODULE_PATH = ["palace_portal.formats"]

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files are served by the web server in production; by Django itself on a laptop.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "palace-portal@localhost")

# --- Security -----------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database (the primary), shared by every web process behind the load balancer,
# and kept through a Redis outage (a cache-only session store would sign everyone out then, and a
# cached_db one could serve a session ended while Redis was unreachable). A session costs one
# primary-key read per signed-in request; docs/scaling.md. Expired ones are cleared nightly.
# Django's database store, whose read is one plain statement instead of an ORM query (same table,
# same rows: palace_portal/session_store.py).
SESSION_ENGINE = "palace_portal.session_store"
# Behind HTTPS in production. `make run` serves the production behaviour (DEBUG off, the portal's
# error pages) over plain http on a laptop, and says so with DJANGO_HTTPS=false.
HTTPS = env_bool("DJANGO_HTTPS", True)
# The views' answer to a form without its CSRF token: a page for people, JSON for the API.
CSRF_FAILURE_VIEW = "palace_portal.views.csrf_failure"
if not DEBUG and HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# A strict policy: nothing inline, nothing from elsewhere (django-csp).
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

# --- REST framework -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "venues.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed by default: a public endpoint opens itself with `permission_classes = [AllowAny]`.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "palace_portal.api.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "palace_portal.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_TOKEN_THROTTLE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Palace portal API",
    "DESCRIPTION": "REST API of the workers' cultural palace portal (version 1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI draws each operation's link inside the button that opens it, a
    # control nested in a control that keyboards and screen readers cannot use (axe:
    # nested-interactive). Operations keep their ids; the page's address just does not follow.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "palace_portal.schema.document_page_not_found",
    ],
    # Stable component names: `status`/`level`/`kind` recur in other apps with other choices, and
    # a collision would rename these enums (a change clients would see).
    "ENUM_NAME_OVERRIDES": {
        "PalaceLevelEnum": "venues.models.Palace.Level",
        "PalaceStatusEnum": "venues.models.Palace.Status",
        "VenueKindEnum": "venues.kinds.KIND_CHOICES",
        "SatellitePointKindEnum": "venues.models.SatellitePoint.Kind",
        "CentreEnum": "venues.kinds.Centre",
        "BookingModeEnum": "venues.kinds.BookingMode",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "SlotStateEnum": "bookings.api.serializers.SLOT_STATES",
        "ActivityKindEnum": "activities.models.ActivityKind",
        "PartnerKindEnum": "activities.models.PartnerKind",
        "EnrolmentStatusEnum": "activities.offerings.api.common.ENROLMENT_STATUSES",
        "EnrolmentKindEnum": "bookings.models.Offering.Kind",
        "SelectionEnum": "bookings.models.Offering.Selection",
        # Worker voice (activities.voice.models, activities.voice.api).
        "WishStatusEnum": "activities.models.WishStatus",
        "WishAnswerStatusEnum": "activities.voice.api.serializers.ANSWER_STATUSES",
        "SurveyStatusEnum": "activities.models.SurveyStatus",
        "QuestionKindEnum": "activities.models.QuestionKind",
        # Employment (activities.employment.models, activities.employment.api).
        "JobKindEnum": "activities.employment.models.JobKind",
        "JobPostingStateEnum": "activities.employment.models.PostingState",
        "JobApplicationStatusEnum": "activities.employment.models.ApplicationStatus",
        "InterviewOutcomeEnum": "activities.employment.models.InterviewOutcome",
        # The alliance (alliance.models, alliance.api).
        "HostingCallStatusEnum": "alliance.models.HostingCall.Status",
        "HostingApplicationStatusEnum": "alliance.models.HostingApplication.Status",
        # The standardisation evaluation (performance.evaluation).
        "EvaluationStatusEnum": "performance.evaluation.models.Evaluation.Status",
        "EvaluationBandEnum": "performance.evaluation.models.Band",
        "EvaluationSchemeStatusEnum": "performance.evaluation.models.Scheme.Status",
        "IndicatorKindEnum": "performance.evaluation.models.Indicator.Kind",
        # Legal help and teams (activities.legal, activities.teams).
        "LegalCaseKindEnum": "activities.legal.models.CaseKind",
        "LegalCaseStageEnum": "activities.legal.models.Stage",
        "LegalStepStageEnum": "activities.legal.models.STEP_STAGE_CHOICES",
        "LegalCaseOutcomeEnum": "activities.legal.models.Outcome",
        "ContactPreferenceEnum": "activities.legal.models.ContactPreference",
        "TeamKindEnum": "activities.teams.models.TeamKind",
        "JoinRequestStatusEnum": "activities.teams.models.JoinRequest.Status",
    },
}

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Without a broker, tasks run in-process so a laptop needs nothing else running.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request never waits on the broker (DESIGN.md): with Redis down a publish gives up within
# about a second (one quick reconnect, no publish retries) and the outbox sweep sends what was
# left behind. socket_connect_timeout bounds a broker that drops packets instead of refusing.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# A web process publishes the outbox's deliveries from one thread, several rows to a message
# (bookings.outbox.outbox_enqueue_soon); off: one task per row, published after each commit.
OUTBOX_BATCH_PUBLISH = os.environ.get("OUTBOX_BATCH_PUBLISH", "1") == "1"
# How long that thread gathers ids before publishing them in one message. A publish costs about
# 1 ms of a web process's CPU whatever it carries: at 5 ms nearly every booking paid one (a fifth of
# its CPU, docs/performance.md); 50 ms gathers several under load and delays an SMS by no more.
OUTBOX_PUBLISH_WINDOW_MS = int(os.environ.get("OUTBOX_PUBLISH_WINDOW_MS", "50"))
# A worker's booking of a free court or shared slot in one call of a PostgreSQL function
# (bookings.services.fast; the rules' outcome is the same, docs/performance.md). Off: every booking
# goes through booking_create's transaction of seven statements. No effect on SQLite.
BOOKING_FAST_PATH = os.environ.get("BOOKING_FAST_PATH", "1") == "1"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
    "socket_connect_timeout": 1,
    # A broker that accepts and never answers: a publish gives up after this, and the outbox's
    # breaker (palace_portal.breaker) skips the broker for a few seconds after that.
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
# Queues (docs/scaling.md): notifications must not wait behind a month's aggregation, so each has a
# queue of its own, consumed by workers of its own in production (docker-compose.yml); the rest
# (offers, no-shows, lotteries, purges) goes to Celery's default queue. A worker started without
# -Q consumes only the default queue: start it with `-Q celery,notifications,aggregation`
# (PORTAL_CELERY_QUEUES) where one worker does everything (.ci/run, a laptop with a broker).
CELERY_TASK_DEFAULT_QUEUE = "celery"
PORTAL_CELERY_QUEUES = (CELERY_TASK_DEFAULT_QUEUE, "notifications", "aggregation")
CELERY_TASK_ROUTES = {
    "bookings.tasks.deliver_notification": {"queue": "notifications"},
    "bookings.tasks.deliver_notifications": {"queue": "notifications"},
    "bookings.tasks.sweep_notifications": {"queue": "notifications"},
    "bookings.tasks.send_reminders": {"queue": "notifications"},
    "performance.tasks.*": {"queue": "aggregation"},
}
# Scheduled work; each later issue adds its entries (monthly ledgers, reminders, no-shows...).
CELERY_BEAT_SCHEDULE: dict = {
    "users-purge-expired-codes": {
        "task": "palace_portal.users.tasks.purge_expired_codes",
        "schedule": timedelta(hours=1),
    },
    "users-clear-expired-sessions": {
        "task": "palace_portal.users.tasks.clear_expired_sessions",
        "schedule": crontab(minute=45, hour=3),
    },
    # Bookings. `expires`: a run that waited longer than its interval is dropped, not piled up.
    "bookings-sweep-notifications": {
        "task": "bookings.tasks.sweep_notifications",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "bookings-expire-offers": {
        "task": "bookings.tasks.expire_offers",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "bookings-mark-no-shows": {
        "task": "bookings.tasks.mark_no_shows",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
    "bookings-send-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 590},
    },
    # Classes: a lottery is drawn at the close of enrolment (staff may draw it first by hand).
    "activities-draw-due-lotteries": {
        "task": "activities.tasks.draw_due_lotteries",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
    # Monthly ledgers (CELERY_TIMEZONE is Asia/Shanghai, so these are local times): the month just
    # ended on the 1st, and every night the current and the previous month again (late data).
    "performance-aggregate-month-ended": {
        "task": "performance.tasks.aggregate_month_ended",
        "schedule": crontab(minute=15, hour=0, day_of_month=1),
    },
    "performance-aggregate-recent-months": {
        "task": "performance.tasks.aggregate_recent_months",
        "schedule": crontab(minute=30, hour=2),
    },
    # The dashboards' rollups are kept by their writers; a nightly rebuild repairs what no writer
    # saw (raw SQL, a region moved between cities).
    "performance-rollups-rebuild": {
        "task": "performance.tasks.rollups_rebuild",
        "schedule": crontab(minute=30, hour=4),
    },
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- The portal ---------------------------------------------------------------------------------
PORTAL_PROVINCE_NAME = os.environ.get("PORTAL_PROVINCE_NAME", "江西省")
# Reverse proxies in front of the app whose X-Forwarded-For may be believed (0: use REMOTE_ADDR).
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))

# --- Bookings -----------------------------------------------------------------------------------
# Repeated no-shows suspend booking: this many within this many days, for this many days.
BOOKING_NO_SHOW_LIMIT = int(os.environ.get("BOOKING_NO_SHOW_LIMIT", "3"))
BOOKING_NO_SHOW_WINDOW_DAYS = int(os.environ.get("BOOKING_NO_SHOW_WINDOW_DAYS", "30"))
BOOKING_SUSPENSION_DAYS = int(os.environ.get("BOOKING_SUSPENSION_DAYS", "14"))
# Reminders go out this many hours before the start.
BOOKING_REMINDER_HOURS = int(os.environ.get("BOOKING_REMINDER_HOURS", "3"))
