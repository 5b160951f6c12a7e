"""GET /api/v1/geocode/ and /api/v1/geocode/reverse/: the contracts the "meld iets" page relies on, and bad input
(a 400 with messages per parameter in the asker's language, never a 500)."""

import io

import pytest
from django.core.management import call_command
from geopy.exc import GeocoderTimedOut

from api import geocoding as geocoding_api
from geo_meldpunt.geocoding.local import LocalGeocoder
from geo_meldpunt.geocoding.online import GeopyGeocoder
from tests.factories import WAPENPLEIN, point_at, project, reference_check_points, reference_point

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/geocode/"
REVERSE = "/api/v1/geocode/reverse/"
RESULT_KEYS = {"label", "lat", "lon", "street", "housenumber", "postcode", "municipality"}


def test_search_answers_a_list_of_addresses(api_client):
    response = api_client.get(SEARCH, {"q": "Kapellestraat 12"})

    assert response.status_code == 200
    (first,) = response.json()
    assert set(first) == RESULT_KEYS
    assert first["label"] == "Kapellestraat 12, 8400 Oostende"
    assert (first["street"], first["housenumber"], first["postcode"], first["municipality"]) == (
        "Kapellestraat",
        "12",
        "8400",
        "Oostende",
    )
    assert isinstance(first["lat"], float) and isinstance(first["lon"], float)
    assert 51.16 < first["lat"] < 51.25 and 2.84 < first["lon"] < 3.01


def test_search_ignores_case_and_accents_and_takes_part_of_a_name(api_client):
    assert [r["label"] for r in api_client.get(SEARCH, {"q": "FRERE orban"}).json()] == [
        "Frère-Orbanstraat, 8400 Oostende"
    ]
    assert [r["street"] for r in api_client.get(SEARCH, {"q": "kapelle"}).json()] == ["Kapellestraat"]


def test_search_respects_limit(api_client):
    assert len(api_client.get(SEARCH, {"q": "straat"}).json()) == 5
    assert len(api_client.get(SEARCH, {"q": "straat", "limit": 2}).json()) == 2


def test_nothing_found_is_an_empty_list(api_client):
    response = api_client.get(SEARCH, {"q": "Onbestaandestraat"})
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize(
    ("params", "field", "dutch"),
    [
        ({}, "q", "Typ een straatnaam om te zoeken."),
        ({"q": ""}, "q", "Typ een straatnaam om te zoeken."),
        ({"q": "   "}, "q", "Typ een straatnaam om te zoeken."),
        ({"q": "k"}, "q", "Typ minstens 2 tekens."),
        ({"q": "k" * 201}, "q", "Typ hoogstens 200 tekens."),
        ({"q": "kapelle", "limit": 0}, "limit", None),
        ({"q": "kapelle", "limit": 11}, "limit", None),
        ({"q": "kapelle", "limit": "veel"}, "limit", None),
    ],
)
def test_bad_search_input_is_a_400_per_parameter_in_dutch(api_client, params, field, dutch):
    response = api_client.get(SEARCH, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    if dutch:
        assert response.json()[field] == [dutch]


def test_messages_follow_accept_language(api_client):
    response = api_client.get(SEARCH, {"q": "k"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"q": ["Type at least 2 characters."]}


@pytest.mark.parametrize("q", ["%%", "__", "\\\\", "' OR 1=1 --", "straat\x00", "😀😀", "12 12 12", "a" * 200])
def test_odd_text_never_breaks_the_search(api_client, q):
    response = api_client.get(SEARCH, {"q": q})
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), list | dict)


def test_a_failing_online_service_still_answers_from_the_local_table(api_client, monkeypatch):
    class TimingOut:
        def geocode(self, *args, **kwargs):
            raise GeocoderTimedOut("timed out")

        def reverse(self, *args, **kwargs):
            raise GeocoderTimedOut("timed out")

    monkeypatch.setattr(
        geocoding_api, "get_geocoder", lambda: GeopyGeocoder(fallback=LocalGeocoder(), geocoder=TimingOut())
    )

    search = api_client.get(SEARCH, {"q": "Wapenplein"})
    reverse = api_client.get(REVERSE, {"lat": WAPENPLEIN[1], "lon": WAPENPLEIN[0]})

    assert (search.status_code, [r["label"] for r in search.json()]) == (200, ["Wapenplein, 8400 Oostende"])
    assert (reverse.status_code, reverse.json()["address"]["label"]) == (200, "Wapenplein, 8400 Oostende")


# --- Reverse ---------------------------------------------------------------------------------------------------


def test_reverse_answers_the_nearest_address_with_its_distance(api_client):
    pin = project(point_at(*WAPENPLEIN), metres=20, azimuth_deg=200)

    response = api_client.get(REVERSE, {"lat": pin.y, "lon": pin.x})

    assert response.status_code == 200
    body = response.json()
    assert (body["in_territory"], body["message"]) == (True, "")
    address = body["address"]
    assert set(address) == RESULT_KEYS | {"distance_m"}
    assert address["label"] == "Wapenplein, 8400 Oostende"
    assert (address["lon"], address["lat"]) == WAPENPLEIN
    assert address["distance_m"] == pytest.approx(20, abs=0.1)


def test_reverse_far_from_any_address_answers_no_address_with_a_message(api_client):
    polders = reference_point("Zandvoorde polders (buitengebied)")

    response = api_client.get(REVERSE, {"lat": polders.y, "lon": polders.x})

    assert response.status_code == 200
    assert response.json() == {
        "in_territory": True,
        "address": None,
        "message": "Binnen 150 m van deze plaats is geen adres bekend; de speld zelf toont ons waar het is.",
    }
    english = api_client.get(REVERSE, {"lat": polders.y, "lon": polders.x}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"].startswith("No address is known within 150 m")


@pytest.mark.parametrize("name", [p["name"] for p in reference_check_points() if not p["inside"]])
def test_reverse_outside_the_territory_answers_no_address_and_says_so(api_client, name):
    place = reference_point(name)

    response = api_client.get(REVERSE, {"lat": place.y, "lon": place.x})

    assert response.status_code == 200
    body = response.json()
    assert (body["in_territory"], body["address"]) == (False, None)
    assert "buiten het grondgebied" in body["message"]
    english = api_client.get(REVERSE, {"lat": place.y, "lon": place.x}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"].startswith("This location lies outside the city's territory")


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"lat", "lon"}),
        ({"lat": 51.2297}, {"lon"}),
        ({"lon": 2.9196}, {"lat"}),
        ({"lat": "noord", "lon": 2.9196}, {"lat"}),
        ({"lat": 91, "lon": 2.9196}, {"lat"}),
        ({"lat": 51.2297, "lon": -181}, {"lon"}),
        ({"lat": "NaN", "lon": 2.9196}, {"lat"}),
        ({"lat": 51.2297, "lon": "Infinity"}, {"lon"}),
    ],
)
def test_bad_reverse_input_is_a_400_naming_the_parameter(api_client, params, fields):
    response = api_client.get(REVERSE, params)
    assert response.status_code == 400
    assert set(response.json()) == fields


# --- Documentation ---------------------------------------------------------------------------------------------


def test_the_schema_documents_the_geocoder_without_warnings(api_client, tmp_path):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"/api/v1/geocode/", "/api/v1/geocode/reverse/", "/api/v1/reports/clusters/"} <= set(paths)
    assert {p["name"] for p in paths["/api/v1/geocode/"]["get"]["parameters"]} == {"q", "limit"}

    err = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=err)
    assert err.getvalue() == ""
