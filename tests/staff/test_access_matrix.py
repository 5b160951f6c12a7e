"""Who gets in where: every role against every kind of endpoint, on a report of department A.

The rules are reports/permissions.py and staff/roles.py: a handler acts on its own department's reports only;
the coordinator and the administrator group on every report; planners and management (directie) see figures,
never a report; a field warden (a reporter among the staff) sees what they entered; an account without a role
and an anonymous visitor get nothing but the login. A refused action changes nothing: no status, no department,
no history event.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.forms import MultiWidget

from geo_meldpunt.reports.models import Report, ReportEvent, Status
from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, MANAGEMENT, PLANNER
from geo_meldpunt.staff.services import staff_roles_set
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory

pytestmark = pytest.mark.django_db

CITY = "2.88,51.2,2.96,51.24"

# Outcomes, as a person would see them.
OK = "ok"  # the page (200) or the action done (302 back to the report or the queue)
LOGIN = "login"  # sent to the login page
NO = "forbidden"  # 403, nothing changed

ROLES = ["anonymous", "no_role", "field_staff", "handler_a", "handler_b", "coordinator", "planner", "directie", "admin"]
# What each role gets at each endpoint, for a report of department A.
EXPECTED = {
    #                read   transition assign answer note  export insight heat_api admin
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, NO, LOGIN),
    "no_role": (NO, NO, NO, NO, NO, NO, NO, NO, LOGIN),
    "field_staff": (NO, NO, NO, NO, NO, NO, NO, NO, LOGIN),
    "handler_a": (OK, OK, OK, OK, OK, NO, NO, NO, LOGIN),
    "handler_b": (NO, NO, NO, NO, NO, NO, NO, NO, LOGIN),
    "coordinator": (OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "planner": (NO, NO, NO, NO, NO, OK, OK, OK, LOGIN),
    "directie": (NO, NO, NO, NO, NO, OK, OK, OK, LOGIN),
    "admin": (OK, OK, OK, OK, OK, OK, OK, OK, OK),
}
ENDPOINTS = ["read", "transition", "assign", "answer", "note", "export", "insight", "heat_api", "admin"]
# Actions that would change the report when allowed.
WRITES = {"transition", "assign", "answer", "note"}


@pytest.fixture
def world():
    department_a, department_b = DepartmentFactory(), DepartmentFactory()
    category = CategoryFactory(department=department_a)
    report = ReportFactory(category=category, reporter_email="melder@example.org")
    assert report.department == department_a
    users: dict[str, object] = {"anonymous": None}

    def make(name: str, *roles: str, departments=(), is_staff: bool = False):
        user = get_user_model().objects.create_user(username=f"matrix-{name}", is_staff=is_staff)
        staff_roles_set(user=user, roles=roles, departments=departments)
        users[name] = user

    make("no_role")
    make("field_staff", FIELD_STAFF)
    make("handler_a", HANDLER, departments=[department_a])
    make("handler_b", HANDLER, departments=[department_b])
    # The coordinator and the administrators configure in the admin: they have is_staff.
    make("coordinator", COORDINATOR, is_staff=True)
    make("planner", PLANNER)
    make("directie", MANAGEMENT)
    make("admin", ADMINISTRATOR, is_staff=True)
    return {"report": report, "department_b": department_b, "users": users}


def _request(client, endpoint: str, report: Report, department_b):
    base = f"/behandeling/meldingen/{report.reference}/"
    version = report.version
    if endpoint == "read":
        return client.get(base)
    if endpoint == "transition":
        return client.post(base + "status/", {"to": Status.IN_BEHANDELING, "version": version})
    if endpoint == "answer":
        return client.post(base + "status/", {"to": Status.BEANTWOORD, "version": version, "note": "Hersteld."})
    if endpoint == "assign":
        return client.post(
            base + "herverdelen/", {"department": department_b.slug, "reason": "Hoort bij B.", "version": version}
        )
    if endpoint == "note":
        return client.post(base + "notitie/", {"text": "Intern.", "version": version})
    if endpoint == "export":
        return client.get("/inzicht/export/meldingen.csv")
    if endpoint == "insight":
        return client.get("/inzicht/")
    if endpoint == "heat_api":
        return client.get("/api/v1/insight/cells/", {"bbox": CITY, "zoom": 13})
    if endpoint == "admin":
        return client.get("/admin/reports/category/")
    raise AssertionError(endpoint)


def _outcome(response) -> str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    if response.status_code == 403:
        return NO
    raise AssertionError(f"unexpected {response.status_code}")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_rules_say_on_another_departments_report(client, world, role, endpoint):
    report: Report = world["report"]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    events_before = ReportEvent.objects.filter(report=report).count()

    response = _request(client, endpoint, report, world["department_b"])

    expected = EXPECTED[role][ENDPOINTS.index(endpoint)]
    assert _outcome(response) == expected, (role, endpoint, response.status_code)
    after = Report.objects.get(pk=report.pk)
    if endpoint in WRITES and expected != OK:
        assert (after.status, after.department_id, after.version) == (report.status, report.department_id, 1)
        assert ReportEvent.objects.filter(report=report).count() == events_before
    if endpoint in WRITES and expected == OK:
        assert ReportEvent.objects.filter(report=report).count() > events_before
    if endpoint == "read" and expected == OK:
        # Who may open it sees the reporter's contact details: the coordinator and the department's handler.
        assert "melder@example.org" in response.content.decode()


@pytest.mark.parametrize("role", ["handler_b", "planner", "directie", "field_staff", "no_role"])
def test_a_refused_role_is_not_told_the_reporters_details(client, world, role):
    client.force_login(world["users"][role])
    response = client.get(f"/behandeling/meldingen/{world['report'].reference}/")
    assert response.status_code == 403
    assert "melder@example.org" not in response.content.decode()


# --- The user admin: the administrator group manages accounts, never superuser status --------------------------


def _change_form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for n, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{n}"] = part or ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def test_the_administrator_group_cannot_make_itself_a_superuser(client, world):
    admin_user = world["users"]["admin"]
    client.force_login(admin_user)
    url = f"/admin/auth/user/{admin_user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "is_superuser" not in page.context["adminform"].form.fields
    # Single permissions: only those the administrator group holds itself may be offered (staff/admin.py).
    offered = page.context["adminform"].form.fields["user_permissions"].queryset
    held = admin_user.get_all_permissions()
    assert {f"{p.content_type.app_label}.{p.codename}" for p in offered} <= held

    data = _change_form_data(page)
    data.update(is_superuser="on", first_name="Beheer")
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    admin_user.refresh_from_db()
    assert admin_user.first_name == "Beheer"  # the rest of the form was taken
    assert not admin_user.is_superuser
    assert not admin_user.user_permissions.exists()


def test_the_administrator_group_cannot_change_a_superuser(client, world):
    superuser = get_user_model().objects.create_superuser(username="matrix-root", password="x")
    client.force_login(world["users"]["admin"])
    assert client.get(f"/admin/auth/user/{superuser.pk}/change/").status_code == 200  # read-only view
    response = client.post(f"/admin/auth/user/{superuser.pk}/change/", {"username": "overgenomen"})
    assert response.status_code == 403
    assert client.post(f"/admin/auth/user/{superuser.pk}/password/", {}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "matrix-root"


def test_a_superuser_still_grants_superuser_status(client, world):
    client.force_login(get_user_model().objects.create_superuser(username="matrix-root", password="x"))
    target = world["users"]["coordinator"]
    page = client.get(f"/admin/auth/user/{target.pk}/change/")
    data = _change_form_data(page)
    data["is_superuser"] = "on"
    assert client.post(f"/admin/auth/user/{target.pk}/change/", data).status_code == 302
    target.refresh_from_db()
    assert target.is_superuser
