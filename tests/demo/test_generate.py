"""generate_reports: demo reports inside the territory, routed as a live report is, with valid unique references.

Runs on the Oostende reference data that conftest loads once per session.
"""

import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from geo_meldpunt.demo.tunables import DEMO_CITY_CENTRE, DEMO_TOKEN_PREFIX
from geo_meldpunt.reports import sla, workflow
from geo_meldpunt.reports.models import (
    PUBLIC_CHANNELS,
    REGULATION_ROW,
    Kind,
    Regulation,
    Report,
    ReportEvent,
    Status,
    deadlines_config,
)
from geo_meldpunt.reports.services import reports_deadlines_fill
from geo_meldpunt.zones import routing

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^OST-(\d{4})-(\d{6})$")


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_reports", *args, stdout=out)
    return out.getvalue()


def demo_reports():
    return Report.objects.filter(tracking_token__startswith=DEMO_TOKEN_PREFIX).select_related(
        "category", "category__parent", "category__department", "created_by"
    )


@pytest.fixture
def generated() -> list[Report]:
    output = generate("--count", "300", "--seed", "7", "--batch", "120")
    assert "Added 300 demo reports" in output
    return list(demo_reports().order_by("created_at", "id"))


def test_every_point_lies_inside_the_territory(generated):
    assert len(generated) == 300
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM reports_report r
            WHERE r.tracking_token LIKE %s AND NOT EXISTS (
                SELECT 1 FROM zones_zonepart zp
                WHERE zp.zone_type = 'territory' AND ST_Covers(zp.geom, r.point::geometry))
            """,
            [DEMO_TOKEN_PREFIX + "%"],
        )
        assert cursor.fetchone()[0] == 0


def test_department_zone_rule_and_reason_are_those_routing_gives_a_live_report(generated):
    for report in generated:
        decision = routing.route(category=report.category, point=report.point)
        assert (report.department_id, report.zone_id, report.routing_rule_id, report.routing_reason) == (
            decision.department.pk,
            decision.zone_id,
            decision.rule.pk if decision.rule else None,
            decision.reason,
        ), report.reference
    assert len({r.department_id for r in generated}) > 1  # the data really exercises routing


def test_references_are_valid_unique_and_follow_creation_time_per_year(generated):
    references = [r.reference for r in generated]
    assert len(set(references)) == len(references)
    numbers_by_year = defaultdict(list)
    for report in generated:  # in created_at order
        match = REFERENCE.match(report.reference)
        assert match, report.reference
        year, number = int(match[1]), int(match[2])
        assert year == report.created_at.astimezone(timezone.get_default_timezone()).year
        numbers_by_year[year].append(number)
    for numbers in numbers_by_year.values():
        assert numbers == sorted(numbers)
    assert len({r.tracking_token for r in generated}) == len(generated)


def test_reports_are_well_formed_and_varied(generated):
    for report in generated:
        assert report.category.accepts(report.kind)
        assert 1 <= report.impact <= 5
        assert report.reporter_name == "" and report.reporter_phone == ""
        assert report.reporter_email == "" or report.reporter_email.endswith("@example.org")
        if report.kind == Kind.KLACHT:
            assert report.reporter_email
        if report.kind == Kind.COMPLIMENT:  # passed on and closed, never "in progress" like a melding
            assert report.status in workflow.COMPLIMENT_FLOW
        # Staff-only channels are entered by a staff member, as report_create requires.
        assert (report.channel in PUBLIC_CHANNELS) == (report.created_by is None)
        assert report.created_by is None or report.created_by.is_staff
        assert report.description
        assert report.updated_at >= report.created_at
    assert len({r.channel for r in generated}) >= 4
    assert len({r.status for r in generated}) >= 4
    assert sum(r.kind == Kind.MELDING for r in generated) > len(generated) / 2
    span = generated[-1].created_at - generated[0].created_at
    assert span.days > 500


def test_each_report_has_one_created_event_with_its_department(generated):
    events = ReportEvent.objects.filter(report__in=generated)
    assert events.count() == len(generated)
    by_report = {e.report_id: e for e in events}
    for report in generated:
        event = by_report[report.pk]
        assert event.event_type == ReportEvent.Type.CREATED
        assert event.department_id == report.department_id
        assert event.created_at == report.created_at


def test_reports_cluster_more_densely_in_the_centre_than_elsewhere(generated):
    """A fifth is background; the rest sits around hotspots that lean towards the centre zone."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH centre AS (
                SELECT zp.zone_id FROM zones_zonepart zp
                WHERE zp.zone_type IN ('wijk', 'deelgemeente')
                  AND ST_Covers(zp.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
                ORDER BY zp.zone_type = 'wijk' DESC LIMIT 1
            )
            SELECT
                (SELECT ST_Area(z.geom::geography) FROM zones_zone z WHERE z.id = (SELECT zone_id FROM centre)),
                (SELECT sum(ST_Area(z.geom::geography)) FROM zones_zone z WHERE z.zone_type = 'territory'),
                (SELECT count(*) FROM reports_report r WHERE r.tracking_token LIKE %s AND EXISTS (
                    SELECT 1 FROM zones_zonepart zp WHERE zp.zone_id = (SELECT zone_id FROM centre)
                      AND ST_Covers(zp.geom, r.point::geometry)))
            """,
            [*DEMO_CITY_CENTRE, DEMO_TOKEN_PREFIX + "%"],
        )
        centre_area, territory_area, in_centre = cursor.fetchone()
    assert centre_area is not None, "the Oostende reference data has a zone around the historic centre"
    area_share = centre_area / territory_area
    report_share = in_centre / len(generated)
    assert report_share > 2 * area_share


def project_deadlines(report: Report) -> tuple:
    """What the project's own deadline function gives a report received on its local day of creation."""
    due = sla.deadlines_for(
        kind=report.kind,
        category_days=report.category.answer_days,
        category_working_days=report.category.working_days,
        received=timezone.localdate(report.created_at),
        config=deadlines_config(),
    )
    return due.acknowledge_due, due.answer_due


