"""No public endpoint ever returns the reporter's name, e-mail, phone or tracking token (nor the description)."""

import pytest

from geo_meldpunt.reports.models import Report
from tests.factories import WAPENPLEIN, CategoryFactory, image_bytes, upload

pytestmark = pytest.mark.django_db

LON, LAT = WAPENPLEIN
NAME = "Zoë Vanderprivacy"
EMAIL = "zoe.vanderprivacy.4711@example.org"
PHONE = "+32 470 99 88 77"
DESCRIPTION = "Mijn buurman Karel Geheimsma (0499 11 22 33) laat zijn hond hier telkens los."


@pytest.fixture
def filed(api_client):
    """A report with distinctive personal data, filed through the API with a photo."""
    category = CategoryFactory(slug="t-hondenpoep", name_nl="Hondenpoep")
    response = api_client.post(
        "/api/v1/reports/",
        {
            "kind": "melding",
            "category": category.slug,
            "lat": LAT,
            "lon": LON,
            "description": DESCRIPTION,
            "reporter_name": NAME,
            "reporter_email": EMAIL,
            "reporter_phone": PHONE,
            "photos": [upload("IMG_Zoe_Vanderprivacy.jpg", image_bytes(gps=True))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    return category, report


def secrets_of(report) -> list[str]:
    return [NAME, "Vanderprivacy", EMAIL, "4711", PHONE, "99 88 77", "Geheimsma", report.tracking_token]


def public_responses(client, category, report):
    """Every public endpoint, asked in a way that should include this report where it can."""
    query = {"lat": LAT, "lon": LON, "category": category.slug}
    yield "list", client.get("/api/v1/reports/")
    yield (
        "list filtered",
        client.get(
            "/api/v1/reports/", {"bbox": "2.91,51.225,2.93,51.235", "category": category.slug, "status": "nieuw"}
        ),
    )
    yield "list in English", client.get("/api/v1/reports/", HTTP_ACCEPT_LANGUAGE="en")
    yield "nearby", client.get("/api/v1/reports/nearby/", query)
    yield "follow", client.post(f"/api/v1/reports/{report.reference}/follow/", {"email": "buur@example.org"})
    yield "follow again", client.post(f"/api/v1/reports/{report.reference}/follow/", {"email": "buur@example.org"})
    yield "categories", client.get("/api/v1/categories/")
    yield "routing preview", client.get("/api/v1/routing/preview/", query)
    yield "schema", client.get("/api/schema/")


def test_no_public_endpoint_returns_personal_data(api_client, filed):
    category, report = filed
    seen = []
    for name, response in public_responses(api_client, category, report):
        assert response.status_code in (200, 201), (name, response.status_code)
        body = response.content.decode()
        headers = str(dict(response.items()))
        for secret in secrets_of(report):
            assert secret not in body, f"{name} shows {secret!r}"
            assert secret not in headers, f"{name} headers show {secret!r}"
        seen.append((name, report.reference in body))
    # The searches above would have found the data: the report is in the list, nearby and follow answers.
    assert dict(seen)["list"] and dict(seen)["list filtered"] and dict(seen)["nearby"] and dict(seen)["follow"]


def test_the_tracking_page_shows_no_contact_details(api_client, filed):
    """The holder of the link sees their report, not the name, e-mail or phone (links get forwarded)."""
    _category, report = filed
    body = api_client.get(f"/api/v1/track/{report.tracking_token}/").content.decode()
    for secret in (NAME, EMAIL, PHONE):
        assert secret not in body
    assert report.reference in body


def test_the_stored_photo_name_does_not_carry_the_uploaded_file_name(filed):
    _category, report = filed
    (photo,) = report.photos.all()
    assert "Zoe" not in photo.image.name and "Vanderprivacy" not in photo.image.name
