"""The language of the pages: the visitor's explicit choice, otherwise the city's language.

Django's LocaleMiddleware falls back on the browser's Accept-Language, so a visitor whose phone is set to English
would get English pages without asking. The city's pages are Dutch unless the visitor picks another language with
the switcher (set_language keeps it in the language cookie). The API keeps LocaleMiddleware's choice: third-party
apps ask for a language with Accept-Language and get field errors in it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Paths that keep following Accept-Language: the REST API and the Open311 server.
API_PREFIXES = ("/api/", "/open311/")


def chosen_language(request) -> str | None:
    """The supported language in the visitor's language cookie, or None when there is none (or an unknown one)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code or not translation.check_for_language(code):
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class CookieThenCityLanguageMiddleware:
    """Pages: the language cookie, else settings.LANGUAGE_CODE. Goes right after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIXES):
            return self.get_response(request)
        language = chosen_language(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The page depends on the cookie, no longer on Accept-Language (LocaleMiddleware still adds that one).
        patch_vary_headers(response, ("Cookie",))
        return response
