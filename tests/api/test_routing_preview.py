"""GET /api/v1/routing/preview/: which department would handle a report here, and why."""

import pytest

from geo_meldpunt.zones.models import ZoneType
from tests.factories import WAPENPLEIN, CategoryFactory, DepartmentFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/routing/preview/"
LON, LAT = WAPENPLEIN


def preview(api_client, category, lon=LON, lat=LAT, **headers):
    return api_client.get(URL, {"lat": lat, "lon": lon, "category": category.slug}, **headers)


def test_a_rule_names_the_department_the_zone_and_the_reason(api_client):
    category = CategoryFactory(name_nl="Wegdek", name_en="Road surface")
    handler = DepartmentFactory(name_nl="Wegen", name_en="Roads")
    RoutingRuleFactory(category=category, zone_type=ZoneType.WIJK, department=handler)

    response = preview(api_client, category)

    assert response.status_code == 200
    body = response.json()
    assert body["department"] == {"slug": handler.slug, "name": "Wegen", "is_external": False}
    assert body["zone"]["slug"] == "centrum"
    assert body["zone"]["zone_type"] == ZoneType.WIJK
    assert body["routable"] is True
    assert "Wegdek" in body["reason"] and "Wegen" in body["reason"]


def test_the_reason_is_in_the_request_language(api_client):
    category = CategoryFactory(name_nl="Wegdek", name_en="Road surface")
    RoutingRuleFactory(category=category, department=DepartmentFactory(name_nl="Wegen", name_en="Roads"))

    body = preview(api_client, category, HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["department"]["name"] == "Roads"
    assert "Road surface" in body["reason"] and "Roads" in body["reason"]


def test_without_a_rule_the_categorys_default_department(api_client):
    category = CategoryFactory()

    body = preview(api_client, category).json()

    assert body["department"]["slug"] == category.department.slug
    assert body["routable"] is True
    assert body["zone"]["slug"] == "centrum"


def test_without_rule_or_default_the_coordinator_gets_it_unroutable(api_client):
    category = CategoryFactory(department=None)

    body = preview(api_client, category, HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["department"]["slug"] == "meldpunt"
    assert body["routable"] is False
    assert "not routable" in body["reason"].lower()


def test_preview_writes_nothing(api_client, django_assert_max_num_queries):
    category = CategoryFactory()
    with django_assert_max_num_queries(4) as queries:
        assert preview(api_client, category).status_code == 200
    assert not [q for q in queries.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
