"""GET requests and requests/{id}: the spec's field list in XML and JSON, the filters, the 90-day window, what
anyone may see and what only the filing application sees."""

import datetime as dt

import pytest
from django.utils import timezone

from geo_meldpunt.reports.models import Report, Status
from tests.factories import CategoryFactory, ReportFactory

from .conftest import BASE, form, xml_errors, xml_of

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip


def aged(report: Report, days: float) -> Report:
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return report


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in response.json()]


def test_requests_in_xml_carry_the_spec_s_fields(client, category):
    report = ReportFactory(category=category, address="Wapenplein 1, 8400 Oostende", impact=2)

    root = xml_of(client.get(f"{BASE}/requests.xml"))

    assert root.tag == "service_requests"
    (request,) = [r for r in root.findall("request") if r.findtext("service_request_id") == report.reference]
    assert [c.tag for c in request] == REQUEST_FIELDS
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == "nieuw"
    assert request.findtext("service_code") == category.slug
    assert request.findtext("service_name") == "Losliggende tegel"
    assert request.findtext("agency_responsible") == category.department.name_nl
    assert request.findtext("address") == "Wapenplein 1, 8400 Oostende"
    assert (float(request.findtext("lat")), float(request.findtext("long"))) == (51.2297, 2.9196)
    assert dt.datetime.fromisoformat(request.findtext("requested_datetime")) == report.created_at.replace(microsecond=0)
    expected = dt.datetime.fromisoformat(request.findtext("expected_datetime"))
    assert expected.date() == report.answer_due and expected.tzinfo is not None
    # Nothing personal, and no description for anyone but the application that filed it.
    assert request.findtext("description") == ""
    assert b"melder@example.org" not in client.get(f"{BASE}/requests.xml").content


def test_requests_in_json_carry_the_same_fields(client, category):
    report = ReportFactory(category=category)
    (item,) = client.get(f"{BASE}/requests.json").json()
    assert list(item) == REQUEST_FIELDS
    assert item["service_request_id"] == report.reference
    assert item["lat"] == 51.2297 and item["long"] == 2.9196
    assert item["description"] is None


def test_a_request_by_id_in_both_formats(client, category):
    report = ReportFactory(category=category)
    root = xml_of(client.get(f"{BASE}/requests/{report.reference}.xml"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [report.reference]
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests/{report.reference}.json").json()] == [
        report.reference
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_or_hidden_request_is_a_404(client, fmt):
    hidden = ReportFactory(category=CategoryFactory(is_public=False))
    for reference in ["OST-1999-000001", hidden.reference]:
        response = client.get(f"{BASE}/requests/{reference}.{fmt}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        errors = xml_errors(response) if fmt == "xml" else [(str(e["code"]), e["description"]) for e in response.json()]
        assert errors == [("404", f"service_request_id: No service request “{reference}”.")]


def test_statuses_map_to_open_and_closed(client, category):
    open_ = ReportFactory(category=category, status=Status.IN_BEHANDELING)
    answered = ReportFactory(category=category, status=Status.BEANTWOORD)
    inadmissible = ReportFactory(category=category, status=Status.NIET_ONTVANKELIJK)
    survivor = ReportFactory(category=category)
    merged = ReportFactory(category=category, status=Status.SAMENGEVOEGD)
    Report.objects.filter(pk=merged.pk).update(merged_into=survivor)

    by_id = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}

    assert by_id[open_.reference]["status"] == "open"
    assert by_id[answered.reference]["status"] == "closed"
    assert by_id[answered.reference]["status_notes"] == "beantwoord"
    assert by_id[merged.reference]["status"] == "closed"
    assert by_id[merged.reference]["status_notes"] == f"samengevoegd met {survivor.reference}."
    assert inadmissible.reference not in by_id  # the public map never shows these either
    assert ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == [merged.reference, answered.reference]
    assert set(ids(client.get(f"{BASE}/requests.json", {"status": "open"}))) == {open_.reference, survivor.reference}
    assert len(ids(client.get(f"{BASE}/requests.json", {"status": "open,closed"}))) == 4


def test_service_code_filters_and_a_parent_takes_its_children(client, category):
    child = CategoryFactory(parent=category)
    other = CategoryFactory()
    mine, childs, _other = (ReportFactory(category=c) for c in (category, child, other))
    assert set(ids(client.get(f"{BASE}/requests.json", {"service_code": category.slug}))) == {
        mine.reference,
        childs.reference,
    }
    assert ids(client.get(f"{BASE}/requests.json", {"service_code": f"{child.slug}"})) == [childs.reference]


def test_service_request_id_overrides_every_other_filter(client, category):
    old = aged(ReportFactory(category=category, status=Status.AFGESLOTEN), 400)
    new = ReportFactory(category=category)
    response = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{old.reference},{new.reference}", "status": "open", "service_code": "wegen"},
    )
    assert set(ids(response)) == {old.reference, new.reference}


def test_by_default_the_last_90_days(client, category):
    recent = aged(ReportFactory(category=category), 89)
    aged(ReportFactory(category=category), 91)
    assert ids(client.get(f"{BASE}/requests.json")) == [recent.reference]


def test_a_start_alone_covers_90_days_after_it_and_an_end_alone_90_days_before(client, category):
    first = aged(ReportFactory(category=category), 200)
    second = aged(ReportFactory(category=category), 150)
    third = aged(ReportFactory(category=category), 100)
    start = (timezone.now() - dt.timedelta(days=201)).isoformat()
    assert ids(client.get(f"{BASE}/requests.json", {"start_date": start})) == [second.reference, first.reference]
    end = (timezone.now() - dt.timedelta(days=99)).isoformat()
    assert ids(client.get(f"{BASE}/requests.json", {"end_date": end})) == [third.reference, second.reference]


def test_a_range_of_at_most_90_days_in_w3_format(client, category):
    inside = aged(ReportFactory(category=category), 150)
    now = timezone.now()
    start = (now - dt.timedelta(days=160)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - dt.timedelta(days=71)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end})) == [inside.reference]


