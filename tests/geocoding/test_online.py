"""The online geocoder (geopy) and the choice of backend. No test touches the internet: GeopyGeocoder gets a
stand-in for geopy's Nominatim, the one allowed stand-in, for an outside service."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo_meldpunt.geocoding.backends import get_geocoder
from geo_meldpunt.geocoding.local import LocalGeocoder
from geo_meldpunt.geocoding.online import GeopyGeocoder, nominatim_server
from tests.factories import WAPENPLEIN, point_at, project, reference_point

pytestmark = pytest.mark.django_db


def nominatim_location(*, lon, lat, road="Kapellestraat", house_number="12", town="Oostende") -> Location:
    """What geopy's Nominatim returns with addressdetails=True."""
    raw = {
        "lat": str(lat),
        "lon": str(lon),
        "display_name": f"{house_number}, {road}, {town}, West-Vlaanderen, 8400, België / Belgique / Belgien",
        "address": {"house_number": house_number, "road": road, "town": town, "postcode": "8400", "country_code": "be"},
    }
    return Location(raw["display_name"], (lat, lon), raw)


class FakeNominatim:
    """geopy-compatible: geocode() and reverse() with Nominatim's keywords; records its calls, or fails."""

    def __init__(self, *, found=(), near=None, error: Exception | None = None):
        self.found, self.near, self.error, self.calls = list(found), near, error, []

    def geocode(self, query, **kwargs):
        self.calls.append(("geocode", query, kwargs))
        if self.error:
            raise self.error
        return self.found or None

    def reverse(self, query, **kwargs):
        self.calls.append(("reverse", query, kwargs))
        if self.error:
            raise self.error
        return self.near


def online(fake) -> GeopyGeocoder:
    return GeopyGeocoder(fallback=LocalGeocoder(), geocoder=fake)


def test_search_asks_the_service_within_the_city_and_labels_like_the_local_geocoder():
    fake = FakeNominatim(found=[nominatim_location(lon=2.9200, lat=51.2290)])

    (result,) = online(fake).search("Kapellestraat 12", limit=3)

    assert result.label == "Kapellestraat 12, 8400 Oostende"
    assert (result.street, result.housenumber, result.postcode, result.municipality) == (
        "Kapellestraat",
        "12",
        "8400",
        "Oostende",
    )
    assert (result.point.x, result.point.y, result.source) == (2.9200, 51.2290, "nominatim")
    ((call, query, kwargs),) = fake.calls
    assert (call, query) == ("geocode", "Kapellestraat 12")
    assert kwargs["country_codes"] == "be" and kwargs["bounded"] is True and kwargs["limit"] == 3
    assert kwargs["exactly_one"] is False and kwargs["addressdetails"] is True and kwargs["timeout"] == 3
    # The territory's extent, as (lat, lon) corners.
    (south, west), (north, east) = kwargs["viewbox"]
    assert (west, south, east, north) == pytest.approx((2.848, 51.1765, 3.002, 51.245))


def test_answers_outside_the_territory_are_dropped():
    sea = reference_point("Noordzee voor Mariakerke")
    bredene = reference_point("Bredene")
    fake = FakeNominatim(
        found=[
            nominatim_location(lon=sea.x, lat=sea.y, road="Zeedijk"),
            nominatim_location(lon=bredene.x, lat=bredene.y, road="Duinenweg", town="Bredene"),
            nominatim_location(lon=2.9196, lat=51.2297, road="Wapenplein", house_number=""),
        ]
    )
    assert [r.label for r in online(fake).search("plein")] == ["Wapenplein, 8400 Oostende"]


@pytest.mark.parametrize(
    "error",
    [
        GeocoderTimedOut("Service timed out"),
        GeocoderUnavailable("Service not available"),
        GeocoderServiceError("HTTP Error 429: Too Many Requests"),
        OSError("Network is unreachable"),
    ],
)
def test_any_failure_of_the_service_falls_back_to_the_local_table_with_a_warning(error, caplog):
    fake = FakeNominatim(error=error)

    with caplog.at_level(logging.WARNING, logger="geo_meldpunt.geocoding.online"):
        results = online(fake).search("Kapellestraat 12")
        near = online(fake).reverse(point_at(*WAPENPLEIN))

    assert [r.label for r in results] == ["Kapellestraat 12, 8400 Oostende"]
    assert {r.source for r in results} == {"local"}
    assert (near.label, near.source) == ("Wapenplein, 8400 Oostende", "local")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
    assert [c[0] for c in fake.calls] == ["geocode", "reverse"]


