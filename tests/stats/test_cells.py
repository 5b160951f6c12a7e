"""The stored cells stay equal to a fresh count over reports, whatever writes them, and the reads built on them.

The cells are kept by PostgreSQL triggers (migration stats.0001), so every test here writes reports the way the
application does (services, the legacy import, the demo generator's COPY, plain updates) and then compares every
cell with a GROUP BY over reports_report (upkeep.cells_check).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import threading
import time
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports.choices import OPEN_STATUSES, SOLVED_STATUSES, Kind, Status
from geo_meldpunt.reports.models import Category, Report
from geo_meldpunt.reports.selectors import public_report_clusters, public_reports
from geo_meldpunt.reports.services import (
    report_create,
    report_merge,
    report_reassign,
    report_reroute,
    report_transition,
)
from geo_meldpunt.reports.workflow import next_statuses
from geo_meldpunt.staff.groups import COORDINATOR
from geo_meldpunt.stats import tasks, upkeep
from geo_meldpunt.stats.cells import heat_cells, public_map_cells
from geo_meldpunt.stats.grid import GRIDS, cell_bounds, cell_x, cell_y, grid_for_zoom
from geo_meldpunt.stats.models import HeatCell, MapCell, StatusGroup
from geo_meldpunt.zones.models import Department
from tests.factories import WAPENPLEIN, point_at
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
CITY = (2.84, 51.16, 3.01, 51.25)
LEGACY = Path(settings.BASE_DIR) / "fixtures" / "legacy"
# Points well inside the territory (the centre and around it), so every create routes.
SPOTS = [(2.9196, 51.2297), (2.9120, 51.2260), (2.9300, 51.2200), (2.9050, 51.2150), (2.9400, 51.2250)]


def assert_cells_match_a_fresh_count():
    differences = upkeep.cells_check()
    assert differences == []
    assert HeatCell.objects.filter(n__gt=0).exists() or not Report.objects.filter(point__isnull=False).exists()


def melding_categories() -> list[Category]:
    return list(Category.objects.filter(active=True, kinds__contains=[Kind.MELDING]).order_by("id")[:6])


@pytest.fixture
def coordinator():
    return staff_user(COORDINATOR)


def create(category: Category, spot: tuple[float, float], *, impact: int | None = None, kind=Kind.MELDING) -> Report:
    return report_create(
        kind=kind,
        category=category,
        point=point_at(*spot),
        description="Losliggende stoeptegel",
        impact=impact,
        reporter_email="melder@example.org",
    )


# --- The SQL agrees with the Python ------------------------------------------------------------------------------


def test_the_database_groups_statuses_as_reports_choices_do():
    expected = {s: "open" if s in OPEN_STATUSES else "solved" if s in SOLVED_STATUSES else "other" for s in Status}
    with connection.cursor() as cursor:
        cursor.execute("SELECT s, stats_status_group(s) FROM unnest(%s::text[]) AS s", [list(Status.values)])
        assert dict(cursor.fetchall()) == expected


def test_the_database_puts_a_point_in_the_cell_python_computes():
    rnd = random.Random(3)
    points = [(rnd.uniform(2.8, 3.05), rnd.uniform(51.1, 51.3)) for _ in range(200)] + [(0.0, 0.0), (2.8125, 51.0)]
    with connection.cursor() as cursor:
        for grid in GRIDS:
            cursor.execute(
                "SELECT stats_cell_x(x, %s), stats_cell_y(y, %s) FROM unnest(%s::float8[], %s::float8[]) AS p(x, y)",
                [grid, grid, [p[0] for p in points], [p[1] for p in points]],
            )
            assert cursor.fetchall() == [(cell_x(lon, grid), cell_y(lat, grid)) for lon, lat in points]


def test_a_cell_is_the_map_tile_of_its_grid_and_contains_its_points():
    grid = 16
    x, y = cell_x(WAPENPLEIN[0], grid), cell_y(WAPENPLEIN[1], grid)
    # The OpenStreetMap wiki's tile formula, written independently: the z16 tile that shows the Wapenplein.
    lat = math.radians(WAPENPLEIN[1])
    tile_y = int((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * 2**grid)
    assert (x, y) == (int((WAPENPLEIN[0] + 180) / 360 * 2**grid), tile_y) == (33299, 21873)
    minlon, minlat, maxlon, maxlat = cell_bounds(grid, x, y)
    assert minlon <= WAPENPLEIN[0] < maxlon and minlat < WAPENPLEIN[1] <= maxlat
    assert cell_x(WAPENPLEIN[0], grid - 2) == x >> 2 and cell_y(WAPENPLEIN[1], grid - 2) == y >> 2
    with connection.cursor() as cursor:  # PostGIS agrees: the vector tile z16/x/y is this cell
        cursor.execute("SELECT ST_Extent(ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326))::box2d::text", [grid, x, y])
        box = [float(v) for v in cursor.fetchone()[0].removeprefix("BOX(").removesuffix(")").replace(",", " ").split()]
    assert box == pytest.approx([minlon, minlat, maxlon, maxlat], abs=1e-9)


def test_the_zoom_rule_reads_a_stored_grid_at_or_below_the_cell_size():
    assert grid_for_zoom(12) == grid_for_zoom(12).__class__(grid=14, stored=14, shift=0)
    assert grid_for_zoom(13).stored == 16 and grid_for_zoom(13).shift == 1
    assert grid_for_zoom(3).stored == 12 and grid_for_zoom(3).shift == 7
    assert grid_for_zoom(20).stored == 18 and grid_for_zoom(20).shift == 0


# --- Every writer keeps the cells ----------------------------------------------------------------------------------


def test_random_sequences_of_creates_transitions_merges_reroutes_and_moves_keep_the_cells(coordinator):
    """Inside the test's transaction: the cells are folded at the end of each statement (tests/conftest.py)."""
    random_steps(random.Random(20261203), coordinator)


