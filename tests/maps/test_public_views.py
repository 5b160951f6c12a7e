"""The public pages without a browser: home, the public map's page and its filters, tracking, 404, map config."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from geo_meldpunt.reports.models import Category, ReportEvent, Status
from geo_meldpunt.zones.models import Department
from maps.mapconfig import map_config
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

REPORTER = {
    "reporter_name": "Mevrouw Geheim",
    "reporter_email": "geheim@example.org",
    "reporter_phone": "0470 12 34 56",
}


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


def assert_no_personal_data(html: str) -> None:
    for value in REPORTER.values():
        assert value not in html


# --- Home -------------------------------------------------------------------------------------------------


def test_home_offers_the_report_flow_the_free_phone_line_and_the_map(client):
    html = client.get("/").content.decode()

    assert 'href="/meld/"' in html
    assert 'href="tel:+3280018400"' in html
    assert "0800 1 8400" in html
    assert 'href="/kaart/"' in html
    assert "data-kaart" in html
    assert json_script(html, "map-config")["layer"] == "none"
    assert json_script(html, "kaart-config")["filters"] == {"category": "", "status": "all"}


def test_every_page_has_a_skip_link_to_the_main_content(client):
    html = client.get("/kaart/").content.decode()

    assert re.search(r'<body>\s*<a class="skip-link" href="#main">', html)
    assert '<main id="main"' in html


# --- The public map's page --------------------------------------------------------------------------------


def test_the_category_filter_offers_public_categories_only(client):
    html = client.get("/kaart/").content.decode()

    values = set(re.findall(r'<option value="([^"]*)"', html))
    public = set(Category.objects.filter(active=True, is_public=True).values_list("slug", flat=True))
    hidden = set(Category.objects.filter(is_public=False).values_list("slug", flat=True))
    assert public <= values
    assert not (hidden & values)
    # A group whose top level is hidden keeps its public children (ideas about public space).
    assert "idee-publieke-ruimte" in values
    assert '<optgroup label="Wegen en voetpaden">' in html


def test_the_filters_in_the_address_are_selected_and_passed_to_the_script(client):
    html = client.get("/kaart/?category=wegdek-put&status=open").content.decode()

    assert '<option value="wegdek-put" selected>' in html
    assert '<option value="open" selected>' in html
    config = json_script(html, "kaart-config")
    assert config["filters"] == {"category": "wegdek-put", "status": "open"}
    assert set(config["statuses"]["open"]) == {
        Status.NIEUW, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.WACHT_OP_MELDER, Status.DOORVERWEZEN,
        Status.HEROPEND,
    }  # fmt: skip
    assert set(config["statuses"]["solved"]) == {Status.BEANTWOORD, Status.AFGESLOTEN}
    assert config["urls"] == {"clusters": "/api/v1/reports/clusters/", "reports": "/api/v1/reports/"}
    assert json_script(html, "map-config")["detail_zoom"] == settings.REPORTS_CLUSTERS_DETAIL_ZOOM == 17


@pytest.mark.parametrize("query", ["category=openbare-orde", "category=bestaat-niet", "status=bogus"])
def test_hidden_or_unknown_filters_fall_back_to_everything_public(client, query):
    config = json_script(client.get(f"/kaart/?{query}").content.decode(), "kaart-config")

    assert config["filters"] == {"category": "", "status": "all"}


def test_the_scripts_strings_come_translated_from_the_page(client):
    client.cookies["django_language"] = "fr"
    config = json_script(client.get("/kaart/").content.decode(), "kaart-config")

    strings = config["strings"]
    assert "%(count)s" in strings["reports_in_area"]["one"]
    assert "%(count)s" in strings["reports_in_area"]["other"]
    assert {"loading", "load_failed", "no_reports", "reference", "status", "marker_label"} <= set(strings)


# --- Map configuration --------------------------------------------------------------------------------------


def test_the_base_layer_is_none_in_tests(client):
    config = map_config()

    assert config["layer"] == "none"
    assert config["url"] is None
    assert config["attribution"] == ""
    assert config["center"] == [51.2297, 2.9196]


@pytest.mark.parametrize("layer, host", [("osm", "tile.openstreetmap.org"), ("grb", "geo.api.vlaanderen.be")])
def test_a_configured_base_layer_gives_its_tile_server(settings, layer, host):
    settings.MAPS_BASE_LAYER = layer

    config = map_config()

    assert host in config["url"]
    assert config["attribution"]
    assert config["max_zoom"] > settings.REPORTS_CLUSTERS_DETAIL_ZOOM


def test_an_unknown_base_layer_is_a_configuration_error(settings):
    settings.MAPS_BASE_LAYER = "google"

    with pytest.raises(ImproperlyConfigured, match="MAPS_BASE_LAYER"):
        map_config()


# --- Tracking -------------------------------------------------------------------------------------------------


def test_an_unknown_tracking_token_is_a_friendly_404(client):
    response = client.get("/volg/dit-bestaat-niet/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"
    assert response.context["tracking_unknown"] is True
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "0800 1 8400" in html


def test_a_nul_in_the_tracking_token_is_the_same_friendly_404(client):
    response = client.get("/volg/%00/")  # PostgreSQL cannot compare text with a NUL: no query, no 500

    assert response.status_code == 404
    assert response.context["tracking_unknown"] is True


def test_an_unknown_page_is_the_same_friendly_404(client):
    response = client.get("/bestaat/niet/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert not response.context.get("tracking_unknown")


def test_the_tracking_page_shows_status_department_dates_place_and_history(client):
    report = ReportFactory(category=Category.objects.get(slug="wegdek-put"), address="Wapenplein 1", **REPORTER)

    response = client.get(f"/volg/{report.tracking_token}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert report.reference in html
    assert 'data-status="nieuw"' in html
    assert report.get_status_display().capitalize() in html
    assert report.department.name_nl in html
    assert "Put in het wegdek" in html
    assert "Wapenplein 1" in html
    assert f'datetime="{report.expected_answer_date:%Y-%m-%d}"' in html
    assert json_script(html, "track-map-config")["location"] == pytest.approx([51.2297, 2.9196])
    assert 'data-event="created"' in html
    # The routing rule behind the first event is staff language; the reporter reads where it went instead.
    assert report.routing_reason not in html
    assert_no_personal_data(html)


def test_the_tracking_page_names_the_external_body_a_report_was_forwarded_to(client):
    report = ReportFactory(category=Category.objects.get(slug="lamp-defect"))
    fluvius = Department.objects.get(slug="fluvius")
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.FORWARDED,
        from_status=Status.NIEUW,
        to_status=Status.DOORVERWEZEN,
        department=fluvius,
        note="Fluvius herstelt de straatverlichting.",
    )
    report.__class__.objects.filter(pk=report.pk).update(status=Status.DOORVERWEZEN)

    html = client.get(f"/volg/{report.tracking_token}/").content.decode()

    forwarded = re.search(r"<dd data-forwarded-to>(.*?)</dd>", html, re.S)
    assert forwarded and fluvius.name_nl in forwarded.group(1)
    assert "Fluvius herstelt de straatverlichting." in html
    assert 'data-event="forwarded"' in html


def test_a_compliment_passed_on_to_a_city_service_is_not_shown_as_taken_over_by_an_outside_body(client):
    groen = Department.objects.get(slug="groendienst")
    report = ReportFactory(
        kind="compliment",
        category=Category.objects.get(slug="compliment-medewerker"),
        point=None,
        compliment_department=groen,
        compliment_staff_member="Jef",
    )

    html = client.get(f"/volg/{report.tracking_token}/").content.decode()

    assert 'data-status="doorgegeven"' in html
    assert "data-forwarded-to" not in html  # no "this organisation, not the city, is responsible"
    assert f"Doorgegeven aan {groen.name_nl}." in html
    assert "andere organisatie" not in html
    assert "Jef" not in html  # the staff member's name is for the department, not for the public page


def test_the_tracking_page_shows_the_answer_and_only_public_history(client):
    report = ReportFactory(category=Category.objects.get(slug="wegdek-put"))
    ReportEvent.objects.create(
        report=report, event_type=ReportEvent.Type.NOTE, note="Interne nota: ploeg B", public=False
    )
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.ANSWER,
        from_status=Status.NIEUW,
        to_status=Status.BEANTWOORD,
        note="De put is gedicht.",
    )
    report.__class__.objects.filter(pk=report.pk).update(status=Status.BEANTWOORD, answer="De put is gedicht.")

    html = client.get(f"/volg/{report.tracking_token}/").content.decode()

    assert 'class="answer"' in html
    assert html.count("De put is gedicht.") == 1  # in the answer, not repeated in the history
    assert "Interne nota" not in html
    # Answered: no answer date is promised any more.
    assert 'datetime="' + f"{report.expected_answer_date:%Y-%m-%d}" not in html


def test_a_report_without_a_place_has_no_map(client):
    report = ReportFactory(kind="suggestie", point=None, category=Category.objects.get(slug="idee-publieke-ruimte"))

    html = client.get(f"/volg/{report.tracking_token}/").content.decode()

    assert "track-map" not in html
    assert "leaflet.js" not in html


def test_pages_show_the_configured_phone_line_and_name(client, settings):
    settings.MELDPUNT_PHONE, settings.MELDPUNT_SITE_NAME = "0800 9 9999", "Meldpunt Teststad"
    html = client.get("/").content.decode()
    assert "0800 9 9999" in html and "Meldpunt Teststad" in html
