"""Reads of the feedback loop: surveys by link, referrals to the ombudsman, compliments per department."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.reports.models import Kind, Report

from .models import OmbudsmanReferral, SatisfactionSurvey


def survey_by_token(*, token: str) -> SatisfactionSurvey | None:
    if not lookup_value_ok(token):
        return None
    return SatisfactionSurvey.objects.select_related("report").filter(token=token).first()


def ombudsman_referrals(*, since: dt.datetime | None = None) -> QuerySet[OmbudsmanReferral]:
    """Referrals to the ombudsman, newest first, with their report, survey and department."""
    qs = OmbudsmanReferral.objects.select_related("report", "report__department", "report__category", "survey")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.order_by("-created_at", "-id")


def ombudsman_referrals_count(*, since: dt.datetime | None = None) -> int:
    """How many dissatisfied reporters were referred to the ombudsman (since `since`): the flow the city wants
    to reduce, for the coordinator's and the ombudsdienst's figures."""
    qs = OmbudsmanReferral.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.count()


def department_compliments(*, department, since: dt.datetime | None = None) -> QuerySet[Report]:
    """The compliments a department received, newest first (each was also mailed to it when it came in)."""
    qs = Report.objects.filter(kind=Kind.COMPLIMENT, department=department).select_related("category")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.order_by("-created_at", "-id")


def surveys_unanswered_ids(*, asked_before: dt.datetime, limit: int) -> list[int]:
    """Surveys asked before `asked_before`, never answered and not yet handled, oldest first (at most `limit`)."""
    return list(
        SatisfactionSurvey.objects.filter(
            handled_at__isnull=True, answered_at__isnull=True, created_at__lte=asked_before
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