def test_deadlines_are_those_the_regulation_gives_on_the_day_of_creation(generated):
    """Written in the COPY, not filled afterwards: equal to sla.deadlines_for and to the project's bulk fill."""
    stored = {r.pk: (r.acknowledge_due, r.answer_due) for r in generated}
    for report in generated:
        assert stored[report.pk] == project_deadlines(report), report.reference
        assert (report.answer_due is None) == (report.kind == Kind.COMPLIMENT)
    # Weekends and Belgian public holidays count: five working days span seven calendar days, more with a holiday.
    spans = {(r.acknowledge_due - timezone.localdate(r.created_at)).days for r in generated}
    assert 7 in spans and max(spans) > 7
    # The project's fill (report_create's rule for reports stored without deadlines) computes the same.
    demo_reports().update(acknowledge_due=None, answer_due=None)
    assert reports_deadlines_fill() == len(generated)
    assert {r.pk: (r.acknowledge_due, r.answer_due) for r in demo_reports()} == stored


def test_deadlines_follow_the_regulation_edited_in_the_admin():
    Regulation.objects.update_or_create(
        pk=REGULATION_ROW,
        defaults={"acknowledge_working_days": 2, "klacht_days": 10, "klacht_working_days": True,
                  "suggestie_days": 3, "suggestie_working_days": False},
    )  # fmt: skip
    generate("--count", "200", "--seed", "11")
    reports = list(demo_reports())
    assert {r.kind for r in reports} >= {Kind.MELDING, Kind.KLACHT}
    for report in reports:
        assert (report.acknowledge_due, report.answer_due) == project_deadlines(report), report.reference
        if report.kind == Kind.KLACHT:
            assert report.answer_due == sla.add_working_days(timezone.localdate(report.created_at), 10)


def test_ensure_adds_only_what_is_missing_and_is_idempotent():
    generate("--ensure", "150", "--seed", "3")
    assert demo_reports().count() == 150
    assert "Nothing to add" in generate("--ensure", "150", "--seed", "3")
    assert demo_reports().count() == 150
    generate("--ensure", "180", "--seed", "4")
    assert demo_reports().count() == 180
    references = list(demo_reports().values_list("reference", flat=True))
    assert len(set(references)) == 180


def test_recent_compliments_are_passed_on_or_wait_with_the_coordinator(monkeypatch):
    """As report_create does: a compliment is passed on as it comes in, unless routing gave it to the coordinator."""
    monkeypatch.setattr("geo_meldpunt.demo.timeline.DEMO_HISTORY_DAYS", 0)  # everything made today
    monkeypatch.setattr("geo_meldpunt.demo.world.KIND_WEIGHTS", {Kind.COMPLIMENT: 1.0})
    generate("--count", "200", "--seed", "3")

    compliments = [r for r in demo_reports().select_related("department") if r.kind == Kind.COMPLIMENT]
    assert compliments
    for report in compliments:
        expected = Status.NIEUW if report.department.is_coordinator else Status.DOORGEGEVEN
        assert report.status == expected, (report.category.slug, report.department.slug)
    assert {r.status for r in compliments} == {Status.NIEUW, Status.DOORGEGEVEN}
