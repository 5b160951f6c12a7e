"""Settings for production: everything secret or machine-specific comes from the environment."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("MELDPUNT_SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("MELDPUNT_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("MELDPUNT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("MELDPUNT_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env("MELDPUNT_FROM_EMAIL", "meldpunt@localhost")
