"""create_demo_staff: one account per role with a known password, refused unless DEBUG is on."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from geo_meldpunt.staff import roles
from geo_meldpunt.staff.groups import HANDLER

pytestmark = pytest.mark.django_db


def test_create_demo_staff_makes_one_user_per_role_and_only_with_debug(settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_staff")

    settings.DEBUG = True
    call_command("create_demo_staff")
    call_command("create_demo_staff")  # idempotent

    users = get_user_model().objects.filter(username__in=["behandelaar", "coordinator", "planner", "beheerder"])
    assert users.count() == 4
    handler = users.get(username="behandelaar")
    assert handler.check_password("meldpunt-demo")
    assert roles.roles_of(handler) == {HANDLER}
    assert set(handler.staff_membership.departments.values_list("slug", flat=True)) == {"openbare-werken"}
    assert "meldpunt-demo" in capsys.readouterr().out
