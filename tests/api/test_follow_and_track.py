"""POST /api/v1/reports/<reference>/follow/ and GET /api/v1/track/<token>/."""

import pytest

from geo_meldpunt.notifications.models import TemplateKey
from geo_meldpunt.reports.models import Follower, ReportEvent, Status
from geo_meldpunt.staff.groups import PHONE_DESK
from tests.factories import CategoryFactory, ReportFactory, image_bytes, upload
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db


def follow_url(report) -> str:
    return f"/api/v1/reports/{report.reference}/follow/"


def track_url(report) -> str:
    return f"/api/v1/track/{report.tracking_token}/"


# --- Follow ----------------------------------------------------------------------------------------------


def test_following_a_report_is_201_and_records_the_follower(api_client):
    report = ReportFactory()

    response = api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == report.reference
    assert body["following"] is True
    assert body["message"]
    follower = Follower.objects.get(report=report)
    assert follower.email == "buur@example.org"
    assert follower.language == "nl"


def test_a_new_follower_is_asked_to_confirm_the_address_first(api_client):
    report = ReportFactory()

    body = api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json").json()

    assert body["confirmed"] is False
    assert body["message"].startswith("Kijk in uw mailbox: bevestig uw e-mailadres")
    follower = Follower.objects.get(report=report)
    assert follower.confirmed_at is None
    (email,) = report.emails.filter(template_key=TemplateKey.FOLLOW_CONFIRMATION)
    assert email.to == "buur@example.org" and follower.token in email.body


def test_a_follower_entered_by_the_phone_desk_is_confirmed_at_once(api_client):
    report = ReportFactory()
    api_client.force_login(staff_user(PHONE_DESK))

    body = api_client.post(follow_url(report), {"email": "beller@example.org"}, format="json").json()

    assert body["confirmed"] is True
    assert Follower.objects.get(report=report).confirmed_at is not None
    assert not report.emails.filter(template_key=TemplateKey.FOLLOW_CONFIRMATION).exists()


def test_following_twice_is_200_and_keeps_one_follower(api_client):
    report = ReportFactory()
    api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json")

    again = api_client.post(follow_url(report), {"email": " Buur@Example.org"}, format="json")

    assert again.status_code == 200
    assert again.json()["following"] is True
    assert Follower.objects.filter(report=report).count() == 1
    assert report.events.filter(event_type=ReportEvent.Type.FOLLOWED).count() == 1


def test_the_followers_language_is_kept(api_client):
    report = ReportFactory()
    api_client.post(follow_url(report), {"email": "visitor@example.org"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    api_client.post(follow_url(report), {"email": "gast@example.org", "language": "de"}, format="json")

    assert dict(Follower.objects.filter(report=report).values_list("email", "language")) == {
        "visitor@example.org": "en",
        "gast@example.org": "de",
    }


def test_a_form_post_works_too(api_client):
    report = ReportFactory()
    response = api_client.post(follow_url(report), {"email": "buur@example.org"})
    assert response.status_code == 201


@pytest.mark.parametrize("status", [Status.AFGESLOTEN, Status.BEANTWOORD, Status.SAMENGEVOEGD])
def test_a_closed_report_cannot_be_followed(api_client, status):
    report = ReportFactory(status=status)

    response = api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json")

    assert response.status_code == 400
    assert response.json()["reference"]
    assert not Follower.objects.filter(report=report).exists()


def test_an_unknown_reference_is_404(api_client):
    response = api_client.post("/api/v1/reports/OST-1999-000001/follow/", {"email": "buur@example.org"}, format="json")
    assert response.status_code == 404


def test_a_report_kept_off_the_public_map_cannot_be_followed(api_client):
    report = ReportFactory(category=CategoryFactory(is_public=False))

    response = api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json")

    assert response.status_code == 404
    assert not Follower.objects.exists()


# --- Track -----------------------------------------------------------------------------------------------


def test_tracking_shows_the_report_and_its_history(api_client):
    category = CategoryFactory(name_nl="Straatverlichting", name_en="Street lighting")
    report = ReportFactory(category=category, description="Lamp brandt niet.", impact=4, address="Kapellestraat 10")
    api_client.post(follow_url(report), {"email": "buur@example.org"}, format="json")

    response = api_client.get(track_url(report))

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == report.reference
    assert body["kind"] == "melding"
    assert body["kind_display"]
    assert body["category"]["slug"] == category.slug
    assert body["category"]["name"] == "Straatverlichting"
    assert body["status"] == Status.NIEUW
    assert body["status_display"]
    assert body["department"]["slug"] == report.department.slug
    assert body["location"] == {"type": "Point", "coordinates": pytest.approx([report.point.x, report.point.y])}
    assert body["address"] == "Kapellestraat 10"
    assert body["description"] == "Lamp brandt niet."
    assert body["impact"] == 4
    assert body["photos"] == []
    history = body["history"]
    assert [h["event_type"] for h in history] == [ReportEvent.Type.CREATED, ReportEvent.Type.FOLLOWED]
    assert history[0]["status"] == Status.NIEUW
    assert history[0]["department"] == report.department.name_nl
    assert history[0]["note"] == report.routing_reason
    assert history[0]["created_at"] <= history[1]["created_at"]


def test_tracking_leaves_out_history_the_reporter_may_not_see(api_client):
    report = ReportFactory()
    ReportEvent.objects.create(
        report=report, event_type=ReportEvent.Type.NOTE, note="Intern: buurman klaagt vaak.", public=False
    )

    history = api_client.get(track_url(report)).json()["history"]

    assert [h["event_type"] for h in history] == [ReportEvent.Type.CREATED]
    assert "Intern" not in str(history)


def test_tracking_follows_the_request_language(api_client):
    report = ReportFactory(category=CategoryFactory(name_nl="Straatverlichting", name_en="Street lighting"))
    body = api_client.get(track_url(report), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["category"]["name"] == "Street lighting"


def test_tracking_lists_the_stored_photos_as_absolute_urls(api_client):
    data = {
        "kind": "melding",
        "category": CategoryFactory().slug,
        "lat": 51.2297,
        "lon": 2.9196,
        "description": "Gat in de weg.",
        "photos": [upload("gat.jpg", image_bytes())],
    }
    created = api_client.post("/api/v1/reports/", data, format="multipart").json()
    token = created["tracking_url"].rstrip("/").rsplit("/", 1)[1]

    photos = api_client.get(f"/api/v1/track/{token}/").json()["photos"]

    assert len(photos) == 1
    assert photos[0].startswith("http://testserver/media/reports/")
    assert created["reference"] in photos[0]


def test_tracking_a_report_without_location(api_client):
    report = ReportFactory(kind="suggestie", point=None)
    body = api_client.get(track_url(report)).json()
    assert body["location"] is None


def test_an_unknown_token_is_404_with_a_message(api_client):
    response = api_client.get("/api/v1/track/dit-is-geen-geldige-code/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_reference_is_not_a_tracking_token(api_client):
    report = ReportFactory()
    assert api_client.get(f"/api/v1/track/{report.reference}/").status_code == 404
