"""Staff users with roles, for tests that need someone to act."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from geo_meldpunt.staff.services import staff_roles_set

_numbers = itertools.count(1)


def staff_user(*roles: str, departments=(), username: str | None = None, superuser: bool = False):
    """A logged-in-able staff member with these meldpunt roles (group names) and handler departments."""
    user = get_user_model().objects.create_user(
        username=username or f"medewerker-{next(_numbers)}",
        email="medewerker@example.org",
        is_staff=True,
        is_superuser=superuser,
    )
    staff_roles_set(user=user, roles=roles, departments=departments)
    return user
