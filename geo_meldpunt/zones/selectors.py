"""Reads of departments that more than one interface needs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Department


def compliment_departments() -> QuerySet[Department]:
    """The departments a reporter may name for a compliment: the city's own active services, the meldpunt included.

    Not the external bodies (the grid operator, the police, ...): the city promises to pass praise on to its own
    services, and these take reports over only by forwarding. The one rule for "may receive a compliment":
    report_validate checks a named department against this same query.
    """
    return Department.objects.filter(active=True, is_external=False).order_by("name_nl")
