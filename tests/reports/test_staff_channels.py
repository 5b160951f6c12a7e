"""Who may report on which channel, and what a report by an employee looks like (issue 8: every channel)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.models import TemplateKey
from geo_meldpunt.reports.models import Channel, Kind, Report
from geo_meldpunt.staff.groups import FIELD_STAFF, PHONE_DESK
from tests.factories import CategoryFactory, DepartmentFactory
from tests.notifications.helpers import emails, new_report

pytestmark = pytest.mark.django_db


def user_with(role: str | None = None, **fields):
    user = get_user_model().objects.create_user(
        fields.pop("username", "medewerker"), email=fields.pop("email", "an.desmet@oostende.be"), **fields
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def test_a_warden_with_the_role_but_no_admin_flag_may_report_from_the_field():
    warden = user_with(FIELD_STAFF, first_name="An", last_name="Desmet")

    report = new_report(channel=Channel.FIELD, created_by=warden, reporter_email="")

    assert report.channel == Channel.FIELD
    assert (report.reporter_name, report.reporter_email) == ("An Desmet", "an.desmet@oostende.be")


@pytest.mark.parametrize("channel", [Channel.FIELD, Channel.STAFF, Channel.PHONE, Channel.POST])
def test_a_logged_in_citizen_without_a_role_may_not_use_a_staff_channel(channel):
    citizen = user_with(username="burger")

    with pytest.raises(ApplicationError) as refused:
        new_report(channel=channel, created_by=citizen)

    assert (refused.value.field, refused.value.code) == ("channel", "staff_only")
    assert not Report.objects.exists()


@pytest.mark.parametrize("channel", [Channel.FIELD, Channel.STAFF])
def test_an_employee_reporting_in_their_own_city_gets_no_acknowledgement(channel):
    colleague = user_with(PHONE_DESK if channel == Channel.STAFF else FIELD_STAFF)

    report = new_report(channel=channel, created_by=colleague, reporter_email="")

    assert report.reporter_email == "an.desmet@oostende.be"
    assert emails(report) == []


def test_a_caller_entered_by_the_phone_desk_is_acknowledged():
    agent = user_with(PHONE_DESK)

    report = new_report(channel=Channel.PHONE, created_by=agent, reporter_email="beller@example.org", language="fr")

    assert [(e.template_key, e.to, e.language) for e in emails(report)] == [
        (TemplateKey.ACKNOWLEDGEMENT, "beller@example.org", "fr")
    ]
    # The caller is the reporter, not the agent.
    assert report.reporter_email == "beller@example.org"


def test_an_employee_complimenting_colleagues_gets_no_thanks_mail_but_the_service_is_told():
    colleague = user_with(PHONE_DESK)
    category = CategoryFactory(kinds=[Kind.COMPLIMENT])
    service = DepartmentFactory(email="groendienst@oostende.be")

    report = new_report(
        kind=Kind.COMPLIMENT,
        category=category,
        channel=Channel.STAFF,
        created_by=colleague,
        reporter_email="",
        compliment_department=service,
    )

    assert [(e.template_key, e.to) for e in emails(report)] == [(TemplateKey.COMPLIMENT_FORWARD, service.email)]
