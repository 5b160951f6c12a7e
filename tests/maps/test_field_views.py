"""The field page /veld/ without a browser: who may open it, what it offers, its manifest and service worker, and
its JSON (around me, mine, following and confirming a report)."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo_meldpunt.reports.models import Channel, Follower, ReportEvent, Status
from geo_meldpunt.staff.groups import FIELD_STAFF
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, image_bytes, point_at, project
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

PAGE = "/veld/"
HERE = point_at(*WAPENPLEIN)


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


@pytest.fixture
def warden():
    user = staff_user(FIELD_STAFF, username="wacht-jan")
    user.is_staff = False  # a role is enough
    user.email = "jan.wacht@oostende.be"
    user.save()
    return user


@pytest.fixture
def logged_in(client, warden):
    client.force_login(warden)
    return client


# --- Who may open it ----------------------------------------------------------------------------------------


def test_logged_out_the_page_sends_to_the_back_office_login_and_back(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == "/behandeling/login/?next=/veld/"


def test_a_user_without_a_role_or_staff_status_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="burger"))

    assert client.get(PAGE).status_code == 403
    assert client.get("/veld/in-de-buurt/?lat=51.2297&lon=2.9196").status_code == 403


def test_the_json_answers_401_when_logged_out(client):
    response = client.get("/veld/sessie/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_session_gives_the_user_and_a_csrf_token(logged_in, warden):
    body = logged_in.get("/veld/sessie/").json()

    assert body["user"] == {"id": warden.pk}
    assert len(body["csrf_token"]) == 64


# --- The page ----------------------------------------------------------------------------------------------------


def test_the_page_offers_the_wardens_most_used_categories_first_in_dutch(logged_in, warden):
    for slug, count in (("graffiti", 2), ("wegdek-put", 1)):
        for _ in range(count):
            ReportFactory(category=CategoryFactory._meta.model.objects.get(slug=slug), created_by=warden)

    response = logged_in.get(PAGE)
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert re.findall(r'name="frequent" id="frequent-([^"]+)"', html) == ["graffiti", "wegdek-put"]
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert '<link rel="manifest" href="/veld/manifest.webmanifest">' in html
    config = json_script(html, "field-config")
    assert (config["kind"], config["channel"], config["around_radius_m"]) == ("melding", "field", 300)
    assert config["urls"]["reports"] == "/api/v1/reports/"
    assert config["urls"]["worker"] == "/veld/sw.js" and config["urls"]["scope"] == "/veld/"
    # Only categories that take a melding: no compliments, no service complaints.
    slugs = {c["slug"] for c in config["categories"]}
    assert "graffiti" in slugs and "houding-medewerker" not in slugs and "ideeen" not in slugs
    strings = json_script(html, "field-strings")
    assert strings["offline"].startswith("Geen verbinding")
    assert strings["queue_count"]["other"] == "%(count)s meldingen wachten om verstuurd te worden."


def test_without_a_history_there_are_no_one_tap_categories(logged_in):
    assert 'name="frequent"' not in logged_in.get(PAGE).content.decode()


def test_the_manifest_makes_an_installable_app_scoped_to_the_field_page(client):
    response = client.get("/veld/manifest.webmanifest")
    manifest = json.loads(response.content)

    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/veld/", "/veld/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_the_service_worker_is_served_from_the_field_page_with_every_asset_to_keep(client):
    response = client.get("/veld/sw.js")
    code = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assets = json.loads(re.search(r"const FIELD_ASSETS = (\[.*?\]);", code).group(1))
    assert "/static/maps/vendor/leaflet/leaflet.js" in assets and "/static/maps/js/field.js" in assets
    assert 'const FIELD_PAGE = "/veld/";' in code
    assert re.search(r'const FIELD_CACHE = "veld-[0-9a-f]{16}";', code)
    # Every script the page loads is kept, so the page works offline.
    page_scripts = {"/static/maps/js/field-queue.js", "/static/maps/js/field-place.js", "/static/maps/js/meld-api.js"}
    assert page_scripts <= set(assets)


# --- Around me, mine --------------------------------------------------------------------------------------------


def test_around_me_lists_nearby_open_reports_with_distance_and_no_personal_data(logged_in):
    near = ReportFactory(
        category=CategoryFactory(), point=project(HERE, metres=75, azimuth_deg=30), reporter_name="Mevrouw Geheim"
    )
    ReportFactory(category=CategoryFactory(), point=project(HERE, metres=1500, azimuth_deg=180))

    response = logged_in.get("/veld/in-de-buurt/", {"lat": HERE.y, "lon": HERE.x})

    assert response.status_code == 200
    body = response.json()
    assert body["radius_m"] == 300
    [item] = body["reports"]
    assert (item["reference"], item["distance_m"], item["following"], item["mine"]) == (
        near.reference,
        75,
        False,
        False,
    )
    assert item["status_display"] == "nieuw"
    assert "Mevrouw Geheim" not in response.content.decode()
    assert near.description not in response.content.decode()


@pytest.mark.parametrize(
    "query", [{}, {"lat": "abc", "lon": "2.9"}, {"lat": "91", "lon": "2.9"}, {"lat": "nan", "lon": "2"}]
)
def test_around_me_refuses_a_point_that_is_no_coordinate(logged_in, query):
    response = logged_in.get("/veld/in-de-buurt/", query)

    assert response.status_code == 400
    assert set(response.json()) & {"lat", "lon"}


def test_mine_lists_the_wardens_reports_with_status(logged_in, warden):
    own = ReportFactory(created_by=warden, channel=Channel.FIELD, status=Status.IN_BEHANDELING)
    ReportFactory()

    [item] = logged_in.get("/veld/mijn-meldingen/").json()["reports"]

    assert (item["reference"], item["status"], item["status_display"], item["can_open"]) == (
        own.reference,
        "in_behandeling",
        "in behandeling",
        True,
    )


# --- Following and confirming -------------------------------------------------------------------------------


def test_following_uses_the_accounts_e_mail_and_twice_is_harmless(logged_in):
    report = ReportFactory(category=CategoryFactory())
    url = f"/veld/meldingen/{report.reference}/volgen/"

    assert logged_in.post(url).status_code == 201
    assert logged_in.post(url).status_code == 200
    assert list(Follower.objects.filter(report=report).values_list("email", flat=True)) == ["jan.wacht@oostende.be"]


def test_a_report_the_warden_may_not_see_answers_404(logged_in):
    private = ReportFactory(category=CategoryFactory(is_public=False))

    assert logged_in.post(f"/veld/meldingen/{private.reference}/volgen/").status_code == 404
    assert logged_in.post(f"/veld/meldingen/{private.reference}/aanvullen/", {"note": "x"}).status_code == 404
    assert logged_in.post("/veld/meldingen/OST-0000-000000/volgen/").status_code == 404
    assert not Follower.objects.exists()


def test_a_photo_and_a_note_are_added_to_an_open_report(logged_in, warden):
    report = ReportFactory(category=CategoryFactory())
    photo = SimpleUploadedFile("deur.jpg", image_bytes(size=(80, 60)), content_type="image/jpeg")

    response = logged_in.post(
        f"/veld/meldingen/{report.reference}/aanvullen/", {"note": "Ook op de deur.", "photos": [photo]}
    )

    assert response.status_code == 201
    assert report.photos.count() == 1
    note = report.events.get(event_type=ReportEvent.Type.NOTE)
    assert (note.actor, note.public) == (warden, False) and note.note.endswith("Ook op de deur.")


def test_an_empty_addition_or_a_file_that_is_no_photo_is_a_field_error_and_stores_nothing(logged_in):
    report = ReportFactory(category=CategoryFactory())
    url = f"/veld/meldingen/{report.reference}/aanvullen/"
    not_a_photo = SimpleUploadedFile("virus.jpg", b"MZ not an image", content_type="image/jpeg")

    empty = logged_in.post(url, {"note": "  "})
    bad = logged_in.post(url, {"note": "Kijk", "photos": [not_a_photo]})

    assert empty.status_code == 400 and empty.json()["note"] == ["Voeg een foto toe of schrijf een notitie."]
    assert bad.status_code == 400 and "is geen foto" in bad.json()["photos"][0]
    assert report.photos.count() == 0 and not report.events.filter(event_type=ReportEvent.Type.NOTE).exists()


def test_the_json_needs_the_csrf_token_like_any_form(client, warden):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(warden)
    report = ReportFactory(category=CategoryFactory())

    assert client.post(f"/veld/meldingen/{report.reference}/volgen/").status_code == 403
    assert not Follower.objects.exists()


def test_logging_in_from_the_field_page_comes_back_to_it(client, warden):
    warden.set_password("veld-wachtwoord")
    warden.save()

    response = client.post(
        "/behandeling/login/?next=/veld/", {"username": "wacht-jan", "password": "veld-wachtwoord", "next": "/veld/"}
    )

    assert response.status_code == 302 and response["Location"] == "/veld/"
    assert client.get("/veld/").status_code == 200


def test_the_page_and_around_me_cost_a_fixed_number_of_queries(logged_in, warden):
    for metres in range(10, 200, 20):
        ReportFactory(category=CategoryFactory(), point=project(HERE, metres=metres), created_by=warden)

    with CaptureQueriesContext(connection) as page_queries:
        assert logged_in.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as around_queries:
        assert len(logged_in.get("/veld/in-de-buurt/", {"lat": HERE.y, "lon": HERE.x}).json()["reports"]) == 10
    with CaptureQueriesContext(connection) as mine_queries:
        assert len(logged_in.get("/veld/mijn-meldingen/").json()["reports"]) == 10

    # session and user, roles, then the one read each needs (the page: categories with the user's counts)
    assert len(page_queries) <= 5, [q["sql"][:80] for q in page_queries.captured_queries]
    assert len(around_queries) <= 5, [q["sql"][:80] for q in around_queries.captured_queries]
    assert len(mine_queries) <= 5, [q["sql"][:80] for q in mine_queries.captured_queries]
