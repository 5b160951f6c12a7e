"""What the city's own web site embeds: the "meld iets" button, a small map of open reports, the script that adds them.

A page of the city's site includes /embed/meldpunt.js (see the README); the script inserts an iframe with
/embed/knop/ (the button) or /embed/kaart/ (the button under a small map). Those frames live on another site than
the page around them, so they set no cookie at all: no session, no CSRF token, no language cookie. Their language
comes from `?lang=` (the script passes the page's), never from a cookie. Who may frame them: maps/embedding.py.

The button opens the report flow in a tab of its own (a frame is too small for it, and a top-level page is the
app's own site, where its cookies are first-party); /embed/naar/<page>/ keeps the embedding page's language there.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import gettext as _

from ..embedding import embeddable
from . import public

# The embed map shows what is being dealt with now: open reports only.
MAP_STATUS = "open"
# Height (CSS pixels) of each frame the script inserts, unless the page says otherwise with data-height.
FRAME_HEIGHTS = {"knop": 80, "kaart": 420}
# The script's address is fixed in the city's pages, so it cannot carry a version: browsers keep it an hour, then
# ask again (a 304 when it did not change).
SCRIPT_MAX_AGE_S = 3600


def embed_language(request: HttpRequest) -> str:
    """The language asked for with ?lang= (a regional variant such as fr-BE gets its language), else Dutch."""
    code = request.GET.get("lang", "")
    try:
        return translation.get_supported_language_variant(code) if code else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


@embeddable
def knop(request: HttpRequest) -> HttpResponse:
    return _render_frame(request, "maps/embed/knop.html", with_map=False)


@embeddable
def kaart(request: HttpRequest) -> HttpResponse:
    return _render_frame(request, "maps/embed/kaart.html", with_map=True)


def naar(request: HttpRequest, page: str) -> HttpResponse:
    """A link from a frame, opened as a page of its own: the chosen language is kept (as the switcher would)."""
    targets = {"meld": reverse("meld"), "kaart": reverse("kaart") + "?" + urlencode({"status": MAP_STATUS})}
    if page not in targets:
        raise Http404
    response = redirect(targets[page])
    if request.GET.get("lang"):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            embed_language(request),
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def script(request: HttpRequest) -> HttpResponse:
    """/embed/meldpunt.js: inserts the frame where its <script> tag is; every language's frame titles are in it."""
    site = {"site": settings.MELDPUNT_SITE_NAME}
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = {
                "knop": _("%(site)s: report something") % site,
                "kaart": _("%(site)s: open reports on the map") % site,
            }
    config = {
        "paths": {"knop": reverse("embed:knop"), "kaart": reverse("embed:kaart")},
        "heights": FRAME_HEIGHTS,
        "languages": [code for code, _name in settings.LANGUAGES],
        "default_language": settings.LANGUAGE_CODE,
        "titles": titles,
    }
    response = render(
        request,
        "maps/embed/meldpunt.js",
        {"config": json.dumps(config, ensure_ascii=False, sort_keys=True)},
        content_type="text/javascript; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=SCRIPT_MAX_AGE_S)
    set_response_etag(response)
    # A 304 when the browser's copy (If-None-Match) is still this one.
    return get_conditional_response(request, etag=response["ETag"], response=response) or response


def _render_frame(request: HttpRequest, template: str, *, with_map: bool) -> HttpResponse:
    """Render an embed page in the ?lang= language; nothing here may touch the session or the CSRF token."""
    language = embed_language(request)
    query = "?" + urlencode({"lang": language})
    with translation.override(language):
        context: dict[str, object] = {
            "meld_url": reverse("embed:naar", args=["meld"]) + query,
            "kaart_url": reverse("embed:naar", args=["kaart"]) + query,
        }
        if with_map:
            kaart = public.kaart_context(category=None, status=MAP_STATUS)
            # The public map's text speaks of its filters; this map has none.
            kaart["strings"]["no_reports"] = _("No open reports in this area.")
            context["kaart"] = kaart
        response = render(request, template, context)
    # LocaleMiddleware would name the cookie's language (or Dutch); the page is in the one asked for.
    response["Content-Language"] = language
    return response
