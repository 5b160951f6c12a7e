"""The language a request is served in, as the two-letter code a report, a follower or an e-mail stores."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def current_language() -> str:
    """The active language if the meldpunt offers it (settings.LANGUAGES), else the default (Dutch)."""
    codes = [code for code, _name in settings.LANGUAGES]
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in codes else settings.LANGUAGE_CODE[:2]
