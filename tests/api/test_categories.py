"""GET /api/v1/categories/: what a reporter can choose, named in their language."""

import pytest

from geo_meldpunt.reports.models import Category
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories/"


def by_slug(response) -> dict[str, dict]:
    assert response.status_code == 200
    return {c["slug"]: c for c in response.json()}


def test_each_category_has_slug_name_parent_and_kinds(api_client):
    parent = CategoryFactory(slug="t-openbaar-domein", name_nl="Openbaar domein", kinds=["melding", "suggestie"])
    CategoryFactory(slug="t-zwerfvuil", parent=parent, name_nl="Zwerfvuil", name_en="Litter", kinds=["melding"])

    categories = by_slug(api_client.get(URL))

    assert categories["t-zwerfvuil"]["name"] == "Zwerfvuil"
    assert categories["t-zwerfvuil"]["parent"] == "t-openbaar-domein"
    assert categories["t-zwerfvuil"]["kinds"] == ["melding"]
    assert categories["t-openbaar-domein"]["parent"] is None
    assert sorted(categories["t-openbaar-domein"]["kinds"]) == ["melding", "suggestie"]


def test_every_active_category_is_listed_once(api_client):
    response = api_client.get(URL)
    slugs = [c["slug"] for c in response.json()]
    assert len(slugs) == len(set(slugs))
    assert sorted(slugs) == sorted(Category.objects.filter(active=True).values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "Zwerfvuil"),
        ("nl-BE,nl;q=0.9", "Zwerfvuil"),
        ("en", "Litter"),
        ("en-GB,en;q=0.8", "Litter"),
        ("de", "Abfall"),
        ("fr", "Zwerfvuil"),
    ],  # no French name: the Dutch one stands in
)
def test_names_follow_accept_language(api_client, accept_language, expected):
    CategoryFactory(slug="t-zwerfvuil", name_nl="Zwerfvuil", name_en="Litter", name_de="Abfall", name_fr="")
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    categories = by_slug(api_client.get(URL, **headers))

    assert categories["t-zwerfvuil"]["name"] == expected


def test_a_retired_category_is_not_offered(api_client):
    CategoryFactory(slug="t-oud", active=False)
    assert "t-oud" not in by_slug(api_client.get(URL))


def test_the_reference_categories_are_offered_with_names_in_english(api_client):
    nl = by_slug(api_client.get(URL))
    en = by_slug(api_client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    reference = Category.objects.filter(active=True).exclude(name_en="")
    assert reference.exists()
    for category in reference:
        assert nl[category.slug]["name"] == category.name_nl
        assert en[category.slug]["name"] == category.name_en
