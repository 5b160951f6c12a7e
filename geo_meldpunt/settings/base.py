"""Settings shared by every environment. Values that differ per machine come from the environment."""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# --- Core -------------------------------------------------------------------------------------------
SECRET_KEY = env("MELDPUNT_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("MELDPUNT_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("MELDPUNT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",  # trigram lookups for address search
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",  # login lock-out (staff login and admin)
    "csp",
    "geo_meldpunt.core",
    "geo_meldpunt.zones",
    "geo_meldpunt.reports",
    "geo_meldpunt.geocoding",
    "geo_meldpunt.staff",
    "geo_meldpunt.notifications",
    "geo_meldpunt.feedback",
    "geo_meldpunt.clients",  # third-party applications and their API keys (Open311)
    "geo_meldpunt.stats",
    "geo_meldpunt.privacy",  # reporters' data: retention, export and erasure on request, with a record
    "geo_meldpunt.hotspots",  # recurring hotspots: reads reports, nothing of the domain imports it
    "geo_meldpunt.reference",
    "geo_meldpunt.legacy",  # the import of old cases, above the domain: no models, a command
    "geo_meldpunt.demo",  # development tooling above the domain: no models, only management commands
    "api",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below; the embed pages widen frame-ancestors):
    # django-csp's middleware, the settings' policy built once per process.
    "geo_meldpunt.core.security_headers.CSPMiddleware",
    # PostgreSQL unreachable: 503 with Retry-After instead of a 500 (geo_meldpunt/core/outage.py).
    "geo_meldpunt.core.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Pages: the visitor's chosen language (cookie), otherwise Dutch, never the browser's; the API is left as is.
    "maps.middleware.CookieThenCityLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page (429).
    "axes.middleware.AxesMiddleware",
]

# No page may be shown in another site's frame (clickjacking); Django's default, stated because the embed pages
# (maps/embedding.py) are the one exception.
X_FRAME_OPTIONS = "DENY"

# django-axes checks every login against its lock-out first, then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "geo_meldpunt.urls"
WSGI_APPLICATION = "geo_meldpunt.wsgi.application"
LOGIN_URL = "/behandeling/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maps.context_processors.maps",
            ],
        },
    },
]

