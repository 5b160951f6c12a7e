"""Writes to the cell tables outside the triggers: the rebuild, its check, and the public map's sweep.

The triggers keep the cells right (migrations 0001 and 0002: at each COMMIT); these exist for what triggers cannot
do: move the public map's bound for solved reports as time passes (map_sweep), start over after a change of grids
or time zone (cells_rebuild), and prove every night that the cells still equal a fresh count (cells_check).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from .cells import solved_visible_since
from .grid import GRIDS
from .models import CellState

logger = logging.getLogger(__name__)

# The cells are written when a transaction commits (migration 0002). Run first, this folds what the current
# transaction has changed into them now, so the statements that follow see its reports and the cells together.
CELLS_NOW = "SET CONSTRAINTS stats_cells_at_commit IMMEDIATE"

# A fresh count of both tables, in the form of the stored ones, for the grids in CellState. Float sums may differ in
# the last digits after many additions and subtractions: positions are compared to 1e-6 degree per report.
_FRESH_HEAT = """
    SELECT g AS grid, stats_cell_x(lon, g) AS ix, stats_cell_y(lat, g) AS iy, kind, category_id, status_group, month,
           count(*) AS n, count(impact) AS impact_n, coalesce(sum(impact), 0) AS impact_sum,
           sum(lon) AS lon_sum, sum(lat) AS lat_sum
    FROM (SELECT r.kind, r.category_id, stats_status_group(r.status) AS status_group,
                 date_trunc('month', r.created_at AT TIME ZONE s.time_zone)::date AS month, r.impact,
                 ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
          FROM reports_report r, stats_cellstate s WHERE s.id = 1 AND r.point IS NOT NULL) d
    CROSS JOIN unnest((SELECT grids FROM stats_cellstate WHERE id = 1)) AS g
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
_FRESH_MAP = """
    SELECT g AS grid, stats_cell_x(lon, g) AS ix, stats_cell_y(lat, g) AS iy, k.category_id, status_group,
           count(*) AS n, sum(lon) AS lon_sum, sum(lat) AS lat_sum
    FROM (SELECT r.category_id, c.is_public, stats_status_group(r.status) AS status_group,
                 ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
          FROM reports_report r JOIN reports_category c ON c.id = r.category_id, stats_cellstate s
          WHERE s.id = 1 AND r.point IS NOT NULL AND stats_kind_public(r.kind)
            AND (stats_status_group(r.status) = 'open'
                 OR (stats_status_group(r.status) = 'solved' AND r.updated_at >= s.solved_since))) d
    CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE d.is_public) AS k(category_id)
    CROSS JOIN unnest((SELECT grids FROM stats_cellstate WHERE id = 1)) AS g
    GROUP BY 1, 2, 3, 4, 5
"""


def _differences_sql(fresh: str, table: str, key: list[str], counts: list[str]) -> str:
    on = " AND ".join(f"f.{k} = c.{k}" for k in key)
    differs = " OR ".join(f"coalesce(f.{v}, 0) <> coalesce(c.{v}, 0)" for v in counts)
    near = " OR ".join(
        f"abs(coalesce(f.{v}, 0) - coalesce(c.{v}, 0)) > 1e-6 * greatest(coalesce(f.n, 0), 1)"
        for v in ("lon_sum", "lat_sum")
    )
    return f"""
        SELECT '{table}', {", ".join(f"coalesce(f.{k}, c.{k})" for k in key)},
               {", ".join(f"c.{v}" for v in counts)}, {", ".join(f"f.{v}" for v in counts)}
        FROM ({fresh}) f FULL JOIN (SELECT * FROM {table} WHERE n <> 0 OR lon_sum <> 0) c ON {on}
        WHERE {differs} OR {near}
    """  # noqa: S608 - table and column names are this module's constants


@dataclass(frozen=True)
class CellDifference:
    table: str
    key: tuple
    stored: tuple
    fresh: tuple


def cells_check() -> list[CellDifference]:
    """Every cell whose stored counts differ from a fresh count over reports_report (empty: all is well).

    Two statements, each a full pass over reports (some seconds at 1,000,000): a nightly job, not a request.
    """
    heat_key = ["grid", "ix", "iy", "kind", "category_id", "status_group", "month"]
    heat_counts = ["n", "impact_n", "impact_sum"]
    map_key = ["grid", "ix", "iy", "category_id", "status_group"]
    found: list[CellDifference] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CELLS_NOW)
        for fresh, table, key, counts in (
            (_FRESH_HEAT, "stats_heatcell", heat_key, heat_counts),
            (_FRESH_MAP, "stats_mapcell", map_key, ["n"]),
        ):
            cursor.execute(_differences_sql(fresh, table, key, counts))
            for row in cursor.fetchall():
                k, c = len(key), len(counts)
                found.append(CellDifference(row[0], tuple(row[1 : 1 + k]), row[1 + k : 1 + k + c], row[1 + k + c :]))
    return found


@transaction.atomic
def cells_rebuild() -> None:
    """Both cell tables from scratch for grid.GRIDS and settings.TIME_ZONE, one INSERT per grid and table.

    Writers of reports wait for it (it locks the cell tables); at 1,000,000 reports it takes some tens of seconds.
    """
    CellState.objects.update_or_create(
        id=1,
        defaults={"grids": list(GRIDS), "time_zone": settings.TIME_ZONE},
        create_defaults={
            "grids": list(GRIDS),
            "time_zone": settings.TIME_ZONE,
            "solved_since": solved_visible_since(),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(CELLS_NOW)  # a change pending in this transaction is counted by the rebuild, not again after
        cursor.execute("SELECT stats_cells_rebuild()")


@transaction.atomic
def map_sweep() -> None:
    """Take the solved reports that aged past MAPS_RECENTLY_SOLVED_DAYS off the public map's cells (every few
    minutes; a few rows each time). Briefly makes writers of reports wait (an EXCLUSIVE lock on stats_mapcell)."""
    with connection.cursor() as cursor:
        cursor.execute(CELLS_NOW)  # the sweep reads reports as this transaction sees them: cells first
        cursor.execute("SELECT stats_map_sweep(%s)", [solved_visible_since()])


def cells_check_and_correct() -> int:
    """The nightly check: log every difference and rebuild if there is one. Returns the number found."""
    differences = cells_check()
    for d in differences[:50]:
        logger.error("Cell differs from a fresh count: %s %s stored %s fresh %s", d.table, d.key, d.stored, d.fresh)
    if differences:
        logger.error("%d cells differed from a fresh count; rebuilding", len(differences))
        cells_rebuild()
    return len(differences)
