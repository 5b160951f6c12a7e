"""POST requests: filed through the same report service as every channel (routing, gapless reference,
acknowledgement), on channel api with the key's application; every refusal in the spec's error format."""

import re

import pytest
from django.utils import timezone

from geo_meldpunt.clients.models import ApiKey
from geo_meldpunt.clients.services import api_key_create, api_keys_revoke
from geo_meldpunt.geocoding.models import Address
from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import Channel, Report

from .conftest import BASE, form, xml_errors, xml_of

pytestmark = pytest.mark.django_db


def test_a_request_is_filed_as_a_report_of_the_key_s_application(client, api_key, application, category):
    response = client.post(f"{BASE}/requests.xml", form(category, api_key))

    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [c.tag for c in request] == ["service_request_id", "token", "service_notice", "account_id"]
    reference = request.findtext("service_request_id")
    assert re.fullmatch(rf"OST-{timezone.localdate().year}-\d{{6}}", reference)
    report = Report.objects.get(reference=reference)
    assert request.findtext("token") == report.tracking_token
    assert report.channel == Channel.API
    assert report.client_application == application
    assert report.category == category and report.department == category.department
    assert report.kind == "melding" and report.impact == 3
    assert report.reporter_name == "Jan Peeters" and report.reporter_email == "jan.peeters@example.org"
    assert report.reporter_phone == "+32 59 12 34 56"
    assert (report.point.x, report.point.y) == (2.9196, 51.2297)
    assert category.department.name_nl in request.findtext("service_notice")
    # The acknowledgement goes out as for any report.
    assert OutgoingEmail.objects.filter(
        report=report, template_key=TemplateKey.ACKNOWLEDGEMENT, to="jan.peeters@example.org"
    ).exists()


def test_references_stay_gapless_across_channels(client, api_key, category, api_client):
    first = client.post(f"{BASE}/requests.json", form(category, api_key)).json()[0]["service_request_id"]
    rest = api_client.post(
        "/api/v1/reports/",
        {"kind": "melding", "category": category.slug, "lat": 51.2297, "lon": 2.9196, "description": "Tegel."},
        format="json",
    ).json()["reference"]
    second = client.post(f"{BASE}/requests.json", form(category, api_key)).json()[0]["service_request_id"]
    numbers = [int(ref.rsplit("-", 1)[1]) for ref in (first, rest, second)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_an_address_string_is_found_in_the_city_s_address_table(client, api_key, category):
    response = client.post(
        f"{BASE}/requests.json", form(category, api_key, lat=None, long=None, address_string="Wapenplein")
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()[0]["service_request_id"])
    assert report.address.startswith("Wapenplein")
    assert report.point.distance(Address.objects.get(street="Wapenplein").point) < 1e-6


def test_an_address_id_names_a_row_of_the_address_table(client, api_key, category):
    address = Address.objects.get(street="Wapenplein")
    response = client.post(f"{BASE}/requests.json", form(category, api_key, lat=None, long=None, address_id=address.pk))
    assert response.status_code == 201, response.content
    assert Report.objects.get(reference=response.json()[0]["service_request_id"]).address.startswith("Wapenplein")


def test_a_media_url_is_kept_as_a_link(client, api_key, category):
    url = "https://img.example.org/tegel.jpg"
    body = client.post(f"{BASE}/requests.json", form(category, api_key, media_url=url)).json()
    assert Report.objects.get(reference=body[0]["service_request_id"]).media_url == url


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_or_wrong_key_is_a_403_and_files_nothing(client, api_key, category, fmt):
    for key, message in [
        ("", "api_key: Geef de API-sleutel van uw toepassing (api_key)."),
        ("niet-de-sleutel", "api_key: Deze API-sleutel is niet geldig, of hij werd ingetrokken."),
    ]:
        response = client.post(f"{BASE}/requests.{fmt}", form(category, key))
        assert response.status_code == 403
        errors = xml_errors(response) if fmt == "xml" else [(str(e["code"]), e["description"]) for e in response.json()]
        assert errors == [("403", message)]
    assert not Report.objects.exists()


def test_a_revoked_key_stops_working_at_once(client, api_key, category):
    assert client.post(f"{BASE}/requests.json", form(category, api_key)).status_code == 201
    api_keys_revoke(keys=ApiKey.objects.all())
    response = client.post(f"{BASE}/requests.json", form(category, api_key), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "api_key: This API key is not valid, or it was revoked."}]
    assert Report.objects.count() == 1


