"""Settings for a developer's machine: the README's run command uses these."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("MELDPUNT_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
