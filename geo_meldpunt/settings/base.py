"""Settings shared by every environment. Values that differ per machine come from the environment."""

import os
from pathlib import Path

from celery.schedules import crontab
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
    "geo_meldpunt.core",
    "geo_meldpunt.zones",
    "geo_meldpunt.reports",
    "geo_meldpunt.geocoding",
    "geo_meldpunt.staff",
    "geo_meldpunt.notifications",
    "geo_meldpunt.feedback",
    "geo_meldpunt.stats",
    "geo_meldpunt.hotspots",  # recurring hotspots: reads reports, nothing of the domain imports it
    "geo_meldpunt.reference",
    "geo_meldpunt.legacy",  # the import of old cases, above the domain: no models, a command
    "geo_meldpunt.demo",  # development tooling above the domain: no models, only management commands
    "api",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
]

# No page may be shown in another site's frame (clickjacking); Django's default, stated because the embed pages
# (maps/embedding.py) are the one exception.
X_FRAME_OPTIONS = "DENY"

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
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": env("MELDPUNT_DB_NAME", "meldpunt"),
        "USER": env("MELDPUNT_DB_USER", "postgres"),
        "PASSWORD": env("MELDPUNT_DB_PASSWORD", ""),
        "HOST": env("MELDPUNT_DB_HOST", "127.0.0.1"),
        "PORT": env("MELDPUNT_DB_PORT", "5432"),
        "CONN_MAX_AGE": int(env("MELDPUNT_DB_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
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
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MELDPUNT_LOG_LEVEL", "INFO")},
}
