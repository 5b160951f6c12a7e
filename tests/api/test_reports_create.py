"""POST /api/v1/reports/: a report filed by JSON or multipart comes back with its reference, handler and link."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from geo_meldpunt.reports.models import Report, ReportEvent, ReportPhoto, Status
from geo_meldpunt.zones.models import Department, ZoneType
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    RoutingRuleFactory,
    image_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
LON, LAT = WAPENPLEIN


def payload(category, **overrides) -> dict:
    data = {
        "kind": "melding",
        "category": category.slug,
        "lat": LAT,
        "lon": LON,
        "description": "Losliggende stoeptegel voor het stadhuis.",
        "impact": 3,
        "reporter_name": "Jan Peeters",
        "reporter_email": "jan.peeters@example.org",
        "reporter_phone": "+32 59 12 34 56",
    }
    data.update(overrides)
    return data


def test_json_report_is_created_routed_and_answered_with_reference_and_tracking_link(api_client):
    category = CategoryFactory(name_nl="Losliggende tegel")

    response = api_client.post(URL, payload(category), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    year = timezone.localdate().year
    assert re.fullmatch(rf"OST-{year}-\d{{6}}", body["reference"])
    assert body["kind"] == "melding"
    assert body["category"] == category.slug
    assert body["status"] == Status.NIEUW
    assert body["department"] == {
        "slug": category.department.slug,
        "name": category.department.name_nl,
        "is_external": False,
    }
    # The Wapenplein lies in the wijk Centrum: the report records the neighbourhood.
    assert body["zone"] == {"slug": "centrum", "name": body["zone"]["name"], "zone_type": ZoneType.WIJK}
    assert body["routing_reason"]
    report = Report.objects.get(reference=body["reference"])
    expected_url = f"{settings.MELDPUNT_PUBLIC_URL.rstrip('/')}/volg/{report.tracking_token}/"
    assert body["tracking_url"] == expected_url
    assert response["Location"] == expected_url
    # Stored as sent, with its first history event.
    assert (report.point.x, report.point.y) == pytest.approx((LON, LAT))
    assert report.description == "Losliggende stoeptegel voor het stadhuis."
    assert report.impact == 3
    assert report.reporter_email == "jan.peeters@example.org"
    assert report.department == category.department
    assert report.zone.slug == "centrum"
    assert list(report.events.values_list("event_type", "to_status")) == [(ReportEvent.Type.CREATED, Status.NIEUW)]


def test_the_tracking_link_of_a_new_report_opens_its_tracking_answer(api_client):
    body = api_client.post(URL, payload(CategoryFactory()), format="json").json()
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[1]

    track = api_client.get(f"/api/v1/track/{token}/")

    assert track.status_code == 200
    assert track.json()["reference"] == body["reference"]


def test_a_geojson_location_is_accepted_instead_of_lat_and_lon(api_client):
    data = payload(CategoryFactory())
    del data["lat"], data["lon"]
    data["location"] = {"type": "Point", "coordinates": [LON, LAT]}

    response = api_client.post(URL, data, format="json")

    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert (report.point.x, report.point.y) == pytest.approx((LON, LAT))


def test_a_routing_rule_sends_the_report_to_the_rules_department(api_client):
    category = CategoryFactory()
    handler = DepartmentFactory(name_nl="Wijkwerking")
    RoutingRuleFactory(category=category, zone_type=ZoneType.WIJK, department=handler)

    body = api_client.post(URL, payload(category), format="json").json()

    assert body["department"]["slug"] == handler.slug
    assert body["zone"]["slug"] == "centrum"


def test_a_suggestion_needs_no_location(api_client):
    data = payload(CategoryFactory(), kind="suggestie")
    del data["lat"], data["lon"]

    response = api_client.post(URL, data, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["zone"] is None
    assert Report.objects.get(reference=response.json()["reference"]).point is None


def test_multipart_with_photos(api_client):
    category = CategoryFactory()
    data = payload(category)
    data["photos"] = [
        upload("voorkant.jpg", image_bytes(size=(80, 60))),
        upload("detail.png", image_bytes(fmt="PNG", size=(30, 40)), "image/png"),
    ]

    response = api_client.post(URL, data, format="multipart")

    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    photos = list(report.photos.order_by("id"))
    assert [(p.width, p.height) for p in photos] == [(80, 60), (30, 40)]
    for photo in photos:
        assert photo.size > 0
        assert photo.image.storage.exists(photo.image.name)
        assert report.reference in photo.image.name
    # The stored names are new ones: the reporter's file names say nothing to anyone else.
    assert not any("voorkant" in p.image.name or "detail" in p.image.name for p in photos)


def test_multipart_with_a_geojson_location_and_an_empty_impact(api_client):
    """A plain HTML form sends every field as text; an untouched impact arrives as an empty string."""
    data = payload(CategoryFactory(), impact="")
    del data["lat"], data["lon"]
    data["location"] = json.dumps({"type": "Point", "coordinates": [LON, LAT]})
    data["photos"] = [upload("a.jpg", image_bytes())]

    response = api_client.post(URL, data, format="multipart")

    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.impact is None
    assert report.photos.count() == 1


def test_multipart_without_photos(api_client):
    response = api_client.post(URL, payload(CategoryFactory()), format="multipart")

    assert response.status_code == 201, response.content
    assert ReportPhoto.objects.filter(report__reference=response.json()["reference"]).count() == 0


def test_an_external_handler_is_marked_external(api_client):
    fluvius = DepartmentFactory(name_nl="Fluvius", is_external=True)
    category = CategoryFactory(department=fluvius)

    body = api_client.post(URL, payload(category), format="json").json()

    assert body["department"] == {"slug": fluvius.slug, "name": "Fluvius", "is_external": True}


def test_logged_in_staff_may_use_a_staff_channel(api_client, django_user_model):
    warden = django_user_model.objects.create_user("wacht", password="x", is_staff=True)
    api_client.force_authenticate(warden)

    response = api_client.post(URL, payload(CategoryFactory(), channel="field"), format="json")

    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.channel == "field"
    assert report.created_by == warden


@pytest.mark.parametrize(
    ("kind", "days", "working"),
    [("klacht", 45, False), ("suggestie", 30, False), ("melding", 7, True)],
)
def test_the_reporter_is_told_when_to_expect_an_answer(api_client, kind, days, working):
    from geo_meldpunt.reports.sla import add_working_days

    category = CategoryFactory(answer_days=7, working_days=True)
    response = api_client.post(URL, payload(category, kind=kind), format="json")
    assert response.status_code == 201, response.json()
    today = timezone.localdate()
    expected = add_working_days(today, days) if working else today + datetime.timedelta(days=days)
    assert response.json()["expected_answer_date"] == expected.isoformat()


def test_a_compliment_expects_no_answer_date(api_client):
    category = CategoryFactory(kinds=["compliment"])
    response = api_client.post(URL, payload(category, kind="compliment"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["expected_answer_date"] is None


# --- Compliments name their service ------------------------------------------------------------------------


def compliment_payload(**overrides) -> dict:
    data = {
        "kind": "compliment",
        "category": "compliment-medewerker",
        "description": "Heel vriendelijk geholpen door de parkwachter.",
        "reporter_email": "an@example.org",
    }
    data.update(overrides)
    return data


def test_the_services_a_compliment_may_name_are_listed_in_the_askers_language(api_client):
    services = api_client.get("/api/v1/compliment-departments/", HTTP_ACCEPT_LANGUAGE="fr").json()

    by_slug = {service["slug"]: service["name"] for service in services}
    assert by_slug["groendienst"] == "Service des espaces verts"
    assert "meldpunt" in by_slug  # the meldpunt's own desk may be praised too
    assert not {"fluvius", "awv", "politie"} & set(by_slug)  # outside bodies are not the city's services
    assert set(services[0]) == {"slug", "name"}


@pytest.mark.parametrize("by", ["slug", "id"])
def test_a_compliment_names_its_service_by_slug_or_id_and_goes_there_at_once(api_client, by):
    groen = Department.objects.get(slug="groendienst")
    named = groen.slug if by == "slug" else groen.pk

    response = api_client.post(
        URL, compliment_payload(compliment_department=named, compliment_staff_member="Jef"), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"]["slug"] == "groendienst"
    assert body["status"] == Status.DOORGEGEVEN
    assert "compliment_staff_member" not in body  # a city employee's name stays out of public answers
    report = Report.objects.get(reference=body["reference"])
    assert (report.department, report.compliment_staff_member, report.point) == (groen, "Jef", None)


def test_a_compliment_form_with_an_empty_service_goes_to_the_coordinator(api_client):
    response = api_client.post(
        URL, compliment_payload(compliment_department="", compliment_staff_member=""), format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["department"]["slug"] == "meldpunt"
    assert response.json()["status"] == Status.NIEUW


@pytest.mark.parametrize(
    ("named", "change", "message_nl", "message_en"),
    [
        ("bestaat-niet", None, "Onbekende dienst", "Unknown department"),
        ("fluvius", None, "geen stadsdienst", "not a city service"),
        ("groendienst", {"active": False}, "niet meer in gebruik", "no longer in use"),
    ],
)
def test_a_wrong_external_or_inactive_service_is_a_field_error_in_the_callers_language(
    api_client, named, change, message_nl, message_en
):
    if change:
        Department.objects.filter(slug=named).update(**change)
    for language, message in (("nl", message_nl), ("en", message_en)):
        response = api_client.post(
            URL, compliment_payload(compliment_department=named), format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert list(response.json()) == ["compliment_department"]
        assert message in response.json()["compliment_department"][0]
    assert Report.objects.count() == 0


def test_a_melding_cannot_name_its_department(api_client):
    category = CategoryFactory()
    response = api_client.post(URL, payload(category, compliment_department="groendienst"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["compliment_department"]
    assert Report.objects.count() == 0
