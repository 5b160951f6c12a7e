"""Discovery, services and services/{code} in XML (parsed, the spec's field list) and JSON; errors as the spec says."""

import pytest

from geo_meldpunt.reports.models import Kind
from tests.factories import CategoryFactory

from .conftest import BASE, xml_errors, xml_of

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
]  # fmt: skip


def test_discovery_names_the_v2_endpoint_and_both_formats(client):
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    body = client.get(f"{BASE}/discovery.json").json()
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2"


def test_services_are_the_active_categories_that_take_reports(client, category):
    suggestions_only = CategoryFactory(kinds=[Kind.SUGGESTIE])
    retired = CategoryFactory(active=False)
    child = CategoryFactory(parent=category, name_nl="Tegel bij een boom", name_fr="Dalle près d'un arbre")

    root = xml_of(client.get(f"{BASE}/services.xml"))

    assert root.tag == "services"
    services = {s.findtext("service_code"): s for s in root.findall("service")}
    assert category.slug in services and child.slug in services
    assert suggestions_only.slug not in services and retired.slug not in services
    assert "wegdek-put" in services  # the city's own categories
    for service in services.values():
        assert [c.tag for c in service] == SERVICE_FIELDS
        assert service.findtext("metadata") == "true"
        assert service.findtext("type") == "realtime"
    assert services[child.slug].findtext("service_name") == "Tegel bij een boom"
    assert services[child.slug].findtext("group") == "Losliggende tegel"
    assert "Dalle près d'un arbre" in services[child.slug].findtext("keywords")

    body = client.get(f"{BASE}/services.json").json()
    by_code = {s["service_code"]: s for s in body}
    assert list(by_code[child.slug]) == SERVICE_FIELDS
    assert by_code[child.slug]["metadata"] is True
    assert by_code[child.slug]["group"] == "Losliggende tegel"


def test_service_names_follow_accept_language(client, category):
    body = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {s["service_code"]: s["service_name"] for s in body}[category.slug] == "Loose paving stone"


def test_a_service_definition_describes_the_felt_impact(client, category):
    root = xml_of(client.get(f"{BASE}/services/{category.slug}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == category.slug
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == ATTRIBUTE_FIELDS
    assert attribute.findtext("code") == "impact"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.findtext("required") == "false"
    assert attribute.findtext("description") == "Beleving"
    assert [(v.findtext("key"), v.findtext("name")) for v in attribute.findall("values/value")][0] == ("1", "1 op 5")

    body = client.get(f"{BASE}/services/{category.slug}.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["attributes"][0]["description"] == "Felt impact"
    assert [v["key"] for v in body["attributes"][0]["values"]] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_service_is_a_404_in_the_spec_error_format(client, fmt):
    response = client.get(f"{BASE}/services/geen-dienst.{fmt}")
    assert response.status_code == 404
    errors = xml_errors(response) if fmt == "xml" else [(str(e["code"]), e["description"]) for e in response.json()]
    assert errors == [("404", "service_code: Onbekende service_code “geen-dienst”.")]


def test_the_jurisdiction_is_optional_and_checked(client):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "oostende.be"}).status_code == 200
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "brugge.be"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert xml_errors(response) == [
        ("404", "jurisdiction_id: Unknown jurisdiction “brugge.be”: this server answers for oostende.be.")
    ]


def test_an_unknown_path_or_format_is_a_404_in_the_spec_error_format(client):
    for path in ["services.html", "services", "bestaat-niet.xml"]:
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404
        assert xml_errors(response) == [("404", "Op dit adres is er geen GeoReport-methode.")]
    response = client.get(f"{BASE}/bestaat-niet.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "There is no GeoReport method at this address."}]


def test_a_method_a_path_does_not_take_is_a_405_in_the_spec_error_format(client):
    response = client.post(f"{BASE}/services.xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert xml_errors(response) == [("405", "Dit adres neemt enkel GET.")]
    response = client.delete(f"{BASE}/requests.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response.json() == [{"code": 405, "description": "This address takes GET, POST only."}]
