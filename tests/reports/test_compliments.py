"""Compliments go straight to the service concerned: the one the reporter names, or the one its category routes to.

Against the Oostende reference data: "Compliment voor een medewerker of dienst" routes to the meldpunt coordinator
by default (the coordinator then finds the service), "Compliment over een straat, park of het strand" to public
works.
"""

import pytest

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import Category, Kind, Report, ReportEvent, Status
from geo_meldpunt.reports.services import report_create, report_reassign, report_transition
from geo_meldpunt.staff.groups import COORDINATOR
from geo_meldpunt.zones.models import Department
from geo_meldpunt.zones.selectors import compliment_departments
from tests.factories import WAPENPLEIN, point_at
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

PRAISE = "De medewerker aan het loket heeft me heel vriendelijk en snel geholpen."


def department(slug: str) -> Department:
    return Department.objects.get(slug=slug)


def compliment(category: str = "compliment-medewerker", **kwargs) -> Report:
    values = {
        "kind": Kind.COMPLIMENT,
        "category": Category.objects.get(slug=category),
        "point": None,
        "description": PRAISE,
        "reporter_name": "An",
        "reporter_email": "an@example.org",
    }
    values.update(kwargs)
    return report_create(**values)


def mails(report: Report, key: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(report=report, template_key=key).order_by("id"))


def test_a_compliment_for_a_named_service_is_passed_on_there_at_once_naming_the_staff_member():
    groen = department("groendienst")

    report = compliment(compliment_department=groen, compliment_staff_member="  Jef van de parkploeg ")

    report.refresh_from_db()
    assert (report.department, report.status) == (groen, Status.DOORGEGEVEN)
    assert report.compliment_staff_member == "Jef van de parkploeg"
    assert report.acknowledged_at is not None  # the reporter was thanked: no acknowledgement clock runs
    assert report.routing_rule is None and "Groendienst" in report.routing_reason
    created, passed_on = report.events.order_by("id")
    assert (created.event_type, created.to_status) == (ReportEvent.Type.CREATED, Status.NIEUW)
    assert (passed_on.event_type, passed_on.from_status, passed_on.to_status, passed_on.department) == (
        ReportEvent.Type.FORWARDED,
        Status.NIEUW,
        Status.DOORGEGEVEN,
        groen,
    )
    (forward,) = mails(report, TemplateKey.COMPLIMENT_FORWARD)
    assert forward.to == groen.email
    assert "Jef van de parkploeg" in forward.body and PRAISE in forward.body
    (thanks,) = mails(report, TemplateKey.COMPLIMENT_THANKS)
    assert thanks.to == "an@example.org"
    assert "meteen bezorgd aan Groendienst" in thanks.body
    assert "Meldpunt (coördinator)" not in thanks.body


def test_the_named_service_wins_over_the_category_and_the_place():
    netheid = department("netheid")

    report = compliment("compliment-openbaar-domein", compliment_department=netheid, point=point_at(*WAPENPLEIN))

    report.refresh_from_db()
    assert report.department == netheid  # not public works, where the category routes
    assert report.zone.slug == "centrum"  # the place is still recorded
    assert report.status == Status.DOORGEGEVEN


def test_a_compliment_whose_category_routes_to_a_service_is_passed_on_without_naming_it():
    report = compliment("compliment-openbaar-domein")

    report.refresh_from_db()
    assert (report.department.slug, report.status) == ("openbare-werken", Status.DOORGEGEVEN)
    (forward,) = mails(report, TemplateKey.COMPLIMENT_FORWARD)
    assert forward.to == report.department.email


def test_a_compliment_naming_no_service_waits_for_the_coordinator_who_passes_it_on():
    report = compliment()

    report.refresh_from_db()
    assert report.department.is_coordinator and report.status == Status.NIEUW
    # The coordinator's own mailbox is not "the service concerned": nothing is forwarded yet, and the reporter
    # is not told that the meldpunt itself got the praise.
    assert mails(report, TemplateKey.COMPLIMENT_FORWARD) == []
    (thanks,) = mails(report, TemplateKey.COMPLIMENT_THANKS)
    assert "bezorgen het aan de dienst die het aangaat" in thanks.body
    assert "Meldpunt (coördinator)" not in thanks.body

    coordinator = staff_user(COORDINATOR, username="coord")
    onthaal = department("onthaal")
    report = report_reassign(report=report, department=onthaal, by=coordinator, reason="Het loket is onthaal.")
    report = report_transition(report=report, to=Status.DOORGEGEVEN, by=coordinator)
    (forward,) = mails(report, TemplateKey.COMPLIMENT_FORWARD)
    assert forward.to == onthaal.email


def test_a_service_without_a_mailbox_gets_the_compliment_in_its_queue_not_as_passed_on():
    groen = department("groendienst")
    Department.objects.filter(pk=groen.pk).update(email="")
    groen.refresh_from_db()

    report = compliment(compliment_department=groen)

    report.refresh_from_db()
    assert (report.department, report.status) == (groen, Status.NIEUW)
    assert mails(report, TemplateKey.COMPLIMENT_FORWARD) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_external": True}, "is geen stadsdienst"),
        ({"active": False}, "is niet meer in gebruik"),
    ],
)
def test_an_external_or_inactive_department_cannot_be_named(change, message):
    named = department("groendienst")
    Department.objects.filter(pk=named.pk).update(**change)
    named.refresh_from_db()
    before = Report.objects.count()

    with pytest.raises(ApplicationError) as refused:
        compliment(compliment_department=named)

    assert refused.value.field == "compliment_department"
    assert message in refused.value.message
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"compliment_department": "groendienst"}, "compliment_department"),
        ({"compliment_staff_member": "Jef"}, "compliment_staff_member"),
    ],
)
def test_only_a_compliment_names_a_service_or_a_staff_member(kwargs, field):
    if "compliment_department" in kwargs:
        kwargs = {"compliment_department": department(kwargs["compliment_department"])}
    with pytest.raises(ApplicationError) as refused:
        report_create(
            kind=Kind.MELDING,
            category=Category.objects.get(slug="zwerfvuil"),
            point=point_at(*WAPENPLEIN),
            description="Zakken afval naast de vuilbak.",
            **kwargs,
        )
    assert refused.value.field == field
    assert Report.objects.count() == 0


def test_the_services_offered_are_the_citys_own_active_departments():
    offered = set(compliment_departments().values_list("slug", flat=True))
    assert "meldpunt" in offered and "groendienst" in offered
    assert not Department.objects.filter(slug__in=offered, is_external=True).exists()
    assert "fluvius" not in offered
