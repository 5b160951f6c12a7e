"""The short way through for the public GETs that one SQL statement answers: no DRF request, negotiation, serializer.

The duplicate check, the routing preview and tracking are answered by one statement that writes the JSON text
(duplicates.duplicate_candidates_json, routing.route_preview, selectors.track_json). DRF's dispatch around it
(its Request, authentication, permission and throttle checks, content negotiation, the query serializer, the
Response and its renderer) cost as much as the statement (issue 12, docs/benchmarks.md). For a request whose every
part is plainly valid (each parameter once, coordinates and slug in their simplest form, a client that takes JSON)
the view's `fast_get` answers directly with the same body and headers. Anything else, and anything `fast_get`
cannot answer (an unknown category, a point outside the territory, an unknown token), goes through the DRF view as
before, which gives the same field errors, the browsable API for a browser, `?format=`, and so on. These views
have no throttle, AllowAny permission and read no user, so nothing DRF would check is skipped.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers

# A coordinate as a map writes it: optional minus, digits, optional decimals. No exponent, sign, space, NaN or
# Infinity (those go through the serializer, which refuses or reads them as before).
_COORDINATE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,20})?")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# What DRF would set on these views' answers: their methods and the headers the answer depends on.
ALLOW = "GET, HEAD, OPTIONS"
VARY = ("Accept", "Cookie")


def takes_plain_json(request: HttpRequest) -> bool:
    """Whether DRF's negotiation would pick the JSON renderer with no options for this request."""
    if "format" in request.GET:
        return False
    accept = request.META.get("HTTP_ACCEPT", "").strip()  # request.headers would copy every header first
    if not accept:
        return True
    kinds = [part.split(";", 1) for part in accept.split(",")]
    types = {kind[0].strip().lower() for kind in kinds}
    if "text/html" in types or any("indent" in kind[1] for kind in kinds if len(kind) == 2):
        return False
    return bool(types & {"application/json", "*/*"})


def point_query(query: QueryDict) -> tuple[float, float, str] | None:
    """(lon, lat, category slug) of `?lat=&lon=&category=` when each is given once in its plain form and the
    point is a place on earth; None for anything the serializer must judge."""
    values = {}
    for name in ("lat", "lon", "category"):
        given = query.getlist(name)
        if len(given) != 1:
            return None
        values[name] = given[0]
    if not (_COORDINATE.fullmatch(values["lat"]) and _COORDINATE.fullmatch(values["lon"])):
        return None
    if not _SLUG.fullmatch(values["category"]):
        return None
    lat, lon = float(values["lat"]), float(values["lon"])
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lon, lat, values["category"]


def json_text(data: Any) -> str:
    """`data` (plain dicts, lists, str, numbers) as DRF's JSONRenderer writes it by default, without its machinery:
    compact, UTF-8 as is, no NaN, and U+2028/U+2029 escaped (JSON allows them, JavaScript strings once did not)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def json_answer(body: str) -> HttpResponse:
    response = HttpResponse(body.encode(), content_type="application/json")
    response["Allow"] = ALLOW
    patch_vary_headers(response, VARY)
    return response


class FastGet:
    """Mixin for an APIView with a `fast_get(request, **kwargs) -> HttpResponse | None` (None: let DRF answer).

    as_view() wraps DRF's view: the URL still names the APIView class (the OpenAPI schema, the tests), and DRF
    answers every request the short way does not.
    """

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        drf_view = super().as_view(**initkwargs)  # type: ignore[misc]

        @functools.wraps(drf_view)  # keeps .cls, .initkwargs and csrf_exempt for Django, DRF and the schema
        def view(request: HttpRequest, *args, **kwargs):
            if request.method == "GET" and takes_plain_json(request):
                response = cls.fast_get(request, **kwargs)  # type: ignore[attr-defined]
                if response is not None:
                    return response
            return drf_view(request, *args, **kwargs)

        return view
