"""Reads for the field page (/veld/): a member of staff reporting from the street.

- categories_for_reporter: the categories of a kind, the reporter's most used first;
- reports_around: the open reports near a point that they may confirm, nearest first;
- reports_created_by: what they reported themselves, newest first.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet

from .. import permissions
from ..models import OPEN_STATUSES, Category, Follower, Kind, Report


def categories_for_reporter(*, user: Any, kind: str = Kind.MELDING) -> QuerySet[Category]:
    """The active categories that accept `kind`, each with `used`: how many reports `user` filed in it; the most
    used first, then the rest in their usual order.

    One query. The user's condition sits in the join (FilteredRelation), so only their reports are joined, through
    the index on created_by; a FILTER on the count would join every report of every category first.
    """
    return (
        Category.objects.filter(active=True, kinds__contains=[kind])
        .select_related("parent")
        .annotate(own_reports=FilteredRelation("reports", condition=Q(reports__created_by=user)))
        .annotate(used=Count("own_reports"))
        .order_by("-used", "position", "name_nl")
    )


def reports_around(
    *, point: Point, user: Any, radius_m: int | None = None, limit: int | None = None
) -> QuerySet[Report]:
    """The open reports within `radius_m` metres of `point` (FIELD_AROUND_RADIUS_M by default) that `user` may
    confirm (permissions.confirmable_reports), nearest first, with `distance` (metres on the spheroid) and
    `following` (the user's e-mail address already follows it). At most `limit` (FIELD_AROUND_LIMIT).

    One query: ST_DWithin on the geography column (metres, index-backed) narrows first; compliments are left
    out (praise is not something to confirm).
    """
    radius = radius_m or settings.FIELD_AROUND_RADIUS_M
    candidates = Report.objects.filter(
        status__in=OPEN_STATUSES,
        point__dwithin=(point, D(m=radius)),
    ).exclude(kind=Kind.COMPLIMENT)
    email = (getattr(user, "email", "") or "").strip().lower()
    following = Follower.objects.filter(report=OuterRef("pk"), email=email) if email else Follower.objects.none()
    return (
        permissions.confirmable_reports(user, candidates)
        .select_related("category", "department")
        .annotate(distance=Distance("point", point), following=Exists(following))
        .order_by("distance", "id")[: limit or settings.FIELD_AROUND_LIMIT]
    )


def reports_created_by(*, user: Any, limit: int | None = None) -> QuerySet[Report]:
    """The reports `user` filed themselves (any channel), newest first; at most `limit` (FIELD_MINE_LIMIT)."""
    return (
        Report.objects.filter(created_by=user)
        .select_related("category", "department")
        .order_by("-created_at", "-id")[: limit or settings.FIELD_MINE_LIMIT]
    )
