"""Settings for the test suite: real PostGIS, fast hashing, no outside services."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
MAPS_BASE_LAYER = "none"
GEOCODING_BACKEND = "local"
# A live server answers each request in a thread of its own: persistent connections would outlive the threads
# and keep the test database from being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