def test_each_key_has_its_own_rate_limit(client, application, category):
    _key, tight = api_key_create(application=application, rate_limit_per_hour=2)
    _key, other = api_key_create(application=application)
    assert [client.post(f"{BASE}/requests.json", form(category, tight)).status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    refused = client.post(f"{BASE}/requests.xml", form(category, tight), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3601
    assert xml_errors(refused) == [
        ("429", "api_key: This API key made more than 2 requests this hour. Try again later.")
    ]
    assert client.post(f"{BASE}/requests.json", form(category, other)).status_code == 201
    assert Report.objects.count() == 3


def errors_of(response) -> list[str]:
    assert response.status_code == 400, response.content
    return [e["description"] for e in response.json()]


@pytest.mark.parametrize(
    ("overrides", "dutch", "english"),
    [
        ({"service_code": None}, "service_code: Dit veld is vereist.", "service_code: This field is required."),
        (
            {"service_code": "geen-dienst"},
            "service_code: Onbekende service_code “geen-dienst”.",
            "service_code: Unknown service_code “geen-dienst”.",
        ),
        (
            {"lat": None, "long": None},
            "Zeg waar het is: lat en long, address_string of address_id.",
            "Say where it is: lat and long, address_string or address_id.",
        ),
        (
            {"long": None},
            "long: Geef de lengtegraad samen met de breedtegraad op.",
            "long: Give the longitude together with the latitude.",
        ),
        ({"lat": "noord"}, "lat: Een geldig nummer is vereist.", "lat: A valid number is required."),
        (
            {"lat": None, "long": None, "address_string": "Nergensstraat 999"},
            "address_string: Geen adres in de stad komt overeen met “Nergensstraat 999”.",
            "address_string: No address in the city matches “Nergensstraat 999”.",
        ),
        (
            {"lat": None, "long": None, "address_id": "999999999"},
            "address_id: Onbekende address_id “999999999”.",
            "address_id: Unknown address_id “999999999”.",
        ),
        ({"description": ""}, "description: Dit veld mag niet leeg zijn.", "description: This field may not be blank."),
        (
            {"description": "x" * 4001},
            "description: Zorg ervoor dat dit veld niet meer dan 4000 karakters bevat.",
            "description: Ensure this field has no more than 4000 characters.",
        ),
        (
            {"attribute[impact]": "9"},
            "attribute[impact]: Geef de beleving als een geheel getal van 1 tot 5.",
            "attribute[impact]: Give the felt impact as a whole number from 1 to 5.",
        ),
        (
            {"attribute[kleur]": "rood"},
            "attribute[kleur]: Deze dienst heeft geen attribuut “kleur”.",
            "attribute[kleur]: This service has no attribute “kleur”.",
        ),
        ({"email": "geen-adres"}, "email: Voer een geldig e-mailadres in.", "email: Enter a valid email address."),
        ({"media_url": "geen url"}, "media_url: Voer een geldige URL in.", "media_url: Enter a valid URL."),
        (
            {"lat": "40.0", "long": "-3.7"},
            None,  # outside the city: routing's own message
            None,
        ),
    ],
)
def test_bad_input_is_a_400_with_field_messages_in_dutch_or_english(
    client, api_key, category, overrides, dutch, english
):
    data = form(category, api_key, **overrides)
    nl = errors_of(client.post(f"{BASE}/requests.json", data))
    en = errors_of(client.post(f"{BASE}/requests.json", data, HTTP_ACCEPT_LANGUAGE="en"))
    if dutch is None:
        assert len(nl) == 1 and nl[0].startswith("location: ") and nl != en
    else:
        assert nl == [dutch]
        assert en == [english]
    assert not Report.objects.exists()


@pytest.mark.parametrize("field", ["description", "first_name", "address_string", "service_code", "api_key"])
def test_a_nul_character_anywhere_is_refused_not_a_500(client, api_key, category, field):
    data = form(category, api_key)
    data[field] = data.get(field, "Wapenplein") + "\x00"
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code in (400, 403), response.content
    assert not Report.objects.exists()


def test_a_wrong_jurisdiction_on_post_is_a_404(client, api_key, category):
    response = client.post(f"{BASE}/requests.json", form(category, api_key, jurisdiction_id="gent.be"))
    assert response.status_code == 404
    assert not Report.objects.exists()
