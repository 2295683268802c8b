"""Settings for LCR Skills Match, read from the environment (12-factor).

With nothing configured the site runs on a SQLite file and runs Celery tasks in-process, so a
newcomer gets a working site from one command. Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis) and CACHE_URL (Redis, shared).
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lcr_skills.env import envbool, envcache, envint, envlist, envrate, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", "1")

SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only ever used on a developer's machine: production refuses to start without a real key.
    SECRET_KEY = "insecure-development-key-never-used-with-debug-off"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

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
    "knox",  # API tokens, stored hashed, that expire (REST_KNOX below)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "apprenticeships",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on answers to a signed-in user or an API call with credentials (lcr_skills/no_store.py).
    "lcr_skills.no_store.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in the address or a query parameter gets 400 before a view can send it to the database.
    "lcr_skills.input_limits.NullCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A view that loses the database answers 503 with Retry-After rather than a 500 (lcr_skills/middleware.py).
    "lcr_skills.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lcr_skills.urls"
WSGI_APPLICATION = "lcr_skills.wsgi.application"

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
                "apprenticeships.context_processors.role",
                "apprenticeships.context_processors.hub_contact",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# The API's throttles count requests in the cache, and the search keeps its close words there. Unset, each
# process keeps its own (the embedded default: one process). Production runs several gunicorn processes,
# which must share one, or each would allow a client the whole rate: CACHE_URL=redis://host:6379/1 (not
# the broker's database). `check --deploy` warns without it (apprenticeships/checks.py).
CACHES = {"default": envcache("CACHE_URL")}

# --- Celery ---------------------------------------------------------------------------------
# Without a broker, tasks run in-process as they are sent (the embedded default); "memory://"
# (in memory, never used) only keeps kombu from warning about a missing broker host.
CELERY_TASK_ALWAYS_EAGER = not envstr("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", "") or (None if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a dead worker never acknowledged goes back on the queue after this long (Redis).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "600")}

# --- Auth -----------------------------------------------------------------------------------
PASSWORD_MIN_LENGTH = 10  # the password pages' hint says so too
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Refuses nothing: Django tells it of every password change, whatever the path, and it revokes
    # that user's API tokens (apprenticeships/services/accounts.py says why here).
    {"NAME": "apprenticeships.services.accounts.TokensRevokedOnPasswordChange"},
]
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (web and API token): this many failures for one username from one address
# locks that pair out for the cool-off time (NCSC password guidance: throttle, don't lock forever).
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", "5")
# ... and this many for one username from any addresses locks the username out everywhere, so that
# rotating addresses buys no more guesses (lcr_skills/sign_in.py applies the two limits).
SIGN_IN_USERNAME_FAILURE_LIMIT = envint("SIGN_IN_USERNAME_FAILURE_LIMIT", "20")
if not 0 < AXES_FAILURE_LIMIT <= SIGN_IN_USERNAME_FAILURE_LIMIT:
    raise ImproperlyConfigured("SIGN_IN_USERNAME_FAILURE_LIMIT must be at least SIGN_IN_FAILURE_LIMIT (at least 1)")
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGN_IN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "lcr_skills.sign_in.SignInLockoutHandler"
# The client's address: the connection's, or as the trusted proxies in front report it. Never
# X-Forwarded-For unless proxies are trusted: any client can write that header. The API's throttles
# use the same (REST_FRAMEWORK["NUM_PROXIES"], apprenticeships/api/throttles.py).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "lcr_skills.sign_in.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lcr_skills.lockout.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Sessions end after this long without a request, and SESSION_MAX_HOURS after signing in whatever
# happens (OWASP ASVS 3.3); lcr_skills/sessions.py moves a session's end on as it is used.
SESSION_IDLE_TIMEOUT_MINUTES = envint("SESSION_IDLE_TIMEOUT_MINUTES", "30")
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", "12")
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_ENGINE = "lcr_skills.sessions"
# A password reset link works for this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_MINUTES", "60") * 60
# API tokens (django-rest-knox): each use moves the expiry to API_TOKEN_IDLE_HOURS ahead, never
# beyond API_TOKEN_MAX_DAYS after the token was made; then the script asks for a new one.
API_TOKEN_IDLE_HOURS = envint("API_TOKEN_IDLE_HOURS", "10")
API_TOKEN_MAX_DAYS = envint("API_TOKEN_MAX_DAYS", "30")
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_IDLE_HOURS),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=API_TOKEN_MAX_DAYS),
    "MIN_REFRESH_INTERVAL": 60,  # seconds: a busy script writes its token's expiry once a minute at most
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT_SECONDS", "10")  # a mail server that never answers can't hold a worker
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "LCR Skills Match <noreply@localhost>")

# --- Security -------------------------------------------------------------------------------
# Secure by default whenever DEBUG is off; each can be relaxed from the environment (for example
# SECURE_SSL_REDIRECT=0 behind a proxy that already redirects).
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "0" if DEBUG else "1")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0" if DEBUG else "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
if envbool("BEHIND_TLS_PROXY", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Input limits. A request body (other than uploaded files) over this is refused with 413; 2.5 MiB
# is Django's default, stated on purpose.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", "2621440")
# Course offer CSV uploads: at most this many bytes and data rows, each refused with a clear message.
OFFER_IMPORT_MAX_BYTES = envint("OFFER_IMPORT_MAX_BYTES", "1048576")  # 1 MiB
OFFER_IMPORT_MAX_ROWS = envint("OFFER_IMPORT_MAX_ROWS", "1000")
# Uploaded files, all of a request's together: the course offer CSV is the only upload, so its limit.
# Kept in memory, and refused by Content-Length or as soon as the stream passes it (lcr_skills/input_limits.py).
FILE_UPLOAD_MAX_BYTES = OFFER_IMPORT_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["lcr_skills.input_limits.SizeLimitedUploadHandler"]
# JSON request bodies nest at most this deep (the API's own bodies need 3; Python's parser fails near 1,000).
REQUEST_JSON_MAX_DEPTH = envint("REQUEST_JSON_MAX_DEPTH", "32")
# Content-Security-Policy: scripts and styles only from this site's own files, never inline
# (the templates have no inline script or style); nothing may frame the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous API call is told 401 with a WWW-Authenticate header.
        "apprenticeships.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint says who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["apprenticeships.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "apprenticeships.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        # DRF's, but search words follow the service's text rule (lcr_skills/text.py): a 400, not a database error.
        "apprenticeships.filters.SearchFilter",
        # DRF's, but a field the caller may not read is refused (apprenticeships/api/ordering.py).
        "apprenticeships.api.ordering.RoleOrderingFilter",
    ],
    # JSON deeper than REQUEST_JSON_MAX_DEPTH is refused before it is parsed (lcr_skills/input_limits.py).
    "DEFAULT_PARSER_CLASSES": [
        "lcr_skills.input_limits.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apprenticeships.api.exceptions.exception_handler",
    # Asking for a token: per client address, and per username whatever the address.
    "DEFAULT_THROTTLE_RATES": {
        "token": envrate("API_TOKEN_RATE", "10/minute"),
        "token-username": envrate("API_TOKEN_USERNAME_RATE", "10/minute"),
        # Applying and asking for alerts without an account: per client address, and per e-mail address.
        "apply": envrate("APPLY_RATE", "10/hour"),
        "apply-email": envrate("APPLY_EMAIL_RATE", "5/hour"),
        "alert": envrate("ALERT_RATE", "10/hour"),
        "alert-email": envrate("ALERT_EMAIL_RATE", "3/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Lists count their rows exactly up to this many; a longer list shows the database's estimate, labelled
# as one ("about 12,000"; `count_is_estimate` in the API): lcr_skills/counting.py, docs/performance.md.
EXACT_COUNT_LIMIT = envint("EXACT_COUNT_LIMIT", "10000")
SPECTACULAR_SETTINGS = {
    "TITLE": "LCR Skills Match API",
    "DESCRIPTION": "Apprenticeship matching for the Liverpool City Region apprenticeship hub.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apprenticeships.api.schema.offer_price_optional",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VacancyStatusEnum": "apprenticeships.models.vacancies.Vacancy.Status",
        "CourseOfferStatusEnum": "apprenticeships.models.offers.CourseOffer.Status",
        "StandardStatusEnum": "apprenticeships.models.standards.Standard.Status",
        "SuggestionStatusEnum": "matching.models.SuggestionStatus",
        "ReasonEnum": "matching.models.RejectReason",
        "ResponseEnum": "matching.models.PartyResponse",
        "EventReasonEnum": "matching.models.EVENT_REASONS",
        "GapReasonEnum": "matching.models.GapReason",
        "ApplicationStatusEnum": "apprenticeships.models.applications.ApplicationStatus",
        "AgeGroupsEnum": "apprenticeships.funding.rules.AGE_GROUPS",
        "PledgeStatusEnum": "apprenticeships.models.pledges.PledgeStatus",
        "PledgeAutoApproveEnum": "apprenticeships.models.pledges.AutoApprove",
        "PledgeApplicationStatusEnum": "apprenticeships.models.pledges.ApplicationStatus",
        "PledgeEventActionEnum": "apprenticeships.models.pledges.PledgeEventAction",
        "RoleEnum": "apprenticeships.models.organisations.Role",
        "InvitationRoleEnum": "apprenticeships.models.invitations.INVITATION_ROLES",
        "InvitationStatusEnum": "apprenticeships.models.invitations.Invitation.Status",
    },
}

# --- Logging: one JSON object per line, for the log pipeline ---------------------------------
LOG_LEVEL = envstr("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = envstr("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Domain policy (rates and thresholds that policy may change) ------------------------------
# The six local authorities of Liverpool City Region (GSS codes, ONS).
CITY_REGION_AUTHORITY_CODES = ["E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015"]
# Funding rates (the Growth and Skills Levy, top-up, expiry, co-investment, age limits, the apprentice
# minimum wage, minimum duration, incentives) are dated rule sets with their GOV.UK sources in
# apprenticeships/data/funding_rules.json, read by apprenticeships.funding; see docs/funding.md.
# The hub's own policy: refuse course-offer prices above the standard's funding band (the funding rules
# allow them, the employer paying the excess in full).
REFUSE_PRICE_ABOVE_FUNDING_BAND = envbool("REFUSE_PRICE_ABOVE_FUNDING_BAND", "1")
# The hub's contact details, shown on every page that says "contact the hub" (the contact page, the
# footer, a vacancy page). Set them for a real deployment: the phone default is one of Ofcom's
# numbers kept for drama (0151 496 0000 to 0999), so it can never ring anyone.
HUB_CONTACT_NAME = envstr("HUB_CONTACT_NAME", "Liverpool City Region apprenticeship hub")
HUB_CONTACT_EMAIL = envstr("HUB_CONTACT_EMAIL", "apprenticeships@example.org")
HUB_CONTACT_PHONE = envstr("HUB_CONTACT_PHONE", "0151 496 0000")
HUB_CONTACT_HOURS = envstr("HUB_CONTACT_HOURS", "Monday to Friday, 9am to 5pm (except bank holidays)")
# The service's own address, with no trailing slash: e-mails link to pages under it (an e-mail has
# no request to take the host from).
SITE_URL = envstr("SITE_URL", "http://localhost:8000").rstrip("/")
# An invitation's link works once, for this many days (re-sending it starts the days again).
INVITATION_EXPIRY_DAYS = envint("INVITATION_EXPIRY_DAYS", "7")
# A provider's home page lists its cohorts with places left that start within this many weeks.
COHORTS_STARTING_SOON_WEEKS = envint("COHORTS_STARTING_SOON_WEEKS", "8")
# Applications to vacancies are deleted this many months after the vacancy closes (the privacy notice says so).
APPLICATION_RETENTION_MONTHS = envint("APPLICATION_RETENTION_MONTHS", "12")
# An e-mail alert not confirmed within this many days is deleted (and its link stops working).
ALERT_CONFIRM_DAYS = envint("ALERT_CONFIRM_DAYS", "7")
# Hub staff review a submitted vacancy within one working day (GOV.UK Recruit an apprentice's service level).
VACANCY_REVIEW_WORKING_DAYS = envint("VACANCY_REVIEW_WORKING_DAYS", "1")
# Matching (DESIGN.md, "The matcher"): suggestions per vacancy, and the cohort start window around
# the vacancy's start date, in days.
MATCH_SUGGESTIONS_PER_VACANCY = envint("MATCH_SUGGESTIONS_PER_VACANCY", "3")
MATCH_START_WINDOW_DAYS_BEFORE = 30
MATCH_START_WINDOW_DAYS_AFTER = 90
# Learning from the hub's decisions: the least data to train on, the share of the most recent
# decisions held out to judge a new model, and how much better (ROC AUC) it must be to be used.
MATCHER_MIN_DECISIONS = envint("MATCHER_MIN_DECISIONS", "50")
MATCHER_MIN_TEST_DECISIONS = envint("MATCHER_MIN_TEST_DECISIONS", "15")
MATCHER_TEST_SHARE = 0.25
MATCHER_MIN_AUC_GAIN = 0.02
# ... and how sure the held-out decisions must make us that it is better at all (paired bootstrap).
MATCHER_PROMOTION_CONFIDENCE = 0.95
# A full run with no progress for this long (its messages lost with a restarted broker, say) is
# picked up again where it stopped, at most MATCH_RUN_MAX_RESUMES times, then marked failed.
MATCH_RUN_STALL_SECONDS = envint("MATCH_RUN_STALL_SECONDS", "300")
MATCH_RUN_MAX_RESUMES = 3
# A chunk whose worker stops its heartbeat (sent every fifth of this) for this long died with it, and
# is sent again; so is a finalize that has not started by then. Every worker checks for such runs
# every MATCH_RUN_CHECK_SECONDS (0: never; beat still checks every minute). Not the broker's
# visibility timeout, which waits 10 minutes before giving a dead worker's messages back.
MATCH_CHUNK_LEASE_SECONDS = envint("MATCH_CHUNK_LEASE_SECONDS", "45")
MATCH_RUN_CHECK_SECONDS = envint("MATCH_RUN_CHECK_SECONDS", "15")
CELERY_BEAT_SCHEDULE = {
    "retrain-matcher-nightly": {"task": "matching.retrain", "schedule": crontab(hour=2, minute=30)},
    "resume-stalled-runs": {"task": "matching.resume_stalled", "schedule": 60.0},
    "vacancy-alerts-daily": {"task": "apprenticeships.alerts_send_daily", "schedule": crontab(hour=7, minute=0)},
    "applications-retention-daily": {
        "task": "apprenticeships.applications_delete_expired",
        "schedule": crontab(hour=3, minute=15),
    },
    "api-tokens-delete-expired-daily": {
        "task": "apprenticeships.api_tokens_delete_expired",
        "schedule": crontab(hour=3, minute=20),
    },
    # Levy transfers (docs/pledges.md): hourly, so a 42-day or 3-month clock runs out within the hour.
    "pledges-tick": {"task": "apprenticeships.pledges_tick", "schedule": crontab(minute=7)},
    # Between runs, money moves (approvals, declines, new pledges): keep the pledges on suggestions true to it.
    "pledges-allocate": {"task": "matching.pledges_allocate", "schedule": 600.0},
}
# How many chunks (Celery tasks) a full run is split into, by groups of standards.
MATCH_CHUNKS = envint("MATCH_CHUNKS", "8")
REFERENCE_DATA_DIR = BASE_DIR / "apprenticeships" / "data"
HEALTHZ_WORKER_TIMEOUT_SECONDS = float(envstr("HEALTHZ_WORKER_TIMEOUT_SECONDS", "1.0"))
# While the database is down pages and the API answer 503, telling clients to retry after this long.
SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = envint("SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS", "30")

# Public transport reach (docs/reach.md). Journeys arrive by this local time on a school-term
# weekday; walking at most TRAVEL_MAX_WALK_M at each end; a cohort taught in person is out of
# reach beyond MAX_TRAVEL_MINUTES (the hub's policy, issue 18); 45 minutes defines "reachable"
# in the cut-off neighbourhoods report.
TRAVEL_ARRIVE_BY = envstr("TRAVEL_ARRIVE_BY", "08:45")
if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", TRAVEL_ARRIVE_BY):
    raise ImproperlyConfigured(f"TRAVEL_ARRIVE_BY must be a time like 08:45, not {TRAVEL_ARRIVE_BY!r}")
TRAVEL_MAX_WALK_M = envint("TRAVEL_MAX_WALK_M", "800")
MAX_TRAVEL_MINUTES = envint("MAX_TRAVEL_MINUTES", "60")
REACH_MINUTES = envint("REACH_MINUTES", "45")
