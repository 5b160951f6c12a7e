"""Actions on a report from the back office: each calls its service, refusals are shown, nothing typed is lost."""

from __future__ import annotations

import re

import pytest

from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports import services
from geo_meldpunt.reports.models import Kind, Report, ReportEvent, Status
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER
from geo_meldpunt.zones.models import Department
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory, project
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def category(department):
    return CategoryFactory(department=department)


@pytest.fixture
def handler(department):
    return staff_user(HANDLER, departments=[department], username="els")


@pytest.fixture
def report(category):
    return ReportFactory(category=category, reporter_email="melder@example.org")


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def url(report: Report, action: str = "") -> str:
    return f"/behandeling/meldingen/{report.reference}/" + (f"{action}/" if action else "")


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def step(client, report: Report, to: str, *, version: int | None = None, **data):
    return client.post(
        url(report, "status"), {"to": to, "version": report.version if version is None else version, **data}
    )


def test_a_step_calls_report_transition_with_the_version_the_handler_saw(client_as, handler, report, monkeypatch):
    calls = []
    real = services.report_transition

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "report_transition", spy)
    response = step(client_as(handler), report, Status.ONTVANGEN)

    assert response.status_code == 302 and response["Location"] == url(report) + "#status"
    assert len(calls) == 1
    assert calls[0]["to"] == Status.ONTVANGEN and calls[0]["by"] == handler and calls[0]["expected_version"] == 1
    assert fresh(report).status == Status.ONTVANGEN
    page = client_as(handler).get(url(report)).content.decode()
    assert 'class="bo-message bo-message--success"' in page
    assert 'data-status="ontvangen"' in page


def test_a_melding_walks_to_an_answer_and_the_reporter_is_mailed(client_as, handler, report):
    client = client_as(handler)
    report = fresh(report)
    for to, data in (
        (Status.ONTVANGEN, {}),
        (Status.IN_BEHANDELING, {}),
        (Status.WACHT_OP_MELDER, {"note": "Welk huisnummer is het?"}),
        (Status.IN_BEHANDELING, {}),
        (Status.BEANTWOORD, {"note": "De stoeptegel ligt weer vast."}),
    ):
        assert step(client, report, to, **data).status_code == 302, to
        report = fresh(report)
        assert report.status == to

    assert report.answer == "De stoeptegel ligt weer vast."
    keys = set(OutgoingEmail.objects.filter(report=report).values_list("template_key", flat=True))
    assert {TemplateKey.WAITING_FOR_REPORTER, TemplateKey.ANSWER, TemplateKey.SATISFACTION_QUESTION} <= keys
    html = client.get(url(report)).content.decode()
    for key in (TemplateKey.ACKNOWLEDGEMENT, TemplateKey.WAITING_FOR_REPORTER, TemplateKey.ANSWER):
        assert f'data-email="{key}"' in html
    assert "data-survey" in html


def test_a_missing_text_is_refused_at_its_field_and_the_form_stays_open(client_as, handler, report):
    response = step(client_as(handler), report, Status.WACHT_OP_MELDER, note="   ")

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<details class="bo-action" id="action-transitionwacht_op_melder"[^>]* open>', html)
    assert 'id="wacht_op_melder-note-error"' in html and 'aria-invalid="true"' in html
    assert fresh(report).status == Status.NIEUW


def test_a_stale_version_shows_the_conflict_the_fresh_state_and_keeps_the_typed_answer(client_as, handler, report):
    seen = report.version
    colleague = staff_user(HANDLER, departments=[report.department])
    services.report_transition(report=report, to=Status.IN_BEHANDELING, by=colleague, expected_version=seen)

    response = step(client_as(handler), report, Status.BEANTWOORD, version=seen, note="Mijn lange antwoord.")

    assert response.status_code == 409
    html = response.content.decode()
    assert "data-conflict" in html and 'role="alert"' in html
    assert 'data-status="in_behandeling"' in html  # the report as it is now
    # The answer form is open again, with the text as typed and the version now current.
    assert re.search(r'<details class="bo-action" id="action-transitionbeantwoord"[^>]* open>', html)
    assert re.search(r'<textarea id="beantwoord-note"[^>]*>\s*Mijn lange antwoord.</textarea>', html)
    assert f'name="version" value="{fresh(report).version}"' in html
    assert fresh(report).status == Status.IN_BEHANDELING and fresh(report).answer == ""


def test_a_conflict_on_a_step_no_longer_possible_shows_the_typed_text_to_copy(client_as, handler, report):
    seen = report.version
    services.report_answer(report=report, by=staff_user(COORDINATOR), text="Al beantwoord.", expected_version=seen)

    response = step(client_as(handler), report, Status.WACHT_OP_MELDER, version=seen, note="Welk huisnummer?")

    assert response.status_code == 409
    html = response.content.decode()
    assert re.search(r'<textarea id="orphan-text" rows="6" readonly>Welk huisnummer\?</textarea>', html)
    assert fresh(report).status == Status.BEANTWOORD


