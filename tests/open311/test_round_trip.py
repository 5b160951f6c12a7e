"""A round trip as a 311 app makes it: POST a request, find it by id and by token, see it close when a handler
answers it through the workflow's one choke point."""

import pytest

from geo_meldpunt.reports.models import Report
from geo_meldpunt.reports.services import report_answer
from geo_meldpunt.staff.roles import HANDLER
from tests.staff.helpers import staff_user

from .conftest import BASE, form, xml_errors, xml_of

pytestmark = pytest.mark.django_db


def test_post_find_by_id_and_token_then_closed_when_answered(client, api_key, category):
    created = xml_of(client.post(f"{BASE}/requests.xml", form(category, api_key))).find("request")
    reference, token = created.findtext("service_request_id"), created.findtext("token")

    by_token = xml_of(client.get(f"{BASE}/tokens/{token}.xml")).find("request")
    assert [c.tag for c in by_token] == ["service_request_id", "token"]
    assert by_token.findtext("service_request_id") == reference
    assert client.get(f"{BASE}/tokens/{token}.json").json() == [{"service_request_id": reference, "token": token}]

    before = xml_of(client.get(f"{BASE}/requests/{reference}.xml")).find("request")
    assert before.findtext("status") == "open"
    assert before.findtext("status_notes") == "nieuw"

    handler = staff_user(HANDLER, departments=[category.department])
    report_answer(report=Report.objects.get(reference=reference), by=handler, text="De tegel ligt weer vast.")

    after = xml_of(client.get(f"{BASE}/requests/{reference}.xml")).find("request")
    assert after.findtext("status") == "closed"
    assert after.findtext("status_notes") == "beantwoord"
    assert after.findtext("updated_datetime") >= before.findtext("updated_datetime")
    listed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in listed] == [reference]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_token_is_a_404(client, fmt):
    response = client.get(f"{BASE}/tokens/onbekend.{fmt}")
    assert response.status_code == 404
    errors = xml_errors(response) if fmt == "xml" else [(str(e["code"]), e["description"]) for e in response.json()]
    assert errors == [("404", "token: Onbekend token.")]
