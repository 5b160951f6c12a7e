"""Writing one batch of demo reports: references, ids, then the reports and their 'created' events by COPY.

The reports go in whole, deadlines included (rows.py), so nothing updates them afterwards.

COPY, not the ORM: a million reports must take minutes, not hours (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import secrets
from itertools import groupby

from django.db import connection

from geo_meldpunt.reports.models import ReportEvent, Status
from geo_meldpunt.reports.references import format_reference, reference_reserve

from .rows import BatchRows
from .tunables import DEMO_TOKEN_PREFIX

REPORT_COLUMNS = (
    "id, created_at, updated_at, reference, kind, point, address, description, impact, channel, language, status, "
    "reporter_name, reporter_email, reporter_phone, routing_reason, tracking_token, category_id, created_by_id, "
    "department_id, routing_rule_id, zone_id, acknowledge_due, answer_due"
)
EVENT_COLUMNS = "created_at, event_type, from_status, to_status, note, public, actor_id, department_id, report_id"


def batch_insert(*, rows: BatchRows) -> dict[int, int]:
    """Write one batch and return how many reports each year got.

    Call inside a transaction: references are reserved in it, so a failed batch leaves no gap, and the
    reference counters of the batch's years stay locked until it commits.
    """
    n = len(rows.kinds)
    per_year: dict[int, int] = {}
    references: list[str] = []
    for year, run in groupby(rows.years):  # created_at is sorted, so each year is one run and numbers follow time
        k = len(list(run))
        prefix, y, first = reference_reserve(count=k, year=year)
        references.extend(format_reference(prefix, y, first + j) for j in range(k))
        per_year[year] = k

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")  # demo data: losing the last batch on a crash is fine
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('reports_report', 'id')) FROM generate_series(1, %s)", [n]
        )
        ids = [r[0] for r in cursor.fetchall()]
        with cursor.copy(f"COPY reports_report ({REPORT_COLUMNS}) FROM STDIN") as copy:
            for i in range(n):
                department_id, zone_id, rule_id, reason, _external = rows.routed[i]
                acknowledge_due, answer_due = rows.due[i]
                copy.write_row(
                    (
                        ids[i],
                        rows.created_at[i],
                        rows.updated_at[i],
                        references[i],
                        rows.kinds[i],
                        f"SRID=4326;POINT({rows.lons[i]!r} {rows.lats[i]!r})",
                        "",
                        rows.descriptions[i],
                        rows.impacts[i],
                        rows.channels[i],
                        "nl",
                        rows.statuses[i],
                        "",
                        rows.emails[i],
                        "",
                        reason,
                        DEMO_TOKEN_PREFIX + secrets.token_urlsafe(18),
                        rows.category_ids[i],
                        rows.created_by_ids[i],
                        department_id,
                        rule_id,
                        zone_id,
                        acknowledge_due,
                        answer_due,
                    )
                )
        with cursor.copy(f"COPY reports_reportevent ({EVENT_COLUMNS}) FROM STDIN") as copy:
            created_event = str(ReportEvent.Type.CREATED)
            for i in range(n):
                department_id, _zone_id, _rule_id, reason, _external = rows.routed[i]
                copy.write_row(
                    (
                        rows.created_at[i],
                        created_event,
                        "",
                        str(Status.NIEUW),
                        reason,
                        True,
                        rows.created_by_ids[i],
                        department_id,
                        ids[i],
                    )
                )
    return per_year
