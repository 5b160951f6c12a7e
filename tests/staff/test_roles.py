"""Who sees and does what: department handlers, the coordinator, phone desk, planner, ombudsdienst."""

import pytest
from django.contrib.auth.models import Group

from geo_meldpunt.reports import permissions
from geo_meldpunt.reports.models import Channel, Report, ReportEvent, Status
from geo_meldpunt.reports.services import Forbidden, report_note_add, report_reassign, report_transition
from geo_meldpunt.staff import roles
from geo_meldpunt.staff.groups import (
    ADMINISTRATOR,
    COORDINATOR,
    FIELD_STAFF,
    HANDLER,
    OMBUDSMAN,
    PHONE_DESK,
    PLANNER,
    ROLES,
)
from geo_meldpunt.staff.services import roles_sync
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two departments with a report each, and a handler for each."""
    a, b = DepartmentFactory(), DepartmentFactory()
    report_a = ReportFactory(category=CategoryFactory(department=a), reporter_name="Anna", reporter_phone="0470")
    report_b = ReportFactory(category=CategoryFactory(department=b), reporter_name="Bert")
    return {
        "a": a,
        "b": b,
        "report_a": report_a,
        "report_b": report_b,
        "handler_a": staff_user(HANDLER, departments=[a]),
        "handler_b": staff_user(HANDLER, departments=[b]),
    }


def visible(user, *reports) -> set[int]:
    return set(
        permissions.visible_reports(user, Report.objects.filter(pk__in=[r.pk for r in reports])).values_list(
            "pk", flat=True
        )
    )


def test_a_handler_sees_and_acts_on_its_own_department_only(world):
    handler_a, report_a, report_b = world["handler_a"], world["report_a"], world["report_b"]

    assert visible(handler_a, report_a, report_b) == {report_a.pk}
    assert permissions.can_view(handler_a, report_a) and not permissions.can_view(handler_a, report_b)
    assert permissions.can_see_personal_data(handler_a, report_a)
    assert not permissions.can_see_personal_data(handler_a, report_b)
    assert not permissions.can_transition(handler_a, report_b, Status.ONTVANGEN)
    with pytest.raises(Forbidden) as refused:
        report_transition(report=report_b, to=Status.ONTVANGEN, by=handler_a)
    assert refused.value.code == "forbidden"
    with pytest.raises(Forbidden):
        report_note_add(report=report_b, by=handler_a, text="Niet van ons?")
    with pytest.raises(Forbidden):
        report_reassign(report=report_b, department=world["a"], by=handler_a, reason="Wij doen het wel.")
    report_b.refresh_from_db()
    assert (report_b.status, report_b.department, report_b.events.count()) == (Status.NIEUW, world["b"], 1)


def test_a_handler_may_not_take_coordinator_only_steps(world):
    handler_a, report_a = world["handler_a"], world["report_a"]

    allowed = permissions.allowed_transitions(handler_a, report_a)

    assert Status.NIET_ONTVANKELIJK not in allowed
    assert {Status.ONTVANGEN, Status.IN_BEHANDELING, Status.BEANTWOORD} <= set(allowed)
    assert Status.NIET_ONTVANKELIJK in permissions.allowed_transitions(staff_user(COORDINATOR), report_a)


def test_a_department_membership_without_the_handler_role_gives_nothing(world):
    planner = staff_user(PLANNER, departments=[world["a"]])
    assert visible(planner, world["report_a"]) == set()
    assert not permissions.can_act(planner, world["report_a"])


def test_the_coordinator_and_the_administrator_see_everything(world):
    for user in (staff_user(COORDINATOR), staff_user(ADMINISTRATOR), staff_user(superuser=True)):
        assert visible(user, world["report_a"], world["report_b"]) == {world["report_a"].pk, world["report_b"].pk}
        assert permissions.can_see_personal_data(user, world["report_b"])
        assert roles.can_configure(user)


def test_a_planner_sees_no_report_and_no_personal_data_only_statistics(world):
    planner = staff_user(PLANNER)

    assert visible(planner, world["report_a"], world["report_b"]) == set()
    assert not permissions.can_see_personal_data(planner, world["report_a"])
    assert not permissions.can_transition(planner, world["report_a"], Status.ONTVANGEN)
    assert roles.can_see_statistics(planner)
    assert not roles.can_see_statistics(world["handler_a"])


def test_the_phone_desk_sees_what_it_entered_with_its_personal_data(world):
    desk = staff_user(PHONE_DESK)
    warden = staff_user(FIELD_STAFF)
    entered = ReportFactory(
        category=world["report_a"].category, channel=Channel.PHONE, created_by=desk, reporter_name="Beller"
    )

    assert visible(desk, entered, world["report_a"]) == {entered.pk}
    assert permissions.can_see_personal_data(desk, entered)
    assert not permissions.can_see_personal_data(desk, world["report_a"])
    assert not permissions.can_transition(desk, entered, Status.ONTVANGEN)
    assert visible(warden, entered) == set()


def test_the_ombudsdienst_reads_referred_cases_only_without_personal_data(world):
    ombudsman = staff_user(OMBUDSMAN)
    report_a = world["report_a"]
    assert visible(ombudsman, report_a, world["report_b"]) == set()

    ReportEvent.objects.create(report=report_a, event_type=ReportEvent.Type.OMBUDSMAN, public=False)

    assert visible(ombudsman, report_a, world["report_b"]) == {report_a.pk}
    assert permissions.can_view(ombudsman, report_a)
    assert not permissions.can_see_personal_data(ombudsman, report_a)
    assert not permissions.can_transition(ombudsman, report_a, Status.ONTVANGEN)


def test_nobody_logged_in_has_no_role(world):
    from django.contrib.auth.models import AnonymousUser

    for user in (None, AnonymousUser()):
        assert roles.roles_of(user) == frozenset()
        assert visible(user, world["report_a"]) == set()
        assert not permissions.can_see_personal_data(user, world["report_a"])


def test_an_inactive_user_has_no_role(world):
    handler = world["handler_a"]
    handler.is_active = False
    roles.forget(handler)
    assert visible(handler, world["report_a"]) == set()


def test_the_role_groups_exist_with_the_coordinators_configuration_permissions():
    roles_sync()
    roles_sync()  # idempotent

    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    coordinator = Group.objects.get(name=COORDINATOR)
    codenames = set(coordinator.permissions.values_list("codename", flat=True))
    assert {"change_category", "add_answertemplate", "change_routingrule"} <= codenames
    assert "delete_report" not in codenames
