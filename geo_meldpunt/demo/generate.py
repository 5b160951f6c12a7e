"""Demo reports in bulk: clustered like real ones, routed exactly like live ones, inserted with COPY.

A million reports must take minutes, not hours, so nothing here goes through `report_create` row by row.
What each report would get from it is reproduced in bulk instead:

- PostGIS answers which zones cover each point, for a whole batch in one query (ST_Covers on the subdivided
  `ZonePart` table); points outside the territory are drawn again (places.py).
- `routing.decide` (pure) turns category + covering zones into the department, zone, rule and reason that
  `report_create` stores. A decision depends only on the category and the set of zones, so it is computed once
  per pair (a few hundred pairs for a million reports; world.py).
- References are reserved per year with `reference_reserve`, numbered in `created_at` order, in the
  transaction that inserts them, so live reports created meanwhile never collide and a failed batch leaves
  no gap (insert.py).
- Deadlines (acknowledge_due, answer_due) come from `sla.deadlines_for` and the regulation in force, computed once
  per (kind, category, local day of creation) and written in the copied rows, as report_create stores them; no
  UPDATE afterwards (a million-row UPDATE through every index of reports_report took longer than the COPY).
- Reports and their 'created' event go in with COPY, one transaction per batch (insert.py).

What differs from live data, on purpose: routing uses the zones and rules in force today (as `route` does),
not those of the report's own date; a report's history holds only its 'created' event, whatever its status;
and while a batch is written (about a second for 50,000) the reference counters of its years stay locked,
so a live report created at that moment waits for the batch to commit. What the reports say is drawn in
rows.py and texts.py, when they were made in timeline.py; every tunable is in tunables.py.

Demo reports are recognised by their tracking token, which starts with DEMO_TOKEN_PREFIX ('-' is in the
token alphabet, so the prefix leaves a token as unguessable as a live one: 144 random bits follow it).
Contact details are fake: a fraction carries an address at example.org, reserved for examples (RFC 2606).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from geo_meldpunt.reports.models import Report

from .insert import batch_insert
from .rows import batch_draw
from .timeline import created_at
from .tunables import DEMO_BATCH_SIZE, DEMO_TOKEN_PREFIX
from .world import World

Progress = Callable[[int, int, float], None]


@dataclass
class GenerateResult:
    created: int = 0
    drawn: int = 0
    seconds: float = 0.0
    per_year: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def tables_analyze() -> None:
    """Refresh the planner's statistics of the tables the generator fills (autovacuum would, minutes later)."""
    with connection.cursor() as cursor:
        # The stored cells (stats) grow with every COPY through their triggers; unanalysed, the planner takes
        # their ranges for one row and sorts a quarter of a million cells on disk for a city-wide heatmap.
        cursor.execute("ANALYZE reports_report, reports_reportevent, stats_mapcell, stats_heatcell")


def demo_report_count() -> int:
    # LIKE 'demo-%' is a range scan on the tracking token's varchar_pattern_ops index.
    return Report.objects.filter(tracking_token__startswith=DEMO_TOKEN_PREFIX).count()


def reports_ensure(
    *, total: int, seed: int | None = None, batch_size: int = DEMO_BATCH_SIZE, progress: Progress | None = None
) -> GenerateResult:
    """Add demo reports until there are `total`; a second call with the same total adds nothing."""
    missing = total - demo_report_count()
    if missing <= 0:
        return GenerateResult()
    return reports_generate(count=missing, seed=seed, batch_size=batch_size, progress=progress)


def reports_generate(
    *, count: int, seed: int | None = None, batch_size: int = DEMO_BATCH_SIZE, progress: Progress | None = None
) -> GenerateResult:
    """Insert `count` demo reports with their 'created' events; one transaction per batch.

    Needs reference data: a territory zone, active categories and departments for them to route to.
    Created_at spans the last DEMO_HISTORY_DAYS days; each batch takes the next slice in time, so references
    follow created_at order within a run.
    """
    started = time.perf_counter()
    result = GenerateResult()
    if count <= 0:
        return result
    rng = np.random.default_rng(seed)
    now = timezone.now()
    world = World.load(rng)
    created_s = created_at(rng, count, now)
    for start in range(0, count, batch_size):
        stamps = created_s[start : start + batch_size]
        with transaction.atomic():
            rows = batch_draw(rng, world=world, stamps=stamps, now=now)
            per_year = batch_insert(rows=rows)
        result.created += len(stamps)
        result.drawn += rows.drawn
        for year, n in per_year.items():
            result.per_year[year] = result.per_year.get(year, 0) + n
        if progress:
            progress(result.created, count, time.perf_counter() - started)
    # Fresh statistics at once rather than when autovacuum gets to them (minutes later): the reads that follow
    # a build are planned on them. ANALYZE samples a fixed number of rows, so it costs about a second at 1M.
    tables_analyze()
    result.seconds = time.perf_counter() - started
    return result