@pytest.mark.usefixtures("reference_data_reloaded")
def test_the_same_sequences_committed_one_by_one_keep_the_cells(coordinator):
    """As in production: every service call commits, and the cells are folded at its COMMIT."""
    random_steps(random.Random(20261204), coordinator)


def random_steps(rnd: random.Random, coordinator) -> None:
    categories = melding_categories()
    departments = list(Department.objects.filter(active=True).order_by("id")[:3])
    reports: list[Report] = []
    done = {"create": 0, "transition": 0, "merge": 0, "reroute": 0, "reassign": 0, "impact": 0, "delete": 0}
    for step in range(150):
        action = rnd.choice(["create"] * 3 + ["transition"] * 3 + ["merge", "reroute", "reassign", "impact", "delete"])
        if action == "create" or len(reports) < 4:
            reports.append(create(rnd.choice(categories), rnd.choice(SPOTS), impact=rnd.choice([None, 1, 3, 5])))
            done["create"] += 1
            continue
        report = Report.objects.get(pk=rnd.choice(reports).pk)
        try:
            if action == "transition":
                choices = sorted(next_statuses(report.kind, report.status) - {Status.SAMENGEVOEGD})
                if not choices:
                    continue
                to = rnd.choice(choices)
                dept = (
                    next(iter(Department.objects.filter(is_external=True)), None) if to == Status.DOORVERWEZEN else None
                )
                report_transition(report=report, to=to, by=coordinator, note="Nota", department=dept)
            elif action == "merge":
                into = Report.objects.get(pk=rnd.choice(reports).pk)
                report_merge(report=report, into=into, by=coordinator)
            elif action == "reroute":
                report_reroute(report=report, category=rnd.choice(categories), point=point_at(*rnd.choice(SPOTS)))
            elif action == "reassign":
                report_reassign(report=report, department=rnd.choice(departments), by=coordinator, reason="Herverdeeld")
            elif action == "impact":
                Report.objects.filter(pk=report.pk).update(impact=rnd.choice([None, 2, 4]), updated_at=timezone.now())
            elif action == "delete":
                if report.merged_reports.exists() or report.merged_into_id:
                    continue
                Report.objects.filter(pk=report.pk).delete()
                reports = [r for r in reports if r.pk != report.pk]
            done[action] += 1
        except ApplicationError:
            continue  # a step the workflow refuses changes nothing
        if step % 15 == 0:
            assert_cells_match_a_fresh_count()
    assert_cells_match_a_fresh_count()
    assert done["create"] >= 10 and done["transition"] >= 10 and done["merge"] and done["reroute"]
    assert Report.objects.filter(status=Status.SAMENGEVOEGD).exists() or done["merge"] == 0