@pytest.mark.parametrize(
    ("params", "dutch", "english"),
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
            "end_date: De datums mogen hoogstens 90 dagen uit elkaar liggen.",
            "end_date: The dates may be at most 90 days apart.",
        ),
        (
            {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
            "end_date: end_date valt vóór start_date.",
            "end_date: end_date comes before start_date.",
        ),
        (
            {"start_date": "gisteren"},
            "start_date: Geef een datum en tijd zoals 2026-01-31T00:00:00Z.",
            "start_date: Give a date and time like 2026-01-31T00:00:00Z.",
        ),
        (
            {"end_date": "2026-02-30T00:00:00Z"},
            "end_date: Geef een datum en tijd zoals 2026-01-31T00:00:00Z.",
            "end_date: Give a date and time like 2026-01-31T00:00:00Z.",
        ),
        (
            {"status": "pending"},
            "status: Onbekende status: pending. Geef open, closed of beide.",
            "status: Unknown status: pending. Give open, closed or both.",
        ),
        (
            {"service_code": "geen-dienst"},
            "service_code: Onbekende service_code “geen-dienst”.",
            "service_code: Unknown service_code “geen-dienst”.",
        ),
    ],
)
def test_bad_filters_are_a_400_in_the_spec_error_format(client, params, dutch, english):
    response = client.get(f"{BASE}/requests.xml", params)
    assert response.status_code == 400
    assert xml_errors(response) == [("400", dutch)]
    response = client.get(f"{BASE}/requests.json", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": english}]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01"},
        {"start_date": "2026-01-01\x00"},
        {"service_code": "wegen\x00"},
    ],
)
def test_extreme_or_broken_filters_are_a_400_never_a_500(client, params):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400, response.content
    assert len(response.json()) == 1


def test_the_oldest_possible_start_is_answered(client):
    assert client.get(f"{BASE}/requests.json", {"start_date": "0001-01-01"}).status_code == 200


def test_control_characters_in_a_description_leave_the_xml_readable(client, api_key, category):
    text = "Tegel\x0blos\x0c bij de ingang"
    filed = client.post(f"{BASE}/requests.json", form(category, api_key, description=text)).json()[0]
    root = xml_of(client.get(f"{BASE}/requests/{filed['service_request_id']}.xml", {"api_key": api_key}))
    assert root.find("request").findtext("description") == "Tegellos bij de ingang"


def test_exactly_90_days_is_allowed(client):
    response = client.get(
        f"{BASE}/requests.json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}
    )
    assert response.status_code == 200


def test_an_answer_holds_at_most_the_configured_number_newest_first(client, category, settings):
    settings.OPEN311_REQUESTS_MAX = 2
    made = [aged(ReportFactory(category=category), days) for days in (3, 2, 1)]
    assert ids(client.get(f"{BASE}/requests.json")) == [made[2].reference, made[1].reference]


def test_the_filing_application_sees_its_own_reports_with_their_description(client, api_key, category):
    private = CategoryFactory(is_public=False)
    filed = client.post(f"{BASE}/requests.json", form(private, api_key)).json()[0]["service_request_id"]

    assert filed not in ids(client.get(f"{BASE}/requests.json"))
    (mine,) = client.get(f"{BASE}/requests.json", {"api_key": api_key}).json()
    assert mine["service_request_id"] == filed
    assert mine["description"] == "Losliggende stoeptegel voor het stadhuis."
    detail = client.get(f"{BASE}/requests/{filed}.json", {"api_key": api_key}).json()
    assert detail[0]["description"] == "Losliggende stoeptegel voor het stadhuis."
    assert client.get(f"{BASE}/requests/{filed}.json").status_code == 404
    assert client.get(f"{BASE}/requests.json", {"api_key": "verkeerd"}).status_code == 403


def test_a_listed_photo_is_the_media_url_when_photos_are_public(client, api_key, category):
    url = "https://img.example.org/tegel.jpg"
    filed = client.post(f"{BASE}/requests.json", form(category, api_key, media_url=url)).json()[0]
    (item,) = client.get(f"{BASE}/requests/{filed['service_request_id']}.json").json()
    assert item["media_url"] == url


def test_the_list_takes_a_fixed_number_of_queries(client, category, django_assert_max_num_queries):
    for _ in range(5):
        ReportFactory(category=category)
    with django_assert_max_num_queries(3):
        assert len(ids(client.get(f"{BASE}/requests.json"))) == 5
