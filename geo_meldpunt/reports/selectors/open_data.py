"""Open data: every report anyone may see (a public kind in a public category), anonymised, read in constant memory
(docs/open-data.md).

What leaves: dates (local days, no times), kind, category, department, channel, status and the place snapped to
a metric grid of at least OPEN_DATA_MIN_GRID_M metres. What never leaves: the description, the address, the
reporter's name, e-mail and phone, the answer, photos, references and tracking tokens (a reference would tie a
row to the exact place the public map shows while a report is open), any report in a category that is not
public (service complaints, police matters, compliments) and any klacht or compliment, whatever its category
(choices.PUBLIC_KINDS, the rule of selectors.public.PUBLIC_VISIBLE).

One query read through a server-side cursor inside a transaction (so PostgreSQL streams it rather than
materialising it, as a cursor WITH HOLD would), in created_at order on the created_at index: a million rows pass
through a few thousand at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction

from ..choices import PUBLIC_KINDS

# The coarsest anonymisation the city may choose is its own; the finest is this.
OPEN_DATA_MIN_GRID_M = 25
# Rows fetched from the server-side cursor at a time.
OPEN_DATA_CHUNK = 2000

OPEN_DATA_COLUMNS = (
    "created",
    "acknowledged",
    "answered",
    "closed",
    "kind",
    "category",
    "category_name",
    "department",
    "department_name",
    "channel",
    "status",
    "x",
    "y",
    "lon",
    "lat",
)

_SELECT = """
SELECT
    (r.created_at AT TIME ZONE %(tz)s)::date,
    (r.acknowledged_at AT TIME ZONE %(tz)s)::date,
    (r.answered_at AT TIME ZONE %(tz)s)::date,
    (r.closed_at AT TIME ZONE %(tz)s)::date,
    r.kind, c.slug, c.name_nl, d.slug, d.name_nl, r.channel, r.status,
    ST_X(g.cell)::bigint, ST_Y(g.cell)::bigint,
    round(ST_X(ST_Transform(g.cell, 4326))::numeric, 6), round(ST_Y(ST_Transform(g.cell, 4326))::numeric, 6)
FROM reports_report r
JOIN reports_category c ON c.id = r.category_id
JOIN zones_department d ON d.id = r.department_id
CROSS JOIN LATERAL (
    SELECT ST_SnapToGrid(ST_Transform(r.point::geometry, %(srid)s), %(grid)s) AS cell
) g
WHERE c.is_public AND r.kind = ANY(%(public_kinds)s)
"""


def open_data_grid_m() -> int:
    """The grid (metres) locations are snapped to: OPEN_DATA_GRID_M, never under OPEN_DATA_MIN_GRID_M."""
    return max(OPEN_DATA_MIN_GRID_M, int(settings.OPEN_DATA_GRID_M))


def open_data_reports(
    *, created_from: dt.date | None = None, created_to: dt.date | None = None
) -> Iterator[list[tuple]]:
    """Anonymised reports anyone may see (public kinds in public categories), oldest first, in chunks of rows
    (OPEN_DATA_COLUMNS, in order).

    `created_from` and `created_to` are local days, both included. Lazy: nothing is read before the first chunk
    is asked for, and the transaction and cursor stay open until the last one has been taken (or the iterator is
    closed), so a consumer should not hold it idle for long.
    """
    params: dict[str, str | int | dt.date | list[str]] = {
        "tz": settings.TIME_ZONE,
        "srid": settings.OPEN_DATA_GRID_SRID,
        "grid": open_data_grid_m(),
        "public_kinds": [str(kind) for kind in PUBLIC_KINDS],
    }
    sql = _SELECT
    # Bounds as instants (local midnight), so that the created_at index serves them.
    if created_from is not None:
        sql += " AND r.created_at >= (%(from)s::date::timestamp AT TIME ZONE %(tz)s)"
        params["from"] = created_from
    if created_to is not None:
        sql += " AND r.created_at < ((%(to)s::date + 1)::timestamp AT TIME ZONE %(tz)s)"
        params["to"] = created_to
    sql += " ORDER BY r.created_at, r.id"
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(OPEN_DATA_CHUNK):
            yield rows
