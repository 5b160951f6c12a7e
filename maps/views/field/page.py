"""The field page, its web-app manifest and its service worker.

The worker is served from /veld/sw.js (not from /static/), so its scope is /veld/ and nothing else of the site.
Its code is maps/static/maps/js/field-sw.js; this view puts in front of it the list of what it must keep for
offline use (the page and every asset the page loads, under their static URLs, hashed names included) and a
version made of their contents: any change to an asset gives a new worker, which replaces the old cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo_meldpunt.core.languages import current_language
from geo_meldpunt.reports import selectors
from geo_meldpunt.reports.models import Kind

from ..report import IMPACT_LABELS
from .access import field_page_access
from .texts import field_strings

# Zoom when the pin is set from the phone's position: close enough to drag it to the exact spot.
PIN_ZOOM = 18

# Everything the page loads, kept by the service worker for offline use (static paths).
OFFLINE_ASSETS = (
    "maps/favicon.svg",
    "maps/css/site.css",
    "maps/css/field.css",
    "maps/vendor/leaflet/leaflet.css",
    "maps/vendor/leaflet/leaflet.js",
    "maps/vendor/leaflet/images/marker-icon.png",
    "maps/vendor/leaflet/images/marker-icon-2x.png",
    "maps/vendor/leaflet/images/marker-shadow.png",
    "maps/js/basemap.js",
    "maps/js/field.js",
    "maps/js/field-queue.js",
    "maps/js/field-lists.js",
    "maps/js/field-place.js",
    "maps/js/meld-api.js",
    "maps/js/meld-util.js",
    "maps/field/icon-192.png",
    "maps/field/icon-512.png",
)
WORKER_SOURCE = "maps/js/field-sw.js"


def _categories(user) -> tuple[list[dict], list[dict], list[dict]]:
    """The categories a field report may use (kind melding): all of them (slug and name), the reporter's most used
    ones (at most FIELD_FREQUENT_CATEGORIES, each used at least once; the selector puts them first), and the full
    list for the select, grouped under their parent in the usual order, a parent itself offered as "something
    else about ..." at the end of its group."""
    categories = list(selectors.categories_for_reporter(user=user, kind=Kind.MELDING))
    everything = [{"slug": c.slug, "name": c.localized_name()} for c in categories]
    # `used` is the selector's annotation: how many reports this user filed in the category.
    frequent = [entry for c, entry in zip(categories, everything, strict=True) if getattr(c, "used", 0)]
    groups: dict[int, dict] = {}
    for category in sorted(categories, key=lambda c: (c.parent_id is not None, c.position, c.name_nl)):
        if category.parent_id is None:
            groups[category.pk] = {"name": category.localized_name(), "options": [], "self": category}
        elif category.parent_id not in groups and category.parent is not None:  # its parent takes no melding
            groups[category.parent_id] = {"name": category.parent.localized_name(), "options": [], "self": None}
        if category.parent_id is not None:
            groups[category.parent_id]["options"].append({"slug": category.slug, "name": category.localized_name()})
    for group in groups.values():
        parent = group.pop("self")
        if parent is not None:
            name = _("Something else about “%(name)s”") % {"name": parent.localized_name()}
            group["options"].append({"slug": parent.slug, "name": name})
    return everything, frequent[: settings.FIELD_FREQUENT_CATEGORIES], list(groups.values())


def field_config(request: HttpRequest, categories: list[dict]) -> dict:
    user: Any = request.user  # logged in: field_page_access let the request through
    return {
        "language": current_language(),
        "user": {"id": user.pk, "name": user.get_full_name() or user.get_username()},
        "csrf_token": get_token(request),
        "urls": {
            "reports": reverse("api-reports"),
            "geocode_reverse": reverse("api-geocode-reverse"),
            "session": reverse("field:session"),
            "around": reverse("field:around"),
            "mine": reverse("field:mine"),
            "follow": reverse("field:follow", kwargs={"reference": "REFERENCE"}),
            "observation": reverse("field:observation", kwargs={"reference": "REFERENCE"}),
            "report": reverse("backoffice:report", kwargs={"reference": "REFERENCE"}),
            "login": f"{reverse('backoffice:login')}?next={reverse('field:page')}",
            "worker": reverse("field:worker"),
            "scope": reverse("field:page"),
        },
        "kind": Kind.MELDING.value,
        "channel": "field",
        "categories": categories,
        "map": {"pin_zoom": PIN_ZOOM},
        "around_radius_m": settings.FIELD_AROUND_RADIUS_M,
        "description_max_length": settings.REPORTS_DESCRIPTION_MAX_LENGTH,
        "photo_max_count": settings.REPORTS_PHOTO_MAX_COUNT,
        "photo_max_bytes": settings.REPORTS_PHOTO_MAX_BYTES,
    }


@require_GET
@field_page_access
def field_page(request: HttpRequest) -> HttpResponse:
    categories, frequent, groups = _categories(request.user)
    return render(
        request,
        "maps/field/page.html",
        {
            "frequent": frequent,
            "category_groups": groups,
            "impacts": [{"value": value, "label": _(label)} for value, label in IMPACT_LABELS.items()],
            "description_max_length": settings.REPORTS_DESCRIPTION_MAX_LENGTH,
            "field_config": field_config(request, categories),
            "field_strings": field_strings(),
        },
    )


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web-app manifest: installable, opens /veld/ full screen, scoped to /veld/."""
    scope = reverse("field:page")
    body = {
        "name": _("%(site)s – field reports") % {"site": settings.MELDPUNT_SITE_NAME},
        "short_name": _("Field reports"),
        "description": _("Report from the street, also without a connection."),
        "lang": current_language(),
        "start_url": scope,
        "scope": scope,
        "id": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("maps/field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("maps/field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("maps/field/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file {path} not found")
    return Path(found if isinstance(found, str) else found[0]).read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker: the list of what to keep offline and its version, then the worker's code."""
    page = reverse("field:page")
    assets = [static(path) for path in OFFLINE_ASSETS]
    source = _read_static(WORKER_SOURCE)
    version = hashlib.sha256(source)
    for path in OFFLINE_ASSETS:
        version.update(_read_static(path))
    preamble = (
        "// Written by maps/views/field/page.py: what this worker keeps for offline use, and its version.\n"
        f"const FIELD_PAGE = {json.dumps(page)};\n"
        f"const FIELD_ASSETS = {json.dumps(assets)};\n"
        f"const FIELD_CACHE = {json.dumps('veld-' + version.hexdigest()[:16])};\n"
        f"const FIELD_MANIFEST = {json.dumps(reverse('field:manifest'))};\n\n"
    )
    response = HttpResponse(preamble.encode() + source, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker at most daily anyway; no-cache makes each check ask this view.
    response["Cache-Control"] = "no-cache"
    return response