# --- Database: one PostGIS database, in tests too --------------------------------------------------------
DATABASES = {
    "default": {
        # GeoDjango's PostGIS backend whose health check sends no query while the connection is fine.
        "ENGINE": "geo_meldpunt.core.postgis",
        "NAME": env("MELDPUNT_DB_NAME", "meldpunt"),
        "USER": env("MELDPUNT_DB_USER", "postgres"),
        "PASSWORD": env("MELDPUNT_DB_PASSWORD", ""),
        "HOST": env("MELDPUNT_DB_HOST", "127.0.0.1"),
        "PORT": env("MELDPUNT_DB_PORT", "5432"),
        "CONN_MAX_AGE": int(env("MELDPUNT_DB_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        # The hot one-statement answers are prepared on each connection (geo_meldpunt/core/postgis); 0 for a
        # pooler in transaction mode that keeps no prepared statements (PgBouncer before 1.21).
        "OPTIONS": {"prepared_statements": env_bool("MELDPUNT_DB_PREPARED_STATEMENTS", True)},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# While PostgreSQL cannot be reached, requests answer 503 with this Retry-After (seconds): about a restart's time.
CORE_DATABASE_OUTAGE_RETRY_AFTER_S = int(env("MELDPUNT_DB_OUTAGE_RETRY_AFTER", "10"))

# Debian's GDAL is newer than the versions Django 5.2 lists; it works, the check only warns.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Internationalisation: Dutch (Belgium) first ------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The visitor's language choice is kept for a year (Django's default cookie ends with the browser session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("MELDPUNT_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MELDPUNT_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Photos go through the "default" storage: the file system under MEDIA_ROOT (served at MEDIA_URL by the web server
# in front of the app, deploy/nginx/), or S3-compatible object storage when MELDPUNT_MEDIA_S3_BUCKET is set
# (django-storages; `pip install '.[s3]'`; docs/deployment.md). Static files: collectstatic into STATIC_ROOT,
# served by WhiteNoise under the production settings.
MEDIA_S3_BUCKET = env("MELDPUNT_MEDIA_S3_BUCKET")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": MEDIA_S3_BUCKET,
                "endpoint_url": env("MELDPUNT_MEDIA_S3_ENDPOINT_URL") or None,
                "region_name": env("MELDPUNT_MEDIA_S3_REGION") or None,
                "access_key": env("MELDPUNT_MEDIA_S3_ACCESS_KEY_ID") or None,
                "secret_key": env("MELDPUNT_MEDIA_S3_SECRET_ACCESS_KEY") or None,
                # Links to photos are signed and expire: a photo is never public by its address alone.
                "querystring_auth": True,
                "querystring_expire": int(env("MELDPUNT_MEDIA_S3_LINK_SECONDS", "3600")),
                "default_acl": None,
                "file_overwrite": False,
                "custom_domain": env("MELDPUNT_MEDIA_S3_CUSTOM_DOMAIN") or None,
            },
        }
        if MEDIA_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",  # deeply nested JSON is a 400, not a RecursionError
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # X-Forwarded-For entries DRF may trust (the same as MELDPUNT_NUM_PROXIES below).
    "NUM_PROXIES": int(env("MELDPUNT_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Meldpunt API",
    "DESCRIPTION": "Reports, complaints, suggestions and compliments for a city, routed by zone polygons.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The online validator would send the schema URL to validator.swagger.io: no third-party request.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {"KindEnum": "geo_meldpunt.reports.models.Kind"},
    # Every error answer with its body, the categories and the city's extent, no NUL in texts (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors_and_rules",
    ],
}

# --- Abuse limits (README "Limits") ---------------------------------------------------------------------------------
# Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none, the client is REMOTE_ADDR). With
# one proxy (the compose file's web server) set 1: the client is the address that proxy saw.
MELDPUNT_NUM_PROXIES = int(env("MELDPUNT_NUM_PROXIES", "0"))
# Public writes (POST /api/v1/reports/, follow) per client address (api/throttling.py): a burst per minute and a
# sustained rate per hour, as "number/period" (s, m, h, d). Logged-in employees are never limited. Too many: 429 with
# Retry-After. The count lives in the cache (CACHES: Redis, shared by the web workers).
API_THROTTLE_RATES = {
    "public_write_burst": env("MELDPUNT_RATE_PUBLIC_WRITES_BURST", "20/min"),
    "public_write_sustained": env("MELDPUNT_RATE_PUBLIC_WRITES_SUSTAINED", "200/hour"),
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("MELDPUNT_CACHE_URL", "redis://127.0.0.1:6379/1"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Login lock-out (django-axes) on the staff login (/behandeling/login/) and the admin: after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that user name is locked from that address for AXES_COOLOFF_TIME
# (the page says so, 429). Per user name and address: a guesser elsewhere cannot lock a handler out, and one
# person's typos do not lock a whole office behind one address. A success resets the count.
AXES_FAILURE_LIMIT = int(env("MELDPUNT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("MELDPUNT_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "geo_meldpunt.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "maps.views.backoffice.auth.locked_out"
AXES_VERBOSE = False  # no start-up banner on every command; lock-outs are still logged

# --- Background work (Celery on Redis) ---------------------------------------------------------------------
# The worker and its scheduler (beat) run beside the web server (`./dev serve`). Every task is safe to run twice:
# with late acknowledgement a message whose worker died is delivered again.
CELERY_BROKER_URL = env("MELDPUNT_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("MELDPUNT_CELERY_QUEUE", "meldpunt")
# A web request that queues a task must not hang when Redis is down: a few quick tries, then the caller logs it
# and the outbox sweep (below) queues the message again later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work, in CELERY_TIMEZONE. Daily jobs are idempotent per day, so a restarted beat does no harm.
CELERY_BEAT_SCHEDULE = {
    # Outgoing e-mails still queued after NOTIFICATIONS_REQUEUE_AFTER_MINUTES (the broker lost the message,
    # or Redis was down at commit time) are queued again: nothing in the outbox is ever lost.
    "notifications-requeue-stale": {
        "task": "notifications.requeue_stale_emails",
        "schedule": 300.0,
    },
    # Each department's digest of overdue reports; the coordinator's list of breaches.
    "notifications-department-digests": {
        "task": "notifications.send_department_digests",
        "schedule": crontab(hour=int(env("MELDPUNT_DIGEST_HOUR", "7")), minute=0),
    },
    # Answered reports whose satisfaction survey went unanswered for FEEDBACK_CLOSE_AFTER_DAYS are closed.
    "feedback-close-unanswered": {
        "task": "feedback.close_unanswered_surveys",
        "schedule": crontab(hour=2, minute=30),
    },
    # Client keys of filed reports older than REPORTS_IDEMPOTENCY_KEY_DAYS are forgotten.
    "reports-purge-idempotency-keys": {
        "task": "reports.purge_idempotency_keys",
        "schedule": crontab(hour=3, minute=10),
    },
    # Solved reports past MAPS_RECENTLY_SOLVED_DAYS leave the public map's stored cells (reads are exact between runs).
    "stats-map-sweep": {
        "task": "stats.map_sweep",
        "schedule": 300.0,
    },
    # The cells against a fresh count: differences are logged as errors and corrected by a rebuild.
    "stats-cells-check": {
        "task": "stats.cells_check",
        "schedule": crontab(hour=3, minute=40),
    },
    # Weekly snapshot of the recurring hotspots (HOTSPOTS_*), one per week: a second run in the same week does nothing.
    "hotspots-weekly-snapshot": {
        "task": "hotspots.take_weekly_snapshot",
        "schedule": crontab(day_of_week="mon", hour=4, minute=20),
    },
    # Contact details of reports closed longer than PRIVACY_CONTACT_RETENTION_DAYS ago are cleared, with a record.
    "privacy-anonymise-closed": {
        "task": "privacy.anonymise_closed_reports",
        "schedule": crontab(hour=2, minute=50),
    },
}

# --- Meldpunt: the city ------------------------------------------------------------------------------------
# Prefix of report references: OST-2026-000123.
MELDPUNT_REFERENCE_PREFIX = env("MELDPUNT_REFERENCE_PREFIX", "OST")
# Slug of the department that receives what no routing rule covers.
MELDPUNT_COORDINATOR_DEPARTMENT = env("MELDPUNT_COORDINATOR_DEPARTMENT", "meldpunt")
# The name pages show, and the free phone line for people who cannot report online (pages and e-mails).
MELDPUNT_SITE_NAME = env("MELDPUNT_SITE_NAME", "Meldpunt Oostende")
MELDPUNT_PHONE = env("MELDPUNT_PHONE", "0800 1 8400")
MELDPUNT_PHONE_URI = env("MELDPUNT_PHONE_URI", "tel:+3280018400")
# Public base URL, used to build tracking links in API answers and e-mails.
MELDPUNT_PUBLIC_URL = env("MELDPUNT_PUBLIC_URL", "http://127.0.0.1:8000")

# --- Reports -------------------------------------------------------------------------------------------------
# Radius for duplicate candidates when a category sets none (metres).
REPORTS_DUPLICATES_RADIUS_M = 50
# How many duplicate candidates are offered at most.
REPORTS_DUPLICATES_LIMIT = 5
# Largest accepted photo upload (bytes) and number of photos per report.
REPORTS_PHOTO_MAX_BYTES = 10 * 1024 * 1024
REPORTS_PHOTO_MAX_COUNT = 5
# Longest side of a stored photo (pixels); larger photos are scaled down.
REPORTS_PHOTO_MAX_SIDE = 2560
# Bounds on the work one request's photos cost (reports/photos.py): a JPEG is decoded at reduced size (scaled by the
# decoder itself); PNG and WebP cannot be, and are refused above REPORTS_PHOTO_MAX_PIXELS_UNREDUCED pixels (16 MP: a
# screenshot or a 12-16 MP phone photo saved as PNG fits; 60 MP of PNG decode to 180 MB). The pixels decoded for
# all photos of one request together stay under REPORTS_PHOTO_REQUEST_MAX_PIXELS (five 16 MP phone photos fit).
REPORTS_PHOTO_MAX_PIXELS_UNREDUCED = int(env("MELDPUNT_PHOTO_MAX_PIXELS_UNREDUCED", "16000000"))
REPORTS_PHOTO_REQUEST_MAX_PIXELS = int(env("MELDPUNT_PHOTO_REQUEST_MAX_PIXELS", "100000000"))
# Longest accepted description (characters).
REPORTS_DESCRIPTION_MAX_LENGTH = 5000
# How long the Idempotency-Key of a filed report is remembered (days): a phone that was offline for a week and
# resends what it queued still gets the report it made, not a second one.
REPORTS_IDEMPOTENCY_KEY_DAYS = 30
# Public map clusters: cells are the stored cells of geo_meldpunt/stats/grid.py (Web Mercator tiles of zoom + 2,
# 64 px wide on the map, fixed per zoom level so cells do not jump while the map pans); from
# REPORTS_CLUSTERS_DETAIL_ZOOM on the map lists reports one by one (/api/v1/reports/) instead; a request may cover at
# most REPORTS_CLUSTERS_MAX_CELLS cells (a 4K screen of 64 px cells is about 2,000), which bounds one answer's size.
REPORTS_CLUSTERS_DETAIL_ZOOM = 17
REPORTS_CLUSTERS_MAX_CELLS = 20_000
# --- Insight: the planners' heatmaps (/inzicht/kaart/, /api/v1/insight/cells/, /api/v1/tiles/) ------------------
# Heat cells are the stored cells of geo_meldpunt/stats/grid.py (64 px at the map's zoom). One request for GeoJSON
# cells may cover at most STATS_HEAT_MAX_CELLS of them (a 4K screen is about 2,000).
STATS_HEAT_MAX_CELLS = 20_000
# Vector tiles and cells change with every report: browsers and GIS clients may reuse them this many seconds.
STATS_HEAT_CACHE_SECONDS = 60
# Deadlines from the city's regulation. These are the documented defaults: the data migration copies them into
# reports.Regulation, which the admin edits and which wins; they apply again only while that table is empty
# (a key left out keeps reports.sla.DEFAULT_DEADLINES). The acknowledgement in working days (weekends and
# Belgian public holidays skipped), for every kind; the answer per kind in days, calendar or working. A melding
# has no entry: it follows its category's deadline (Category.answer_days and working_days, set in the admin); a
# compliment gets thanks, no answer. Time spent waiting for the reporter does not count.
REPORTS_DEADLINES = {
    "acknowledge_working_days": 5,
    "klacht": {"days": 45, "working_days": False},
    "suggestie": {"days": 30, "working_days": False},
}

# --- Maps -------------------------------------------------------------------------------------------------
# Base map under every page map: "osm", "grb" (the Flemish GRB base map) or "none" (tests: no tile server).
# Tiles are the one outside request a page may make, and only from the configured server.
MAPS_BASE_LAYER = env("MELDPUNT_BASE_LAYER", "osm")
MAPS_BASE_LAYERS = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": "&copy; OpenStreetMap contributors",
        "max_zoom": 19,
    },
    "grb": {
        "url": (
            "https://geo.api.vlaanderen.be/GRB/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=grb_bsk"
            "&STYLE=&FORMAT=image/png&TILEMATRIXSET=GoogleMapsVL&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
        ),
        "attribution": "&copy; Digitaal Vlaanderen (GRB)",
        "max_zoom": 21,
    },
}
# Where maps open: the city centre (Oostende: the Wapenplein).
MAPS_CENTER = (float(env("MELDPUNT_MAP_LAT", "51.2297")), float(env("MELDPUNT_MAP_LON", "2.9196")))
MAPS_ZOOM = 14
# A solved report stays on the public map this many days after its last change.
MAPS_RECENTLY_SOLVED_DAYS = 60
# Web sites that may embed the "meld iets" button and the small map (/embed/..., see the README): origins such as
# https://www.oostende.be, comma-separated (a subdomain wildcard such as https://*.oostende.be is allowed). Only the
# embed pages may be framed, and only by these origins and the app itself (CSP frame-ancestors); every other page
# answers X-Frame-Options: DENY (X_FRAME_OPTIONS below). Empty: no other site may embed them.
MAPS_EMBED_ORIGINS = [o.strip().rstrip("/") for o in env("MELDPUNT_EMBED_ORIGINS", "").split(",") if o.strip()]

# --- Open data (/api/v1/open-data/: anonymised reports for the city's open-data portal; docs/open-data.md) ------
# Locations are snapped to a square grid of OPEN_DATA_GRID_M metres in OPEN_DATA_GRID_SRID (a metric system:
# Lambert 72 in Belgium). Never finer than 25 m, whatever is set here.
OPEN_DATA_GRID_M = 25
OPEN_DATA_GRID_SRID = 31370

# --- Open311 GeoReport v2 (/open311/v2/, api/open311; docs/open311.md) ----------------------------------------
# The jurisdiction this server answers for: a request naming another jurisdiction_id gets a 404.
OPEN311_JURISDICTION_ID = env("MELDPUNT_OPEN311_JURISDICTION_ID", "oostende.be")
# GET requests: a date range may span at most OPEN311_WINDOW_DAYS (the spec's 90), one answer holds at most
# OPEN311_REQUESTS_MAX requests (the spec's 1000), newest first.
OPEN311_WINDOW_DAYS = 90
OPEN311_REQUESTS_MAX = 1000
# GeoReport's limit on a request's description (the meldpunt's own forms take REPORTS_DESCRIPTION_MAX_LENGTH).
OPEN311_DESCRIPTION_MAX_LENGTH = 4000
# Who to contact about the API (discovery's `contact`).
OPEN311_CONTACT = env("MELDPUNT_OPEN311_CONTACT", "Meldpunt Oostende, meldpunt@oostende.be, 0800 1 8400")
# The API key's rate limit a new key gets (requests per clock hour, per key; changed per key in the admin).
CLIENTS_DEFAULT_RATE_LIMIT_PER_HOUR = 600

# --- Field reporting (/veld/: wardens and inspectors on their phones) ---------------------------------------
# "Around me" lists the open reports within this distance of the pin (metres), nearest first, at most
# FIELD_AROUND_LIMIT: a few hundred metres is what a warden can see from where they stand.
FIELD_AROUND_RADIUS_M = 300
FIELD_AROUND_LIMIT = 20
# "Mine" lists the reporter's own reports, newest first, at most this many.
FIELD_MINE_LIMIT = 30
# How many of the reporter's most used categories are offered as one-tap choices above the full list.
FIELD_FREQUENT_CATEGORIES = 4

# --- Geocoding -------------------------------------------------------------------------------------------
# "local": the city's own address table (reference data); "nominatim": an online geocoder through geopy,
# only when configured (it sends the typed address to that service).
GEOCODING_BACKEND = env("MELDPUNT_GEOCODER", "local")
GEOCODING_USER_AGENT = env("MELDPUNT_GEOCODER_USER_AGENT", "meldpunt")
# The Nominatim server, e.g. "https://nominatim.example.be" (a path is allowed: "https://geo.example.be/nominatim");
# empty: geopy's default, the public server of OpenStreetMap. Its usage policy allows at most one request per
# second and forbids search-as-you-type (autocomplete), which is what the address field does: a city that uses the
# online geocoder should run its own Nominatim server and set this.
GEOCODING_NOMINATIM_URL = env("MELDPUNT_GEOCODER_URL", "")
GEOCODING_TIMEOUT_S = 3
# Reverse geocoding names the nearest known address within this distance of the pin (metres); farther away the
# pin itself says where it is. 150 m is a short walk: a farther address would mislead the handler.
GEOCODING_REVERSE_RADIUS_M = 150

# --- Notifications (e-mails to reporters, followers and departments) ----------------------------------------
# Sender of every e-mail.
NOTIFICATIONS_FROM_EMAIL = env("MELDPUNT_FROM_EMAIL", "meldpunt@localhost")
# Language of e-mails to departments and the coordinator (the city's working language).
NOTIFICATIONS_STAFF_LANGUAGE = "nl"
# Sending retries on SMTP or network errors: up to this many retries per queued task, waiting
# NOTIFICATIONS_RETRY_BACKOFF_S, then twice that, ... (with jitter), never more than NOTIFICATIONS_RETRY_BACKOFF_MAX_S.
NOTIFICATIONS_SEND_MAX_RETRIES = 5
NOTIFICATIONS_RETRY_BACKOFF_S = 30
NOTIFICATIONS_RETRY_BACKOFF_MAX_S = 600
# An e-mail still queued this long after it was last handed to the broker is queued again (see CELERY_BEAT_SCHEDULE).
# Longer than NOTIFICATIONS_RETRY_BACKOFF_MAX_S, so a retry waiting in the broker is not doubled.
NOTIFICATIONS_REQUEUE_AFTER_MINUTES = 15
# After this many attempts in all (about a day of SMTP outage) an e-mail is marked failed and logged as an error;
# the admin can queue it again.
NOTIFICATIONS_MAX_ATTEMPTS = 60
# An e-mail whose SMTP conversation began this long ago and never ended (its worker died: "sending") is sent again,
# with the same Message-ID. Far longer than a conversation can last (EMAIL_TIMEOUT bounds each step of it), so a
# slow conversation still going on is never doubled.
NOTIFICATIONS_SENDING_GRACE_S = int(env("MELDPUNT_EMAIL_SENDING_GRACE_S", "600"))
# Seconds each step of an SMTP conversation may wait for the server (Django's default is to wait for ever).
EMAIL_TIMEOUT = 30

# --- Feedback (satisfaction survey, ombudsman referral) ------------------------------------------------------
# How long a satisfaction link stays valid (days).
FEEDBACK_LINK_DAYS = 14
# An answered report whose survey is not answered within this many days is closed.
FEEDBACK_CLOSE_AFTER_DAYS = 14
# A score at or under this threshold (1-5) sends the reporter the ombudsman service's details and records a
# referral: 2 means scores 1 and 2.
FEEDBACK_OMBUDSMAN_THRESHOLD = 2
# The second line for dissatisfied reporters (Oostende's ombudsdienst; it answers within 3 months, extendable by 3,
# and takes no complaint older than a year). `url` is shown only when set.
FEEDBACK_OMBUDSMAN_CONTACT = {
    "name": env("MELDPUNT_OMBUDSMAN_NAME", "Ombudsdienst Stad Oostende"),
    "email": env("MELDPUNT_OMBUDSMAN_EMAIL", "ombudsdienst@oostende.be"),
    "phone": env("MELDPUNT_OMBUDSMAN_PHONE", "059 25 86 86"),
    "url": env("MELDPUNT_OMBUDSMAN_URL", ""),
}

# --- Recurring hotspots (/inzicht/hotspots/, geo_meldpunt/hotspots) --------------------------------------------
# Reports of one category are clustered by density (ST_ClusterDBSCAN on Lambert 72, metres): a report belongs to a
# cluster when at least HOTSPOTS_MIN_POINTS reports of that category (itself included) lie within HOTSPOTS_EPS_M.
# 40 m is a street corner or a stretch of pavement, the size of a place a department can act on.
HOTSPOTS_EPS_M = 40
HOTSPOTS_MIN_POINTS = 3
# A cluster is a hotspot when it holds at least HOTSPOTS_MIN_REPORTS reports spread over at least
# HOTSPOTS_MIN_MONTHS distinct calendar months (Europe/Brussels): recurrence, not one burst.
HOTSPOTS_MIN_REPORTS = 5
HOTSPOTS_MIN_MONTHS = 3
# The period looked at when none is chosen, and by the weekly snapshot (months back from today).
HOTSPOTS_PERIOD_MONTHS = 12
# Trend: reports per month in the last HOTSPOTS_TREND_MONTHS of the period against the months before them (from the
# hotspot's first month on); "rising" from HOTSPOTS_TREND_RATIO times the earlier rate, "falling" under its
# inverse, "stable" in between. A period no longer than HOTSPOTS_TREND_MONTHS has no trend ("stable").
HOTSPOTS_TREND_MONTHS = 3
HOTSPOTS_TREND_RATIO = 1.25
# The weekly snapshot keeps a hotspot's identity: a new cluster is the earlier hotspot of its category with which
# it shares the most reports, else the nearest one whose centre lies within HOTSPOTS_MATCH_DISTANCE_M of its own.
HOTSPOTS_MATCH_DISTANCE_M = 80
# Before/after an action: months compared on each side of the action's date.
HOTSPOTS_COMPARE_MONTHS = 6
# How many hotspots the list page shows, and how many of each one's reports it lists (newest first).
HOTSPOTS_LIST_LIMIT = 50
HOTSPOTS_REPORTS_SHOWN = 25
# A hotspot's small map draws its newest HOTSPOTS_MAP_POINTS reports (a 220 px map shows no more; at a city's size a
# hotspot can hold thousands). The stored results keep that many of each hotspot's report ids and places.
HOTSPOTS_MAP_POINTS = 250
# The list without filters and its figures come from the latest weekly snapshot. A snapshot taken more than
# HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS ago is late (the weekly job missed a run): the page says so and asks for one.
HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS = 8
# Another period or category (and the yearly report's year) is detected by the worker (task hotspots.detect) and
# kept: a period that had ended when it was computed is final; one still running is computed again when read more
# than HOTSPOTS_DETECTION_FRESH_HOURS after, the older result shown meanwhile. A computation asked for but not
# finished after HOTSPOTS_DETECTION_RETRY_MINUTES (a lost message, a worker restarted) is asked for again.
HOTSPOTS_DETECTION_FRESH_HOURS = 24
HOTSPOTS_DETECTION_RETRY_MINUTES = 15

# --- Data protection (geo_meldpunt/privacy) ---------------------------------------------------------------------
# The reporter's contact details (name, e-mail, phone), the followers' addresses and the addresses mails and surveys
# went to are cleared this many days after a report was closed (a daily job, CELERY_BEAT_SCHEDULE); the report, its
# history and its figures stay. A reopened report is not closed, so its clock starts again when it closes.
PRIVACY_CONTACT_RETENTION_DAYS = int(env("MELDPUNT_CONTACT_RETENTION_DAYS", "365"))

# --- Content-Security-Policy (django-csp 4) --------------------------------------------------------------------
# Every page: scripts, styles, fonts and data from the app itself only, no inline script or style, no plugin, no
# frame. Images also from the base-map tile server and the photo storage, plus data: and blob: (photo previews
# before upload). The embed pages (maps/embedding.py) replace frame-ancestors with the app and MAPS_EMBED_ORIGINS.


def content_security_policy(*extra_image_origins: str) -> dict:
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:", "blob:", *sorted({o for o in extra_image_origins if o})],
            "font-src": [SELF],
            "connect-src": [SELF],
            "worker-src": [SELF],
            "manifest-src": [SELF],
            "frame-src": [NONE],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def media_origin() -> str:
    """Where photo links point when they are not on the app itself: the S3 storage's domain or endpoint."""
    if not MEDIA_S3_BUCKET:
        return ""
    if domain := env("MELDPUNT_MEDIA_S3_CUSTOM_DOMAIN"):
        return f"https://{domain}"
    return origin_of(env("MELDPUNT_MEDIA_S3_ENDPOINT_URL")) or "https://*.amazonaws.com"


CONTENT_SECURITY_POLICY = content_security_policy(
    origin_of(str(MAPS_BASE_LAYERS.get(MAPS_BASE_LAYER, {}).get("url", ""))),
    media_origin(),
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MELDPUNT_LOG_LEVEL", "INFO")},
}
