"""Settings for the test suite: real PostGIS, fast hashing, no outside services."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits out of the way of the suite's many requests; tests/api/test_throttling.py sets its own.
API_THROTTLE_RATES = {"public_write_burst": "100000/min", "public_write_sustained": "1000000/hour"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
MAPS_BASE_LAYER = "none"
GEOCODING_BACKEND = "local"
# A live server answers each request in a thread of its own: persistent connections would outlive the threads
# and keep the test database from being dropped.
# The database outage test (tests/reliability/) serves gunicorn with persistent connections, as in production.
DATABASES["default"]["CONN_MAX_AGE"] = int(env("MELDPUNT_TEST_DB_CONN_MAX_AGE", "0"))  # noqa: F405

# --- Background work and e-mail ---------------------------------------------------------------------------
# Tasks are queued for real (not eager): unit tests run task functions directly; the worker integration test
# starts a Celery worker with these settings and passes the values below through the environment.
# A Redis database of its own, so that a test run never feeds a developer's running worker.
CELERY_BROKER_URL = env("MELDPUNT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = env("MELDPUNT_EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_FILE_PATH = env("MELDPUNT_EMAIL_FILE_PATH", "")
# The SMTP server of tests/reliability/test_worker_killed.py, a local sink on a free port.
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(env("MELDPUNT_EMAIL_PORT", "25"))
CELERY_TASK_DEFAULT_QUEUE = env("MELDPUNT_CELERY_QUEUE", "meldpunt-test")
# The data-protection job runs daily at night; the test that watches beat start it (tests/privacy/) asks for it every
# few seconds instead. The task and its schedule entry are the production ones.
if env("MELDPUNT_PRIVACY_ANONYMISE_EVERY_S"):
    CELERY_BEAT_SCHEDULE["privacy-anonymise-closed"]["schedule"] = float(  # noqa: F405
        env("MELDPUNT_PRIVACY_ANONYMISE_EVERY_S")
    )
