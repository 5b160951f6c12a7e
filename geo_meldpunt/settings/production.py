"""Settings for production: everything secret or machine-specific comes from the environment.

The app runs behind a web server that ends TLS and serves /media/ (deploy/nginx/, docker-compose.yml) and tells
the app the original scheme in X-Forwarded-Proto. `manage.py check --deploy` is clean with these settings
(tests/test_deploy_settings.py).
"""

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env, env_bool

DEBUG = False
SECRET_KEY = env("MELDPUNT_SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("MELDPUNT_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS, and browsers are told to use HTTPS only for a year (HSTS), for the
# meldpunt's host and the hosts under it. MELDPUNT_HSTS_SECONDS=0 turns HSTS off while trying a new host name out.
SECURE_SSL_REDIRECT = env_bool("MELDPUNT_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("MELDPUNT_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MELDPUNT_HSTS_INCLUDE_SUBDOMAINS", True)
# The browsers' preload list takes registrable domains (oostende.be), not a service's host (meldpunt.oostende.be):
# that is the city's decision for its whole domain, so the flag is off unless asked for, and its check is silenced.
SECURE_HSTS_PRELOAD = env_bool("MELDPUNT_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405

# Static files: WhiteNoise serves STATIC_ROOT (filled by `collectstatic` in the image) from the web process, with
# hashed names cached for a year and gzip/brotli copies; it sits right after SecurityMiddleware so the SSL redirect
# still applies.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("MELDPUNT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("MELDPUNT_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("MELDPUNT_FROM_EMAIL", "meldpunt@localhost")
