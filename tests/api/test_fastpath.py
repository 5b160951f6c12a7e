"""The short way through for the duplicate check, the routing preview and tracking (api/fastpath.py): a plainly
valid request is answered without DRF's dispatch, with the body and headers DRF's path gives; anything else takes
DRF's path and is answered as before."""

from __future__ import annotations

import pytest

from api import views
from geo_meldpunt.zones.models import Zone, ZoneType
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project

pytestmark = pytest.mark.django_db

ORIGIN = point_at(*WAPENPLEIN)
HEADERS = ("Content-Type", "Allow", "Cache-Control", "Content-Language", "X-Frame-Options")


def vary(response) -> set[str]:
    return {part.strip() for part in response["Vary"].split(",")}


@pytest.fixture
def drf_calls(monkeypatch) -> list[str]:
    """The views DRF dispatched (the short way never calls APIView.dispatch)."""
    calls: list[str] = []
    for view in (views.NearbyReportsApi, views.RoutingPreviewApi, views.TrackReportApi):
        original = view.dispatch

        def dispatch(self, request, *args, _original=original, **kwargs):
            calls.append(type(self).__name__)
            return _original(self, request, *args, **kwargs)

        monkeypatch.setattr(view, "dispatch", dispatch)
    return calls


@pytest.fixture
def requests_():
    category = CategoryFactory(duplicate_radius_m=60)
    reports = [
        ReportFactory(category=category, point=project(ORIGIN, metres=8 * i, azimuth_deg=70 * i)) for i in range(3)
    ]
    inside = Zone.objects.get(zone_type=ZoneType.TERRITORY).geom.point_on_surface
    point = {"lat": f"{ORIGIN.y:.6f}", "lon": f"{ORIGIN.x:.6f}", "category": category.slug}
    return [
        ("/api/v1/reports/nearby/", point),
        ("/api/v1/routing/preview/", {"lat": f"{inside.y:.6f}", "lon": f"{inside.x:.6f}", "category": category.slug}),
        (f"/api/v1/track/{reports[1].tracking_token}/", {}),
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_plain_request_skips_drf_and_gets_what_drf_gives(client, requests_, drf_calls, language):
    for url, query in requests_:
        short = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language, HTTP_ACCEPT="application/json")
        assert drf_calls == [], url
        through_drf = client.get(url, {**query, "format": "json"}, HTTP_ACCEPT_LANGUAGE=language)
        assert len(drf_calls) == 1, url
        drf_calls.clear()

        assert short.status_code == through_drf.status_code == 200
        assert short.content == through_drf.content, url
        for header in HEADERS:
            assert short.get(header) == through_drf.get(header), (url, header)
        assert vary(short) == vary(through_drf) == {"Accept", "Accept-Language", "Cookie"}
    assert client.get(*requests_[2])["Cache-Control"] == "private, no-store"


def test_what_the_short_way_does_not_take_is_answered_by_drf_as_before(client, requests_, drf_calls):
    nearby, preview, track = requests_
    # A browser asking for HTML gets DRF's browsable page.
    page = client.get(*nearby, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    # A parameter given twice, a coordinate in another notation, an unknown category, a point in the sea, an
    # unknown tracking code: DRF's field errors and 404, in Dutch by default.
    twice = client.get(nearby[0] + f"?lat=51.2&lat=51.3&lon=2.9&category={nearby[1]['category']}")
    assert twice.status_code == 400 and twice.json() == {"lat": ["Geef deze parameter één keer."]}
    exponent = client.get(nearby[0], {**nearby[1], "lat": f"{float(nearby[1]['lat']) / 10:.7f}e1"})
    assert exponent.status_code == 200
    assert exponent.json() == client.get(*nearby).json()
    unknown = client.get(preview[0], {**preview[1], "category": "bestaat-niet"})
    assert unknown.status_code == 400 and unknown.json() == {"category": ["Onbekende categorie “bestaat-niet”."]}
    sea = client.get(preview[0], {**preview[1], "lat": "51.300000", "lon": "2.800000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert sea.status_code == 400 and list(sea.json()) == ["location"]
    missing = client.get("/api/v1/track/bestaat-niet/")
    assert missing.status_code == 404 and missing["Cache-Control"] == "private, no-store"
    assert drf_calls == [
        "NearbyReportsApi",  # text/html
        "NearbyReportsApi",  # lat twice
        "NearbyReportsApi",  # 5.12e1
        "RoutingPreviewApi",  # unknown category: the short way's statement finds none, DRF says why
        "RoutingPreviewApi",  # in the sea
        "TrackReportApi",  # unknown code
    ]


def test_the_short_way_writes_json_as_drf_does():
    from rest_framework.renderers import JSONRenderer

    from api.fastpath import json_text

    data = {
        "department": {"slug": "groen", "name": "Groendienst – “Parken” é ß 🌳", "is_external": False},
        "zone": None,
        "reason": 'Regel\u2028met\u2029scheidingstekens en "aanhalingstekens" \\ schuine streep',
        "routable": True,
        "numbers": [1, 2.5, -0.0],
    }
    assert json_text(data).encode() == JSONRenderer().render(data)
