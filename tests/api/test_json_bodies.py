"""The answers PostgreSQL writes (selectors/bodies.py, duplicates.duplicate_candidates_json, routing.route_preview)
are those the DRF serializers gave, key for key and value for value, in every language.

The reference is the earlier path, still in the code for the OpenAPI schema and for the cases SQL leaves to
Python: the ORM selectors and DuplicateCandidateFeature, TrackOutput + HistoryOutput, RoutingPreviewOutput, rendered
by DRF's JSONRenderer. Reports are made by the services (factories), with photos, a history of several events
(status changes, a reassignment to another department, a private note), and timestamps with and without
microseconds, in winter and in summer time.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from api import serializers as s
from geo_meldpunt.reports import duplicates, selectors
from geo_meldpunt.reports.models import Category, Kind, Report, ReportEvent, Status
from geo_meldpunt.reports.photos import PhotoBudget, photo_prepare
from geo_meldpunt.reports.selectors.bodies import photo_url_prefix
from geo_meldpunt.reports.services import report_reassign, report_transition
from geo_meldpunt.staff.groups import COORDINATOR
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import Zone, ZoneType
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    ReportFactory,
    image_bytes,
    point_at,
    project,
    upload,
)
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "fr", "en", "de"]
ORIGIN = point_at(*WAPENPLEIN)
NAMES = {
    "name_nl": "Losliggende stoeptegel",
    "name_fr": "Dalle de trottoir branlante",
    "name_en": "Loose paving stone",
    "name_de": "",  # no German name: the Dutch one
}


def rendered(data) -> object:
    """What DRF sent for `data`: its JSON, parsed back."""
    return json.loads(JSONRenderer().render(data))


def at(report: Report, stamp: dt.datetime) -> None:
    Report.objects.filter(pk=report.pk).update(created_at=stamp)
    ReportEvent.objects.filter(report=report, event_type=ReportEvent.Type.CREATED).update(created_at=stamp)


@pytest.fixture
def reports_with_history():
    """Reports of one category around ORIGIN: with photos, with a history of several events in several
    departments, made in winter and in summer, one with a timestamp of whole seconds."""
    category = CategoryFactory(duplicate_radius_m=80, photos_public=True, **NAMES)
    other = DepartmentFactory(name_nl="Groendienst", name_fr="Service des espaces verts", name_en="")
    coordinator = staff_user(COORDINATOR, username="coord-bodies")
    reports = []
    for i in range(6):
        photos = [
            photo_prepare(upload(f"foto{k}.jpg", image_bytes(color=(10 * i, 20 * k, 30))), budget=PhotoBudget())
            for k in range(i % 3)
        ]
        report = ReportFactory(
            category=category,
            kind=Kind.SUGGESTIE if i == 4 else Kind.MELDING,
            point=project(ORIGIN, metres=5 + 9 * i, azimuth_deg=60 * i),
            address=f"Wapenplein {i}" if i % 2 else "",
            impact=(i % 5) + 1 if i != 3 else None,
            photos=photos,
        )
        reports.append(report)
    at(reports[0], dt.datetime(2026, 1, 15, 9, 30, 0, tzinfo=dt.UTC))  # winter, whole seconds
    at(reports[1], dt.datetime(2026, 7, 1, 22, 45, 12, 345678, tzinfo=dt.UTC))  # summer time, next local day
    report = Report.objects.get(pk=reports[2].pk)
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=coordinator, note="We kijken ernaar.")
    report = report_reassign(report=report, department=other, by=coordinator, reason="Bomen: groendienst.")
    report = report_transition(report=report, to=Status.WACHT_OP_MELDER, by=coordinator, note="Welke boom?")
    ReportEvent.objects.create(report=report, event_type=ReportEvent.Type.NOTE, note="Intern", public=False)
    return category, reports


@pytest.mark.parametrize("language", LANGUAGES)
def test_nearby_is_what_duplicate_candidate_feature_gave(api_client, reports_with_history, language):
    category, reports = reports_with_history
    query = {"lat": ORIGIN.y, "lon": ORIGIN.x, "category": category.slug}

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/reports/nearby/", query, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert len(queries) == 1, [q["sql"] for q in queries]
    with translation.override(language):
        expected = rendered(
            s.DuplicateCandidateFeature(
                duplicates.duplicate_candidates(point=ORIGIN, category=category), many=True
            ).data
        )
    got = response.json()
    for a, b in zip(got["features"], expected["features"], strict=True):
        assert a == b
    assert got == expected
    assert len(expected["features"]) == 5  # REPORTS_DUPLICATES_LIMIT of the six
    names = {f["properties"]["category_name"] for f in expected["features"]}
    assert names == {NAMES.get(f"name_{language}") or NAMES["name_nl"]}


def test_nearby_for_a_category_kept_off_the_map_is_an_empty_collection(api_client, reports_with_history):
    category, _reports = reports_with_history
    category.is_public = False
    category.save()
    response = api_client.get("/api/v1/reports/nearby/", {"lat": ORIGIN.y, "lon": ORIGIN.x, "category": category.slug})
    assert response.status_code == 200
    assert response.json() == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("query", "language", "errors"),
    [
        ({"category": "bestaat-niet"}, "nl", {"category": ["Onbekende categorie “bestaat-niet”."]}),
        ({"category": "bestaat-niet"}, "en", {"category": ["Unknown category “bestaat-niet”."]}),
        ({"category": "a\x00b"}, "en", {"category": ["Unknown category “a\x00b”."]}),
    ],
)
def test_nearby_and_preview_refuse_an_unknown_category_as_before(api_client, query, language, errors):
    for url in ("/api/v1/reports/nearby/", "/api/v1/routing/preview/"):
        response = api_client.get(url, {"lat": ORIGIN.y, "lon": ORIGIN.x, **query}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert response.json() == errors


def test_nearby_with_bad_coordinates_and_an_unknown_category_names_both(api_client):
    response = api_client.get("/api/v1/reports/nearby/", {"lat": "noord", "lon": ORIGIN.x, "category": "x-y"})
    assert response.status_code == 400
    assert set(response.json()) == {"lat", "category"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_tracking_is_what_track_output_gave(api_client, reports_with_history, language):
    _category, reports = reports_with_history
    for report in reports:
        report = Report.objects.get(pk=report.pk)
        url = f"/api/v1/track/{report.tracking_token}/"

        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(url, HTTP_ACCEPT_LANGUAGE=language)

        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert len(queries) == 1, [q["sql"] for q in queries]
        with translation.override(language):
            found = selectors.report_by_token(token=report.tracking_token)
            history = list(selectors.report_public_history(found))
            expected = rendered(
                s.TrackOutput(found, context={"request": response.wsgi_request, "history": history}).data
            )
        assert response.json() == expected, report.reference
    # What the fixture made is in there: photos, a reassignment, a note kept out.
    bodies = [api_client.get(f"/api/v1/track/{r.tracking_token}/").json() for r in reports]
    assert any(len(b["photos"]) == 2 for b in bodies)
    history = bodies[2]["history"]
    assert len({h["department"] for h in history}) == 2
    assert "Intern" not in json.dumps(bodies)


def test_tracking_a_compliment_and_a_report_without_place_or_stored_deadline(api_client):
    compliment = ReportFactory(kind=Kind.COMPLIMENT, category=CategoryFactory(kinds=[Kind.COMPLIMENT]), point=None)
    legacy = ReportFactory(kind=Kind.SUGGESTIE, point=None)
    Report.objects.filter(pk=legacy.pk).update(answer_due=None)  # made before deadlines were stored
    for report in (compliment, legacy):
        response = api_client.get(f"/api/v1/track/{report.tracking_token}/")
        assert response.status_code == 200
        found = selectors.report_by_token(token=report.tracking_token)
        history = list(selectors.report_public_history(found))
        expected = rendered(s.TrackOutput(found, context={"request": response.wsgi_request, "history": history}).data)
        assert response.json() == expected
    assert api_client.get(f"/api/v1/track/{compliment.tracking_token}/").json()["expected_answer_date"] is None
    assert api_client.get(f"/api/v1/track/{legacy.tracking_token}/").json()["expected_answer_date"]


def test_an_unknown_tracking_token_is_the_same_404(api_client):
    for token in ("dit-is-geen-geldige-code", "a\x00b"):
        response = api_client.get(f"/api/v1/track/{token}/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert response.json() == {"detail": "This tracking link is not known. Check that you copied it completely."}


@pytest.mark.parametrize("language", LANGUAGES)
def test_routing_preview_is_what_routing_preview_output_gave(api_client, language):
    territory = Zone.objects.get(zone_type=ZoneType.TERRITORY)
    inside = territory.geom.point_on_surface
    for category in Category.objects.filter(active=True).order_by("id")[:12]:
        query = {"lat": inside.y, "lon": inside.x, "category": category.slug}
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get("/api/v1/routing/preview/", query, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert len(queries) == 1, [q["sql"] for q in queries]
        expected = rendered(
            s.RoutingPreviewOutput(routing.route(category=category, point=inside, language=language)).data
        )
        assert response.json() == expected


def test_routing_preview_outside_the_territory_is_refused_as_before(api_client):
    category = CategoryFactory()
    response = api_client.get(
        "/api/v1/routing/preview/", {"lat": 51.30, "lon": 2.80, "category": category.slug}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json() == {
        "location": ["This location lies outside the city's territory. Choose a place within the city."]
    }


def test_tracking_with_photos_in_another_storage_takes_their_addresses_from_it(api_client, settings):
    """Photo addresses SQL cannot write (object storage: signed links) come from the storage, as before."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert photo_url_prefix(None) is None  # not files at MEDIA_URL: the statement leaves the addresses to Python
    photo = photo_prepare(upload("gat.jpg", image_bytes()), budget=PhotoBudget())
    report = ReportFactory(photos=[photo])
    response = api_client.get(f"/api/v1/track/{report.tracking_token}/")
    assert response.status_code == 200
    found = selectors.report_by_token(token=report.tracking_token)
    history = list(selectors.report_public_history(found))
    expected = rendered(s.TrackOutput(found, context={"request": response.wsgi_request, "history": history}).data)
    assert response.json() == expected
    assert len(expected["photos"]) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_create_is_answered_as_report_created_output_gave(api_client, language):
    """POST /api/v1/reports/ answers with report_created_data: ReportCreatedOutput's data for the stored report,
    for each kind, in a zone and without a place, in every language."""
    inside = Zone.objects.get(zone_type=ZoneType.TERRITORY).geom.point_on_surface
    category = CategoryFactory(kinds=[Kind.MELDING, Kind.SUGGESTIE], **NAMES)
    bodies = [
        {"kind": "melding", "category": category.slug, "lat": inside.y, "lon": inside.x, "description": "Los."},
        {"kind": "suggestie", "category": category.slug, "lat": inside.y, "lon": inside.x, "description": "Bank."},
        {"kind": "suggestie", "category": category.slug, "description": "Zonder plaats.", "address": "Wapenplein"},
    ]
    for body in bodies:
        response = api_client.post("/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 201, response.content
        stored = Report.objects.select_related("category", "department", "zone").get(
            reference=response.json()["reference"]
        )
        with translation.override(language):
            expected = rendered(s.ReportCreatedOutput(stored).data)
        assert response.json() == expected
        assert response["Location"] == expected["tracking_url"]
    assert {r.zone_id is None for r in Report.objects.filter(category=category)} == {True, False}


def test_report_created_data_is_report_created_output_for_a_compliment_and_a_report_without_deadline():
    compliment = ReportFactory(kind=Kind.COMPLIMENT, category=CategoryFactory(kinds=[Kind.COMPLIMENT]), point=None)
    legacy = ReportFactory(kind=Kind.SUGGESTIE, point=None)
    Report.objects.filter(pk=legacy.pk).update(answer_due=None)
    for report in (compliment, Report.objects.get(pk=legacy.pk)):
        assert rendered(s.report_created_data(report)) == rendered(s.ReportCreatedOutput(report).data)
