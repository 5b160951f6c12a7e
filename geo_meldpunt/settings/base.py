"""Settings shared by every environment. Values that differ per machine come from the environment."""

import os
from pathlib import Path

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
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "geo_meldpunt.core",
    "geo_meldpunt.zones",
    "geo_meldpunt.reports",
    "api",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "geo_meldpunt.urls"
WSGI_APPLICATION = "geo_meldpunt.wsgi.application"

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
}

# --- Background work --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("MELDPUNT_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE

# --- Meldpunt: the city ------------------------------------------------------------------------------------
# Prefix of report references: OST-2026-000123.
MELDPUNT_REFERENCE_PREFIX = env("MELDPUNT_REFERENCE_PREFIX", "OST")
# Slug of the department that receives what no routing rule covers.
MELDPUNT_COORDINATOR_DEPARTMENT = env("MELDPUNT_COORDINATOR_DEPARTMENT", "meldpunt")
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

# --- Geocoding -------------------------------------------------------------------------------------------
# "local": the city's own address table (reference data); "nominatim": an online geocoder through geopy,
# only when configured (it sends the typed address to that service).
GEOCODING_BACKEND = env("MELDPUNT_GEOCODER", "local")
GEOCODING_USER_AGENT = env("MELDPUNT_GEOCODER_USER_AGENT", "meldpunt")
GEOCODING_TIMEOUT_S = 3

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MELDPUNT_LOG_LEVEL", "INFO")},
}