def test_bulk_inserts_updates_and_deletes_keep_the_cells():
    category = melding_categories()[0]
    reports = [create(category, spot) for spot in SPOTS]
    Report.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(status=Status.AFGESLOTEN)
    Report.objects.filter(pk=reports[3].pk).update(point=None)
    Report.objects.filter(pk=reports[4].pk).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert_cells_match_a_fresh_count()
    Report.objects.filter(pk__in=[r.pk for r in reports[1:]]).delete()
    assert_cells_match_a_fresh_count()


def test_a_legacy_import_keeps_the_cells(tmp_path):
    cards = tmp_path / "kaarten.csv"
    shutil.copy(LEGACY / "signal-cards.example.csv", cards)
    call_command(
        "import_legacy_reports", str(cards), mapping=str(LEGACY / "mapping.example.json"), commit=True,
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip

    assert Report.objects.filter(channel="legacy").count() == 3
    assert_cells_match_a_fresh_count()


def test_demo_generation_by_copy_keeps_the_cells():
    call_command("generate_reports", "--count", "400", "--seed", "5", "--batch", "150", stdout=StringIO())

    assert Report.objects.count() >= 400
    assert_cells_match_a_fresh_count()
    assert (
        sum(HeatCell.objects.filter(grid=12).values_list("n", flat=True)) == Report.objects.exclude(point=None).count()
    )


@pytest.mark.usefixtures("reference_data_reloaded")
def test_concurrent_inserts_in_one_cell_lose_no_count():
    """Six threads, each with its own connection, insert five reports in the same cells and hold their transaction
    open a moment, so every upsert of a cell row meets another transaction's uncommitted one."""
    category = melding_categories()[0]
    department = category.department or Department.objects.filter(active=True).first()
    threads, per_thread = 6, 5
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def insert(t: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    Report.objects.create(
                        reference=f"TST-2026-{t:02d}{i:04d}", kind=Kind.MELDING, category=category,
                        point=point_at(*WAPENPLEIN), description="Gelijktijdig", department=department,
                        routing_reason="test", impact=3,
                    )  # fmt: skip
                    time.sleep(0.01)
        except BaseException as error:  # noqa: BLE001 - reported in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=insert, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert Report.objects.count() == threads * per_thread
    for grid in GRIDS:
        (cell,) = HeatCell.objects.filter(grid=grid)
        assert (cell.n, cell.impact_n, cell.impact_sum) == (30, 30, 90)
        assert (cell.lon_sum / cell.n, cell.lat_sum / cell.n) == pytest.approx(WAPENPLEIN)
    assert_cells_match_a_fresh_count()


def hold_open_in_one_cell(step, started: threading.Event, release: threading.Event, errors: list) -> None:
    """Run `step` in a transaction of its own connection, then keep that transaction open until `release`."""
    try:
        with transaction.atomic():
            step()
            started.set()
            release.wait(30)
    except BaseException as error:  # noqa: BLE001 - reported in the main thread
        errors.append(error)
        started.set()
    finally:
        connections.close_all()


@pytest.mark.parametrize("holding", ["insert", "transition"])
@pytest.mark.usefixtures("reference_data_reloaded")
def test_a_create_does_not_wait_for_another_open_transaction_in_the_same_cell(holding, coordinator):
    """One transaction changes a report in a cell and stays open (an import still running, a handler's request
    not yet committed); a create in the same cell, in the same public category, commits meanwhile.

    The cell rows (that of category 0 above all, shared by every public category) are written when a transaction
    commits, so the open one holds no lock on them. The create's own reference counter is not held by the other
    transaction: an import keeps its reports' references, a transition takes none.
    """
    category = Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING]).first()
    waiting = create(category, SPOTS[0])  # committed: every grid's cell of SPOTS[0] has rows already
    started, release, errors = threading.Event(), threading.Event(), []

    def step() -> None:
        if holding == "insert":
            Report.objects.create(
                reference="TST-2026-000001", kind=Kind.MELDING, category=category, point=point_at(*SPOTS[0]),
                description="Uit een import", department=waiting.department, routing_reason="import",
            )  # fmt: skip
        else:
            report_transition(report=Report.objects.get(pk=waiting.pk), to=Status.BEANTWOORD, by=coordinator,
                              note="Hersteld")  # fmt: skip

    holder = threading.Thread(target=hold_open_in_one_cell, args=(step, started, release, errors))
    holder.start()
    try:
        assert started.wait(30) and errors == []
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # before: the create waited here until the other committed
        began = time.monotonic()
        create(category, SPOTS[0])
        took = time.monotonic() - began
        # Committed and on the map while the other transaction is still open, which the map does not show yet.
        open_on_map = sum(c.count for c in public_map_cells(bbox=CITY, zoom=12, status_groups=["open"]))
        assert holder.is_alive()
    finally:
        release.set()
        holder.join()
    assert errors == []
    assert took < 5 and open_on_map == 2
    expected_open = 3 if holding == "insert" else 1
    assert sum(c.count for c in public_map_cells(bbox=CITY, zoom=12, status_groups=["open"])) == expected_open
    assert_cells_match_a_fresh_count()


