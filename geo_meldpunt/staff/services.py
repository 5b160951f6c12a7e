"""Writes of staff roles and memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones.models import Department

from .groups import ROLES, groups_sync
from .models import StaffMembership
from .roles import forget


def roles_sync() -> None:
    """Make sure every role group exists with its admin permissions (the data migration does the same)."""
    groups_sync(group_model=Group, permission_model=Permission)


@transaction.atomic
def staff_roles_set(*, user: Any, roles: Iterable[str], departments: Iterable[Department] = ()) -> None:
    """Give `user` exactly these meldpunt roles and departments; other groups of the user are left alone."""
    wanted = set(roles)
    unknown = wanted - set(ROLES)
    if unknown:
        raise ApplicationError(f"Unknown roles: {', '.join(sorted(unknown))}", field="roles")
    groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    user.groups.remove(*Group.objects.filter(name__in=set(ROLES) - wanted))
    user.groups.add(*groups)
    membership, _created = StaffMembership.objects.get_or_create(user=user)
    membership.departments.set(list(departments))
    forget(user)
