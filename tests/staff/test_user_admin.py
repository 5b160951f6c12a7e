"""The user admin for the administrator role: it manages accounts, but cannot raise anyone, itself included, above
its own rights (no superuser status, no permission or group it does not hold, no editing of a superuser)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from geo_meldpunt.staff.groups import ADMINISTRATOR, HANDLER
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def permission(key: str) -> Permission:
    app_label, codename = key.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def change_form(user, **changes) -> dict:
    """The change form as the admin page posts it for `user`, with `changes` applied."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


@pytest.fixture
def administrator(client):
    user = staff_user(ADMINISTRATOR, username="beheerder-1")
    client.force_login(user)
    return user


def test_an_administrator_cannot_make_itself_superuser(client, administrator):
    response = client.post(
        f"/admin/auth/user/{administrator.pk}/change/", change_form(administrator, is_superuser="on")
    )

    assert response.status_code == 302  # saved, without the field it may not set
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_an_administrator_cannot_make_a_colleague_superuser(client, administrator):
    handler = staff_user(HANDLER)

    page = client.get(f"/admin/auth/user/{handler.pk}/change/").content.decode()
    client.post(f"/admin/auth/user/{handler.pk}/change/", change_form(handler, is_superuser="on"))

    assert 'name="is_superuser"' not in page
    handler.refresh_from_db()
    assert not handler.is_superuser


def test_an_administrator_cannot_edit_a_superuser_or_reset_their_password(client, administrator):
    root = staff_user(superuser=True)

    # It may see the account (auth.view_user), read-only.
    page = client.get(f"/admin/auth/user/{root.pk}/change/").content.decode()
    assert 'name="username"' not in page and 'name="_save"' not in page
    assert client.post(f"/admin/auth/user/{root.pk}/change/", change_form(root, is_active="")).status_code == 403
    reset = {"password1": "een-nieuw-wachtwoord-9", "password2": "een-nieuw-wachtwoord-9", "usable_password": "true"}
    assert client.post(f"/admin/auth/user/{root.pk}/password/", reset).status_code == 403
    assert client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active and not root.check_password("een-nieuw-wachtwoord-9")


def test_an_administrator_cannot_give_itself_a_permission_it_does_not_hold(client, administrator):
    assert not administrator.has_perm("auth.change_group")

    response = client.post(
        f"/admin/auth/user/{administrator.pk}/change/",
        change_form(administrator, user_permissions=[permission("auth.change_group").pk]),
    )

    assert response.status_code == 200  # the form again, with the field's error
    assert "user_permissions" in response.context["adminform"].form.errors
    assert not User.objects.get(pk=administrator.pk).has_perm("auth.change_group")


def test_an_administrator_cannot_join_a_group_with_more_rights_than_its_own(client, administrator):
    powerful = Group.objects.create(name="alles")
    powerful.permissions.add(permission("auth.change_group"), permission("auth.delete_user"))

    response = client.post(
        f"/admin/auth/user/{administrator.pk}/change/",
        change_form(administrator, groups=[*administrator.groups.values_list("pk", flat=True), powerful.pk]),
    )

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert not administrator.groups.filter(pk=powerful.pk).exists()


def test_an_administrator_can_still_give_a_colleague_a_role_within_its_own_rights(client, administrator):
    handler = staff_user(HANDLER)
    handlers = Group.objects.get(name=HANDLER)
    administrators = Group.objects.get(name=ADMINISTRATOR)

    response = client.post(
        f"/admin/auth/user/{handler.pk}/change/",
        change_form(
            handler, groups=[handlers.pk, administrators.pk], user_permissions=[permission("zones.view_zone").pk]
        ),
    )

    assert response.status_code == 302
    assert set(handler.groups.values_list("name", flat=True)) == {HANDLER, ADMINISTRATOR}
    assert User.objects.get(pk=handler.pk).has_perm("zones.view_zone")


def test_what_a_colleague_holds_beyond_the_administrators_reach_survives_its_edit(client, administrator):
    colleague = staff_user(HANDLER)
    colleague.user_permissions.add(permission("auth.delete_user"))

    # The page does not offer the permission, so the browser posts none.
    response = client.post(
        f"/admin/auth/user/{colleague.pk}/change/", change_form(colleague, first_name="An", user_permissions=[])
    )

    assert response.status_code == 302
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.first_name == "An"
    assert colleague.has_perm("auth.delete_user")


def test_a_superuser_keeps_the_full_user_admin(client):
    root = staff_user(superuser=True)
    client.force_login(root)
    colleague = staff_user(ADMINISTRATOR)

    response = client.post(f"/admin/auth/user/{colleague.pk}/change/", change_form(colleague, is_superuser="on"))

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_superuser