# --- Months in the city's time zone ----------------------------------------------------------------------------


def test_a_report_at_half_past_eleven_at_night_on_the_31st_belongs_to_that_month():
    category = melding_categories()[0]
    late, early = create(category, SPOTS[0]), create(category, SPOTS[0])
    # 23:30 in Brussels on 31 January is 22:30 UTC; 00:30 on 1 August is 22:30 UTC on 31 July (summer time).
    Report.objects.filter(pk=late.pk).update(created_at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=BRUSSELS))
    Report.objects.filter(pk=early.pk).update(created_at=dt.datetime(2026, 8, 1, 0, 30, tzinfo=BRUSSELS))

    months = set(HeatCell.objects.filter(grid=18, n__gt=0).values_list("month", flat=True))
    assert months == {dt.date(2026, 1, 1), dt.date(2026, 8, 1)}
    january = heat_cells(bbox=CITY, zoom=12, month_from=dt.date(2026, 1, 1), month_to=dt.date(2026, 1, 31))
    assert sum(c.count for c in january) == 1
    assert_cells_match_a_fresh_count()


# --- The heatmap's read ------------------------------------------------------------------------------------------


def test_heat_cells_filter_and_weigh_by_felt_impact(coordinator):
    first, second = melding_categories()[:2]
    a = create(first, SPOTS[0], impact=5)
    create(first, SPOTS[0], impact=2)
    create(first, SPOTS[0])
    create(second, SPOTS[2], impact=4)
    report_transition(report=a, to=Status.BEANTWOORD, by=coordinator, note="Hersteld")

    counted = heat_cells(bbox=CITY, zoom=14)
    assert sum(c.count for c in counted) == 4 and len(counted) == 2
    weighted = {(c.ix, c.iy): c for c in heat_cells(bbox=CITY, zoom=14, weight="impact")}
    centre = weighted[(cell_x(SPOTS[0][0], 16), cell_y(SPOTS[0][1], 16))]
    assert (centre.count, centre.impact_count, centre.impact_sum, centre.weight) == (3, 2, 7, 7.0)
    assert (centre.lon, centre.lat) == pytest.approx(SPOTS[0])
    minlon, minlat, maxlon, maxlat = centre.bounds
    assert minlon <= centre.lon < maxlon and minlat < centre.lat <= maxlat
    assert sum(c.count for c in heat_cells(bbox=CITY, zoom=14, category_ids=[second.pk])) == 1
    assert sum(c.count for c in heat_cells(bbox=CITY, zoom=14, status_groups=[StatusGroup.SOLVED])) == 1
    assert heat_cells(bbox=CITY, zoom=14, kinds=[Kind.KLACHT]) == []
    this_month = timezone.localdate()
    assert sum(c.count for c in heat_cells(bbox=CITY, zoom=11, month_from=this_month, month_to=this_month)) == 4
    assert heat_cells(bbox=CITY, zoom=11, month_to=this_month.replace(day=1) - dt.timedelta(days=1)) == []
    # A box that misses every report.
    assert heat_cells(bbox=(2.70, 51.10, 2.72, 51.11), zoom=14) == []


