"""The local geocoder over the Oostende address table (fixtures/oostende/addresses.csv, loaded per session)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo_meldpunt.geocoding.local import LocalGeocoder
from geo_meldpunt.geocoding.models import Address
from tests.factories import WAPENPLEIN, point_at, project, reference_point

from .conftest import fixture_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def geocoder():
    return LocalGeocoder()


def labels(results) -> list[str]:
    return [r.label for r in results]


# --- Search ----------------------------------------------------------------------------------------------------


def test_the_exact_street_name_comes_first_and_alone(geocoder):
    (result,) = geocoder.search("Wapenplein")

    assert result.label == "Wapenplein, 8400 Oostende"
    assert (result.street, result.housenumber, result.postcode, result.municipality) == (
        "Wapenplein",
        "",
        "8400",
        "Oostende",
    )
    assert (result.point.x, result.point.y, result.point.srid) == (*WAPENPLEIN, 4326)
    assert result.source == "local" and result.distance_m is None


@pytest.mark.parametrize("typed", ["kapellestraat", "KAPELLESTRAAT", "KaPeLLeStRaAt", " kapellestraat "])
def test_case_does_not_matter(geocoder, typed):
    assert labels(geocoder.search(typed)) == ["Kapellestraat, 8400 Oostende"]


@pytest.mark.parametrize("typed", ["Frere-Orbanstraat", "frère orbanstraat", "FRERE ORBAN", "Frère-Orbanstraat"])
def test_accents_and_punctuation_do_not_matter(geocoder, typed):
    assert labels(geocoder.search(typed)) == ["Frère-Orbanstraat, 8400 Oostende"]


def test_part_of_a_name_finds_the_street(geocoder):
    assert labels(geocoder.search("kapelle")) == ["Kapellestraat, 8400 Oostende"]
    assert labels(geocoder.search("astrid")) == ["Koningin Astridlaan, 8400 Oostende"]
    assert labels(geocoder.search("dr eduard")) == ["Dr. Eduard Moreauxlaan, 8400 Oostende"]


def test_a_shorter_name_holding_the_text_ranks_first(geocoder):
    found = labels(geocoder.search("kerk"))
    assert found[0] == "Kerkstraat, 8400 Oostende"
    assert "Mariakerkelaan, 8400 Oostende" in found


def test_a_typo_still_finds_the_street_when_nothing_holds_the_text(geocoder):
    assert labels(geocoder.search("kapelstraat")) == ["Kapellestraat, 8400 Oostende"]


def test_one_result_per_street_and_at_most_limit(geocoder):
    found = geocoder.search("straat", limit=5)
    assert len(found) == 5
    assert len({r.street for r in found}) == 5
    assert len(geocoder.search("straat", limit=2)) == 2


def test_a_house_number_in_a_stretch_is_placed_on_that_stretch(geocoder):
    (result,) = geocoder.search("Kapellestraat 12")

    assert result.label == "Kapellestraat 12, 8400 Oostende"
    assert result.housenumber == "12"
    assert result.point.coords == fixture_point("Kapellestraat", "1-59").coords


def test_the_house_number_picks_the_stretch_of_a_long_street(geocoder):
    (raversijde,) = geocoder.search("Nieuwpoortsesteenweg 636")
    (centre,) = geocoder.search("nieuwpoortsesteenweg 20")

    assert raversijde.point.coords == fixture_point("Nieuwpoortsesteenweg", "600-999").coords
    assert centre.point.coords == fixture_point("Nieuwpoortsesteenweg", "1-299").coords
    assert raversijde.label == "Nieuwpoortsesteenweg 636, 8400 Oostende"


def test_an_exact_house_number_wins(geocoder):
    Address.objects.create(
        street="Kapellestraat",
        housenumber="12",
        postcode="8400",
        municipality="Oostende",
        point=point_at(2.92005, 51.22905),
    )

    (result,) = geocoder.search("kapellestraat 12")

    assert result.housenumber == "12"
    assert result.point.coords == pytest.approx((2.92005, 51.22905))


def test_an_unknown_house_number_gives_the_street_without_inventing_a_number(geocoder):
    (result,) = geocoder.search("Kapellestraat 900")
    assert (result.label, result.housenumber) == ("Kapellestraat, 8400 Oostende", "")


def test_a_house_number_typed_first_or_with_the_place_still_works(geocoder):
    assert labels(geocoder.search("12 Kapellestraat")) == ["Kapellestraat 12, 8400 Oostende"]
    assert labels(geocoder.search("Kapellestraat 12, 8400 Oostende")) == ["Kapellestraat 12, 8400 Oostende"]


@pytest.mark.parametrize("typed", ["Onbestaandestraat", "zzzz", "12", "--", "%", "_", "\\", "' OR 1=1 --"])
def test_nothing_found_is_an_empty_list(geocoder, typed):
    assert geocoder.search(typed) == []


def test_only_addresses_inside_the_city(geocoder):
    # Bredene, just over the border: a register of the region could hold it.
    bredene = reference_point("Bredene")
    Address.objects.create(street="Bredenestraat", postcode="8450", municipality="Bredene", point=bredene)

    assert geocoder.search("Bredenestraat") == []
    assert geocoder.reverse(project(bredene, metres=5)) is None


def test_a_search_is_two_queries(geocoder):
    with CaptureQueriesContext(connection) as ctx:
        geocoder.search("straat 12", limit=5)
    assert len(ctx.captured_queries) == 2


# --- Reverse ---------------------------------------------------------------------------------------------------


def test_reverse_names_the_nearest_address_with_its_distance(geocoder):
    pin = project(point_at(*WAPENPLEIN), metres=20, azimuth_deg=200)

    result = geocoder.reverse(pin)

    assert result.label == "Wapenplein, 8400 Oostende"
    assert result.distance_m == pytest.approx(20, abs=0.1)
    assert (result.point.x, result.point.y) == WAPENPLEIN


def test_reverse_on_a_stretch_names_the_street_only(geocoder):
    result = geocoder.reverse(fixture_point("Kapellestraat", "60-130"))
    assert (result.label, result.housenumber, result.distance_m) == ("Kapellestraat, 8400 Oostende", "", 0)


def test_reverse_names_a_known_house_number(geocoder):
    Address.objects.create(
        street="Langestraat",
        housenumber="69",
        postcode="8400",
        municipality="Oostende",
        point=point_at(2.92250, 51.23180),
    )

    result = geocoder.reverse(project(point_at(2.92250, 51.23180), metres=3))

    assert result.label == "Langestraat 69, 8400 Oostende"


def test_nothing_within_the_radius_is_none(geocoder, settings):
    polders = reference_point("Zandvoorde polders (buitengebied)")
    assert geocoder.reverse(polders) is None

    wapenplein = point_at(*WAPENPLEIN)
    settings.GEOCODING_REVERSE_RADIUS_M = 30
    assert geocoder.reverse(project(wapenplein, metres=25, azimuth_deg=200)) is not None
    assert geocoder.reverse(project(wapenplein, metres=35, azimuth_deg=200)) is None


def test_reverse_is_one_query_on_the_spatial_index(geocoder):
    with CaptureQueriesContext(connection) as ctx:
        geocoder.reverse(point_at(*WAPENPLEIN))
    (query,) = ctx.captured_queries
    assert "ST_DWithin" in query["sql"]
    assert "ST_DistanceSphere" not in query["sql"]
