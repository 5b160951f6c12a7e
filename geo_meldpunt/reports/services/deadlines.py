"""Deadlines of reports that have none: made before deadlines were stored, or by the bulk COPY of demo data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from .. import sla
from ..models import deadlines_config


@transaction.atomic
def reports_deadlines_fill(*, config: Mapping[str, Any] | None = None) -> int:
    """Store the deadlines of reports that have none. Returns the number of reports filled.

    Computed as report_create does, from the local date of creation and the regulation in force (`config`, by
    default deadlines_config()); one UPDATE from a temporary table of (kind, category, day) groups, so a million
    rows take seconds. Statuses, timestamps and pauses of those reports are left as they are: their history is
    not known.
    """
    if config is None:
        config = deadlines_config()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT r.kind, r.category_id, c.answer_days, c.working_days, "
            "(r.created_at AT TIME ZONE %s)::date FROM reports_report r "
            "JOIN reports_category c ON c.id = r.category_id WHERE r.acknowledge_due IS NULL",
            [settings.TIME_ZONE],
        )
        groups = cursor.fetchall()
        if not groups:
            return 0
        rows = []
        for kind, category_id, answer_days, working_days, day in groups:
            due = sla.deadlines_for(
                kind=kind, category_days=answer_days, category_working_days=working_days, received=day, config=config
            )
            rows.append((kind, category_id, day, due.acknowledge_due, due.answer_due))
        cursor.execute(
            "CREATE TEMPORARY TABLE reports_due_fill (kind varchar(20), category_id bigint, day date, "
            "acknowledge_due date, answer_due date)"
        )
        cursor.executemany("INSERT INTO reports_due_fill VALUES (%s, %s, %s, %s, %s)", rows)
        # Autovacuum never analyses a temporary table: without this the planner guesses its size.
        cursor.execute("ANALYZE reports_due_fill")
        cursor.execute(
            "UPDATE reports_report r SET acknowledge_due = f.acknowledge_due, answer_due = f.answer_due "
            "FROM reports_due_fill f WHERE r.acknowledge_due IS NULL AND r.kind = f.kind "
            "AND r.category_id = f.category_id AND (r.created_at AT TIME ZONE %s)::date = f.day",
            [settings.TIME_ZONE],
        )
        filled = cursor.rowcount
        cursor.execute("DROP TABLE reports_due_fill")
    return filled