# --- The public map's read: live, and solved reports leave after MAPS_RECENTLY_SOLVED_DAYS -------------------------


def test_the_map_cells_follow_a_status_change_at_once(coordinator):
    category = Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING]).first()
    report = create(category, SPOTS[0])
    assert sum(c.count for c in public_map_cells(bbox=CITY, zoom=12, status_groups=["open"])) == 1

    report_transition(report=report, to=Status.BEANTWOORD, by=coordinator, note="Hersteld")

    assert public_map_cells(bbox=CITY, zoom=12, status_groups=["open"]) == []
    assert sum(c.count for c in public_map_cells(bbox=CITY, zoom=12, status_groups=["solved"])) == 1


def test_a_solved_report_leaves_the_map_when_it_ages_before_and_after_the_sweep(settings, coordinator):
    category = Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING]).first()
    days = settings.MAPS_RECENTLY_SOLVED_DAYS
    now = timezone.now()
    old, recent, ageing = (create(category, spot) for spot in SPOTS[:3])
    Report.objects.filter(pk=old.pk).update(status=Status.AFGESLOTEN, updated_at=now - dt.timedelta(days=days + 1))
    Report.objects.filter(pk=recent.pk).update(status=Status.AFGESLOTEN, updated_at=now - dt.timedelta(days=1))
    Report.objects.filter(pk=ageing.pk).update(status=Status.BEANTWOORD, updated_at=now - dt.timedelta(days=days - 1))

    def shown() -> int:
        clusters = public_report_clusters(bbox=CITY, zoom=12)
        assert sum(c.count for c in clusters) == public_reports(bbox=CITY).count()
        return sum(c.count for c in clusters)

    assert shown() == 2
    # Two days later, before any sweep: the read itself takes off the report that aged past the bound.
    settings.MAPS_RECENTLY_SOLVED_DAYS = days - 2
    assert shown() == 1
    upkeep.map_sweep()
    assert shown() == 1
    assert_cells_match_a_fresh_count()
    # The setting grows again: the sweep brings the reports back (by a rebuild).
    settings.MAPS_RECENTLY_SOLVED_DAYS = days + 5
    upkeep.map_sweep()
    assert shown() == 3
    assert_cells_match_a_fresh_count()


def test_a_category_hidden_from_the_public_leaves_the_map_at_once_and_comes_back():
    public = Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING])
    shown = public.filter(parent__isnull=False).first()
    other = public.exclude(pk__in=[shown.pk, shown.parent_id]).exclude(parent=shown.parent).first()
    for spot in SPOTS[:3]:
        create(shown, spot)
    create(other, SPOTS[0])

    def on_map(**filters) -> int:
        return sum(c.count for c in public_report_clusters(bbox=CITY, zoom=13, **filters))

    assert on_map() == 4
    Category.objects.filter(pk=shown.pk).update(is_public=False)
    assert (on_map(), on_map(category_slug=shown.slug)) == (1, 0)
    assert on_map() == public_reports(bbox=CITY).count()
    assert_cells_match_a_fresh_count()
    Category.objects.filter(pk=shown.pk).update(is_public=True)
    assert (on_map(), on_map(category_slug=shown.slug)) == (4, 3)
    assert_cells_match_a_fresh_count()