def test_a_stale_reassignment_is_a_conflict_too(client_as, handler, report):
    seen = report.version
    services.report_note_add(report=report, by=handler, text="Eerst kijken.")  # a note changes no version
    services.report_transition(report=report, to=Status.ONTVANGEN, by=handler)
    target = DepartmentFactory()

    response = client_as(handler).post(
        url(report, "herverdelen"), {"version": seen, "department": target.slug, "reason": "Niet van ons."}
    )

    assert response.status_code == 409
    assert "Niet van ons." in response.content.decode()
    assert fresh(report).department_id == report.department_id


def test_a_coordinator_only_step_is_the_403_page_for_a_handler(client_as, handler, report):
    response = step(client_as(handler), report, Status.NIET_ONTVANKELIJK, note="Spam.")

    assert response.status_code == 403
    assert "data-forbidden" in response.content.decode()
    assert fresh(report).status == Status.NIEUW


def test_forwarding_needs_an_external_body(client_as, handler, report):
    client = client_as(handler)
    refused = step(client, report, Status.DOORVERWEZEN, note="")
    assert refused.status_code == 400
    assert 'id="doorverwezen-department-error"' in refused.content.decode()

    fluvius = Department.objects.get(slug="fluvius")
    assert (
        step(client, report, Status.DOORVERWEZEN, department=fluvius.slug, note="Fluvius herstelt lampen.").status_code
        == 302
    )
    event = ReportEvent.objects.filter(report=report, event_type=ReportEvent.Type.FORWARDED).get()
    assert event.department == fluvius and event.note == "Fluvius herstelt lampen."


def test_reassigning_moves_the_report_and_sends_the_handler_back_to_the_queue(client_as, handler, report):
    target = DepartmentFactory()
    response = client_as(handler).post(
        url(report, "herverdelen"), {"version": report.version, "department": target.slug, "reason": "Groenzone."}
    )

    assert response.status_code == 302 and response["Location"] == "/behandeling/"
    moved = fresh(report)
    assert moved.department == target and moved.routing_rule is None
    assert ReportEvent.objects.filter(report=report, event_type=ReportEvent.Type.REASSIGNED, note="Groenzone.").exists()


def test_reassigning_needs_a_reason(client_as, handler, report):
    response = client_as(handler).post(
        url(report, "herverdelen"), {"version": report.version, "department": DepartmentFactory().slug, "reason": ""}
    )
    assert response.status_code == 400
    assert 'id="reassign-reason-error"' in response.content.decode()


def test_merging_into_a_nearby_report(client_as, handler, report, category):
    original = ReportFactory(
        category=category, point=project(report.point, metres=20), reporter_email="eerste@example.org"
    )
    client = client_as(handler)
    assert f'<option value="{original.reference}">' in client.get(url(report)).content.decode()

    response = client.post(url(report, "samenvoegen"), {"version": report.version, "into": original.reference})

    assert response.status_code == 302
    merged = fresh(report)
    assert merged.status == Status.SAMENGEVOEGD and merged.merged_into == original
    assert original.followers.filter(email="melder@example.org").exists()
    html = client.get(url(merged)).content.decode()
    assert "data-merged-into" in html and "data-readonly" not in html


def test_merging_into_an_unknown_reference_is_refused_at_the_field(client_as, handler, report):
    response = client_as(handler).post(
        url(report, "samenvoegen"), {"version": report.version, "into_reference": "ost-2000-999999"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="merge-into_reference-error"' in html and "OST-2000-999999" in html


def test_an_internal_note_is_added_and_marked_internal(client_as, handler, report):
    client = client_as(handler)
    response = client.post(url(report, "notitie"), {"version": report.version, "text": "Ploeg langs maandag."})

    assert response.status_code == 302
    event = ReportEvent.objects.get(report=report, event_type=ReportEvent.Type.NOTE)
    assert event.note == "Ploeg langs maandag." and not event.public and event.actor == handler
    html = client.get(url(report)).content.decode()
    assert "tag--internal" in html and "Ploeg langs maandag." in html


def test_a_compliment_is_passed_on_and_closed(client_as, handler, department):
    # A department without a mailbox: the compliment waits in its queue until a handler passes it on.
    Department.objects.filter(pk=department.pk).update(email="")
    department.refresh_from_db()
    compliment = ReportFactory(
        category=CategoryFactory(department=department, kinds=[Kind.COMPLIMENT]), kind=Kind.COMPLIMENT
    )
    client = client_as(handler)
    html = client.get(url(compliment)).content.decode()
    assert 'name="to" value="doorgegeven"' in html and "/samenvoegen/" not in html

    assert step(client, compliment, Status.DOORGEGEVEN).status_code == 302
    assert step(client, fresh(compliment), Status.AFGESLOTEN).status_code == 302
    assert fresh(compliment).status == Status.AFGESLOTEN


def test_a_post_for_another_departments_report_is_refused(client_as, handler):
    elsewhere = ReportFactory(category=CategoryFactory())
    response = step(client_as(handler), elsewhere, Status.ONTVANGEN)
    assert response.status_code == 403
    assert fresh(elsewhere).status == Status.NIEUW


def test_actions_are_post_only(client_as, handler, report):
    assert client_as(handler).get(url(report, "status")).status_code == 405