def test_an_unreadable_answer_also_falls_back():
    broken = Location("?", (51.2297, 2.9196), {"address": "not a dict"})
    assert [r.source for r in online(FakeNominatim(found=[broken])).search("Wapenplein")] == ["local"]


def test_nothing_found_online_is_an_empty_list():
    assert online(FakeNominatim(found=[])).search("Onbestaandestraat") == []


def test_reverse_asks_for_the_point_and_measures_the_distance():
    pin = project(point_at(2.9200, 51.2290), metres=12)
    fake = FakeNominatim(near=nominatim_location(lon=2.9200, lat=51.2290))

    result = online(fake).reverse(pin)

    assert result.label == "Kapellestraat 12, 8400 Oostende"
    assert result.distance_m == pytest.approx(12, abs=0.1)
    ((call, query, kwargs),) = fake.calls
    assert (call, query, kwargs["exactly_one"], kwargs["zoom"]) == ("reverse", (pin.y, pin.x), True, 18)


def test_reverse_too_far_or_nothing_is_none(settings):
    pin = point_at(2.9200, 51.2290)
    far = project(pin, metres=settings.GEOCODING_REVERSE_RADIUS_M + 50)
    assert online(FakeNominatim(near=nominatim_location(lon=far.x, lat=far.y))).reverse(pin) is None
    assert online(FakeNominatim(near=None)).reverse(pin) is None


def test_the_default_service_is_nominatim_with_the_configured_user_agent_and_timeout(settings):
    settings.GEOCODING_USER_AGENT = "meldpunt-test"
    service = GeopyGeocoder(fallback=LocalGeocoder()).geocoder  # built, not called: no request leaves

    assert isinstance(service, Nominatim)
    assert service.headers["User-Agent"] == "meldpunt-test"
    assert service.timeout == settings.GEOCODING_TIMEOUT_S


def test_the_configured_nominatim_server_reaches_geopy(settings, monkeypatch):
    built = []

    class RecordingNominatim(FakeNominatim):
        def __init__(self, **kwargs):
            built.append(kwargs)
            super().__init__()

    monkeypatch.setattr("geopy.geocoders.Nominatim", RecordingNominatim)
    settings.GEOCODING_NOMINATIM_URL = "http://geo.stad.example:8080/nominatim/"

    assert isinstance(GeopyGeocoder(fallback=LocalGeocoder()).geocoder, RecordingNominatim)
    (kwargs,) = built
    assert (kwargs["domain"], kwargs["scheme"]) == ("geo.stad.example:8080/nominatim", "http")
    assert kwargs["user_agent"] == settings.GEOCODING_USER_AGENT


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", {}),
        ("https://nominatim.stad.example", {"domain": "nominatim.stad.example", "scheme": "https"}),
        ("nominatim.stad.example", {"domain": "nominatim.stad.example", "scheme": "https"}),
    ],
)
def test_the_nominatim_url_is_split_into_domain_and_scheme(url, expected):
    assert nominatim_server(url) == expected


def test_a_nominatim_url_geopy_cannot_use_is_refused(settings):
    settings.GEOCODING_NOMINATIM_URL = "ftp://nominatim.stad.example"
    with pytest.raises(ImproperlyConfigured, match="GEOCODING_NOMINATIM_URL"):
        GeopyGeocoder(fallback=LocalGeocoder()).geocoder  # noqa: B018 (building it is the test)


def test_without_a_configured_server_geopy_uses_its_default(settings):
    settings.GEOCODING_NOMINATIM_URL = ""
    service = GeopyGeocoder(fallback=LocalGeocoder()).geocoder  # built, not called: no request leaves
    assert service.domain == "nominatim.openstreetmap.org"


def test_the_backend_is_read_from_the_settings(settings):
    settings.GEOCODING_BACKEND = "local"
    assert isinstance(get_geocoder(), LocalGeocoder)

    settings.GEOCODING_BACKEND = "nominatim"
    geocoder = get_geocoder()
    assert isinstance(geocoder, GeopyGeocoder) and isinstance(geocoder.fallback, LocalGeocoder)

    settings.GEOCODING_BACKEND = "google"
    with pytest.raises(ImproperlyConfigured, match="GEOCODING_BACKEND"):
        get_geocoder()