def test_clusters_answer_the_same_numbers_from_the_cells_as_from_the_reports():
    categories = list(Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING])[:3])
    rnd = random.Random(9)
    for _ in range(40):
        create(rnd.choice(categories), rnd.choice(SPOTS))
    for zoom in (9, 12, 13, 15, 16):
        stored = {(c.cell, c.count) for c in public_report_clusters(bbox=CITY, zoom=zoom)}
        # Every open status but one is a set the cells cannot answer: counted over the reports.
        live = {(c.cell, c.count) for c in public_report_clusters(bbox=CITY, zoom=zoom, statuses=list(Status))}
        assert stored == live and sum(n for _, n in stored) == 40


# --- Rebuild and check ---------------------------------------------------------------------------------------------


def test_the_check_finds_a_wrong_cell_and_the_rebuild_corrects_it():
    category = melding_categories()[0]
    create(category, SPOTS[0])
    call_command("stats_cells_rebuild", "--check", stdout=StringIO())
    MapCell.objects.filter(grid=14, category_id=category.pk).update(n=5)
    HeatCell.objects.filter(grid=16).delete()

    with pytest.raises(CommandError, match="differ"):
        call_command("stats_cells_rebuild", "--check", stdout=StringIO())
    assert upkeep.cells_check_and_correct() == 2
    assert upkeep.cells_check() == []
    out = StringIO()
    call_command("stats_cells_rebuild", stdout=out)
    assert "equal a fresh count" in out.getvalue()


# --- What a create costs ----------------------------------------------------------------------------------------


def test_a_create_sends_no_more_sql_than_before_and_its_cells_are_there_at_once():
    """The triggers run inside PostgreSQL (queued by the INSERT, folded at COMMIT; here, in a test that never commits,
    at the end of the statement): a create sends the statements it sent before the cells existed."""
    category = melding_categories()[0]
    create(category, SPOTS[1])  # warm caches (the regulation row)

    with CaptureQueriesContext(connection) as captured:
        report = create(category, SPOTS[0])

    assert [q["sql"] for q in captured.captured_queries if "stats_" in q["sql"]] == []
    for grid in GRIDS:
        assert sum(HeatCell.objects.filter(grid=grid, category=category).values_list("n", flat=True)) == 2
    assert report.status == Status.NIEUW


def test_the_scheduled_tasks_sweep_and_check_and_are_in_the_beat_schedule(settings):
    create(melding_categories()[0], SPOTS[0])
    tasks.map_sweep()
    assert tasks.cells_check() == 0
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"stats.map_sweep", "stats.cells_check"} <= scheduled


@pytest.mark.django_db(transaction=True)
def test_the_fold_at_commit_reads_its_own_queue_rows_not_the_dead_ones_of_earlier_transactions():
    """Every folded queue row stays behind, dead, until VACUUM (late or off on some servers): the fold must find its
    transaction's rows without reading them (at 1M reports 54,901 dead rows made each COMMIT take 39 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE stats_cellqueue SET (autovacuum_enabled = false)")  # keep the dead rows here
        try:
            # 200 committed transactions of 100 queue rows each, folded (deleted) at their COMMIT: 20,000 dead rows.
            for _ in range(200):
                cursor.execute(
                    "INSERT INTO stats_cellqueue (sign, kinds, category_ids, statuses, created, updated, impacts,"
                    " lons, lats) SELECT 1, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}' FROM generate_series(1, 100)"
                )
            cursor.execute("SELECT count(*) FROM stats_cellqueue")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT pg_get_functiondef('stats_cells_flush'::regproc)")
            fold = cursor.fetchone()[0]
            assert fold.count("WHERE xact = pg_current_xact_id()") == 2, "both reads of the queue are by transaction"

            def buffers(query: str) -> int:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query}")
                plan = cursor.fetchone()[0][0]["Plan"]
                return plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)

            with transaction.atomic():
                whole_queue = buffers("SELECT 1 FROM stats_cellqueue LIMIT 1")
                own_rows = buffers("SELECT 1 FROM stats_cellqueue WHERE xact = pg_current_xact_id() LIMIT 1")
        finally:
            cursor.execute("ALTER TABLE stats_cellqueue RESET (autovacuum_enabled)")
    assert whole_queue > 50, whole_queue  # what the fold read before: every page of dead rows
    assert own_rows < 10, own_rows
