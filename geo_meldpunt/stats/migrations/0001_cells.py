"""Cells per grid (heat and public map), the SQL functions that compute them and the triggers that keep them.

Why triggers (docs/design.md, "Counts per cell"): every path that writes reports_report (report services, the
legacy import, the admin, the demo generator's COPY, a hand-written UPDATE) keeps the cells right in its own
transaction, and none of them has to remember to. INSERT and DELETE are statement-level with transition tables
(a 50,000-row COPY updates the cells in one set-based pass); UPDATE is row-level with a column list and a WHEN
clause, so the many updates that change nothing the cells hold (deadlines, version, answer text) cost nothing.
PostgreSQL allows no column list on a trigger with transition tables, and a statement-level UPDATE trigger would
copy every updated row (the demo's million-row deadline fill) into its transition tables.

The status groups are written out here as they are in reports.choices (OPEN_STATUSES, SOLVED_STATUSES);
tests/stats/test_cells.py checks that stats_status_group agrees with them, so a change there needs a migration here.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models
from django.utils import timezone

FUNCTIONS = r"""
-- Cell rows are updated in place all the time: room on each page lets an update stay on its page (HOT) without a
-- new index entry, a third of the buffers an upsert touches otherwise.
ALTER TABLE stats_heatcell SET (fillfactor = 70);
ALTER TABLE stats_mapcell SET (fillfactor = 70);

CREATE FUNCTION stats_status_group(status text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN status IN ('nieuw', 'ontvangen', 'in_behandeling', 'wacht_op_melder', 'doorverwezen', 'heropend') THEN 'open'
    WHEN status IN ('beantwoord', 'afgesloten') THEN 'solved'
    ELSE 'other' END
$$;

-- Slippy-map tile indices of EPSG:3857 (geo_meldpunt/stats/grid.py computes the same in Python).
CREATE FUNCTION stats_cell_x(lon float8, grid int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least(greatest(floor((lon + 180.0) / 360.0 * (1::bigint << grid))::int, 0), ((1::bigint << grid) - 1)::int)
$$;
CREATE FUNCTION stats_cell_y(lat float8, grid int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least(greatest(floor((1.0 - asinh(tan(radians(lat))) / pi()) / 2.0 * (1::bigint << grid))::int, 0),
               ((1::bigint << grid) - 1)::int)
$$;

-- The state row; a flushed database (tests truncate every table) gets it back with this migration's values.
CREATE FUNCTION stats_cellstate_get() RETURNS stats_cellstate LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
  SELECT * INTO state FROM stats_cellstate WHERE id = 1;
  IF NOT FOUND THEN
    INSERT INTO stats_cellstate (id, grids, time_zone, solved_since)
    VALUES (1, '{12,14,16,18}', 'Europe/Brussels', now() - interval '60 days')
    ON CONFLICT (id) DO NOTHING;
    SELECT * INTO state FROM stats_cellstate WHERE id = 1;
  END IF;
  RETURN state;
END
$$;

-- Add (sign 1) or take away (sign -1) these reports in both cell tables, in one statement. Rows are summed per key first (an
-- upsert may touch a row once per statement) and written in key order, so concurrent writers lock cell rows in
-- the same order and cannot deadlock on them; ON CONFLICT DO UPDATE adds to the committed count, so concurrent
-- transactions in one cell lose nothing.
CREATE FUNCTION stats_cells_apply(
  sign int, kinds text[], category_ids bigint[], statuses text[], created timestamptz[], updated timestamptz[],
  impacts int[], lons float8[], lats float8[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
  -- Before reading solved_since: the map sweep holds an EXCLUSIVE lock on stats_mapcell while it moves
  -- solved_since, so a writer reads it either before the sweep starts (and the sweep, waiting for the writer's
  -- commit, then sees its rows) or after the sweep commits.
  LOCK TABLE stats_mapcell IN ROW EXCLUSIVE MODE;
  state := stats_cellstate_get();

  WITH d AS (
    SELECT r.kind, r.category_id, stats_status_group(r.status) AS status_group,
           date_trunc('month', r.created_at AT TIME ZONE state.time_zone)::date AS month, r.impact, r.updated_at,
           r.lon, r.lat
    FROM unnest(kinds, category_ids, statuses, created, updated, impacts, lons, lats)
      AS r(kind, category_id, status, created_at, updated_at, impact, lon, lat)
    WHERE r.lon IS NOT NULL
  ), heat AS (
    INSERT INTO stats_heatcell AS c
      (grid, ix, iy, kind, category_id, status_group, month, n, impact_n, impact_sum, lon_sum, lat_sum)
    SELECT g, stats_cell_x(d.lon, g), stats_cell_y(d.lat, g), d.kind, d.category_id, d.status_group, d.month,
           sign * count(*), sign * count(d.impact), sign * coalesce(sum(d.impact), 0), sign * sum(d.lon),
           sign * sum(d.lat)
    FROM d CROSS JOIN unnest(state.grids) AS g
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (grid, ix, iy, kind, category_id, status_group, month) DO UPDATE SET
      n = c.n + excluded.n, impact_n = c.impact_n + excluded.impact_n,
      impact_sum = c.impact_sum + excluded.impact_sum, lon_sum = c.lon_sum + excluded.lon_sum,
      lat_sum = c.lat_sum + excluded.lat_sum
  )
  INSERT INTO stats_mapcell AS c (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
  SELECT g, stats_cell_x(d.lon, g), stats_cell_y(d.lat, g), k.category_id, d.status_group,
         sign * count(*), sign * sum(d.lon), sign * sum(d.lat)
  FROM d JOIN reports_category cat ON cat.id = d.category_id
    CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE cat.is_public) AS k(category_id)
    CROSS JOIN unnest(state.grids) AS g
  WHERE d.status_group = 'open' OR (d.status_group = 'solved' AND d.updated_at >= state.solved_since)
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grid, ix, iy, category_id, status_group) DO UPDATE SET
    n = c.n + excluded.n, lon_sum = c.lon_sum + excluded.lon_sum, lat_sum = c.lat_sum + excluded.lat_sum;
END
$$;

-- Columns, not whole rows, go to stats_cells_apply: an array of 50,000 reports_report rows would be built and taken
-- apart again (seconds per batch); arrays of the eight values the cells need take milliseconds.
CREATE FUNCTION stats_cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_cells_apply(1, array_agg(kind), array_agg(category_id)::bigint[], array_agg(status),
                            array_agg(created_at), array_agg(updated_at), array_agg(impact)::int[],
                            array_agg(ST_X(geometry(point))), array_agg(ST_Y(geometry(point))))
  FROM inserted_reports WHERE point IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE FUNCTION stats_cells_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_cells_apply(-1, array_agg(kind), array_agg(category_id)::bigint[], array_agg(status),
                            array_agg(created_at), array_agg(updated_at), array_agg(impact)::int[],
                            array_agg(ST_X(geometry(point))), array_agg(ST_Y(geometry(point))))
  FROM deleted_reports WHERE point IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE FUNCTION stats_cells_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_cells_apply(-1, ARRAY[OLD.kind], ARRAY[OLD.category_id]::bigint[], ARRAY[OLD.status],
                            ARRAY[OLD.created_at], ARRAY[OLD.updated_at], ARRAY[OLD.impact]::int[],
                            ARRAY[ST_X(geometry(OLD.point))], ARRAY[ST_Y(geometry(OLD.point))]);
  PERFORM stats_cells_apply(1, ARRAY[NEW.kind], ARRAY[NEW.category_id]::bigint[], ARRAY[NEW.status],
                            ARRAY[NEW.created_at], ARRAY[NEW.updated_at], ARRAY[NEW.impact]::int[],
                            ARRAY[ST_X(geometry(NEW.point))], ARRAY[ST_Y(geometry(NEW.point))]);
  RETURN NULL;
END
$$;

CREATE TRIGGER stats_cells_insert AFTER INSERT ON reports_report
  REFERENCING NEW TABLE AS inserted_reports FOR EACH STATEMENT EXECUTE FUNCTION stats_cells_inserted();
CREATE TRIGGER stats_cells_delete AFTER DELETE ON reports_report
  REFERENCING OLD TABLE AS deleted_reports FOR EACH STATEMENT EXECUTE FUNCTION stats_cells_deleted();
-- updated_at counts only for solved reports: it decides how long they stay on the public map.
CREATE TRIGGER stats_cells_update AFTER UPDATE OF kind, category_id, status, point, created_at, impact, updated_at
  ON reports_report FOR EACH ROW
  WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.category_id IS DISTINCT FROM NEW.category_id
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.impact IS DISTINCT FROM NEW.impact
        OR ST_AsBinary(OLD.point) IS DISTINCT FROM ST_AsBinary(NEW.point)
        OR (OLD.updated_at IS DISTINCT FROM NEW.updated_at AND stats_status_group(NEW.status) = 'solved'))
  EXECUTE FUNCTION stats_cells_updated();

-- stats_mapcell's rows of category 0 hold every public category together (the map without a category filter reads
-- one row per cell and group). A category made public or hidden adds its own rows to them or takes them away.
CREATE FUNCTION stats_category_public_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE stats_mapcell IN ROW EXCLUSIVE MODE;
  INSERT INTO stats_mapcell AS c (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
  SELECT grid, ix, iy, 0, status_group, s * n, s * lon_sum, s * lat_sum
  FROM stats_mapcell, (SELECT CASE WHEN NEW.is_public THEN 1 ELSE -1 END AS s) AS sign
  WHERE category_id = NEW.id
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grid, ix, iy, category_id, status_group) DO UPDATE SET
    n = c.n + excluded.n, lon_sum = c.lon_sum + excluded.lon_sum, lat_sum = c.lat_sum + excluded.lat_sum;
  RETURN NULL;
END
$$;
CREATE TRIGGER stats_category_public AFTER UPDATE OF is_public ON reports_category FOR EACH ROW
  WHEN (OLD.is_public IS DISTINCT FROM NEW.is_public) EXECUTE FUNCTION stats_category_public_changed();

-- Both cell tables from scratch: one set-based INSERT per grid and table. Holds an EXCLUSIVE lock on the cell
-- tables (writers of reports wait) so no trigger adds to a half-built table.
CREATE FUNCTION stats_cells_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
  g int;
BEGIN
  LOCK TABLE stats_mapcell, stats_heatcell IN EXCLUSIVE MODE;
  state := stats_cellstate_get();
  DELETE FROM stats_heatcell;
  DELETE FROM stats_mapcell;
  FOREACH g IN ARRAY state.grids LOOP
    INSERT INTO stats_heatcell
      (grid, ix, iy, kind, category_id, status_group, month, n, impact_n, impact_sum, lon_sum, lat_sum)
    SELECT g, stats_cell_x(lon, g), stats_cell_y(lat, g), kind, category_id, status_group, month,
           count(*), count(impact), coalesce(sum(impact), 0), sum(lon), sum(lat)
    FROM (SELECT r.kind, r.category_id, stats_status_group(r.status) AS status_group,
                 date_trunc('month', r.created_at AT TIME ZONE state.time_zone)::date AS month, r.impact,
                 ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
          FROM reports_report r WHERE r.point IS NOT NULL) d
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO stats_mapcell (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
    SELECT g, stats_cell_x(lon, g), stats_cell_y(lat, g), k.category_id, status_group, count(*), sum(lon), sum(lat)
    FROM (SELECT r.category_id, c.is_public, stats_status_group(r.status) AS status_group,
                 ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
          FROM reports_report r JOIN reports_category c ON c.id = r.category_id
          WHERE r.point IS NOT NULL AND (stats_status_group(r.status) = 'open'
                OR (stats_status_group(r.status) = 'solved' AND r.updated_at >= state.solved_since))) d
      CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE d.is_public) AS k(category_id)
    GROUP BY 1, 2, 3, 4, 5;
  END LOOP;
END
$$;

-- Solved reports leave the public map MAPS_RECENTLY_SOLVED_DAYS after their last change: take those whose
-- updated_at fell behind the new bound out of stats_mapcell and move the bound. Run every few minutes; the map's
-- read subtracts the few that fell behind since (stats.cells.map_cells), so the map is exact in between.
CREATE FUNCTION stats_map_sweep(new_since timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
  LOCK TABLE stats_mapcell IN EXCLUSIVE MODE;
  PERFORM stats_cellstate_get();
  SELECT * INTO state FROM stats_cellstate WHERE id = 1 FOR UPDATE;
  IF new_since < state.solved_since THEN
    -- The setting grew: reports already taken out come back. Rare; rebuild.
    UPDATE stats_cellstate SET solved_since = new_since WHERE id = 1;
    PERFORM stats_cells_rebuild();
    RETURN;
  END IF;
  INSERT INTO stats_mapcell AS c (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
  SELECT g, stats_cell_x(lon, g), stats_cell_y(lat, g), k.category_id, 'solved', -count(*), -sum(lon), -sum(lat)
  FROM (SELECT r.category_id, c.is_public, ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
        FROM reports_report r JOIN reports_category c ON c.id = r.category_id
        WHERE r.status IN ('beantwoord', 'afgesloten') AND r.updated_at >= state.solved_since
          AND r.updated_at < new_since AND r.point IS NOT NULL) d
    CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE d.is_public) AS k(category_id)
    CROSS JOIN unnest(state.grids) AS g
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (grid, ix, iy, category_id, status_group) DO UPDATE SET
    n = c.n + excluded.n, lon_sum = c.lon_sum + excluded.lon_sum, lat_sum = c.lat_sum + excluded.lat_sum;
  UPDATE stats_cellstate SET solved_since = new_since WHERE id = 1;
END
$$;
"""

DROP = """
DROP TRIGGER IF EXISTS stats_cells_insert ON reports_report;
DROP TRIGGER IF EXISTS stats_cells_delete ON reports_report;
DROP TRIGGER IF EXISTS stats_cells_update ON reports_report;
DROP TRIGGER IF EXISTS stats_category_public ON reports_category;
DROP FUNCTION IF EXISTS stats_category_public_changed();
DROP FUNCTION IF EXISTS stats_map_sweep(timestamptz);
DROP FUNCTION IF EXISTS stats_cells_rebuild();
DROP FUNCTION IF EXISTS stats_cells_inserted();
DROP FUNCTION IF EXISTS stats_cells_deleted();
DROP FUNCTION IF EXISTS stats_cells_updated();
DROP FUNCTION IF EXISTS stats_cells_apply(int, text[], bigint[], text[], timestamptz[], timestamptz[], int[], float8[], float8[]);
DROP FUNCTION IF EXISTS stats_cellstate_get();
DROP FUNCTION IF EXISTS stats_cell_x(float8, int);
DROP FUNCTION IF EXISTS stats_cell_y(float8, int);
DROP FUNCTION IF EXISTS stats_status_group(text);
"""


def state_create(apps, schema_editor):
    """The state row as of now (grids as grid.GRIDS at this migration), then the cells of any existing reports."""
    CellState = apps.get_model("stats", "CellState")
    CellState.objects.create(
        id=1,
        grids=[12, 14, 16, 18],
        time_zone=settings.TIME_ZONE,
        solved_since=timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS),
    )
    schema_editor.execute("SELECT stats_cells_rebuild()")


class Migration(migrations.Migration):
    initial = True

    dependencies = [("reports", "0010_report_solved_updated_at_index")]

    operations = [
        migrations.CreateModel(
            name="CellState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("grids", ArrayField(base_field=models.PositiveSmallIntegerField(), size=None)),
                ("time_zone", models.CharField(max_length=60)),
                ("solved_since", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="HeatCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("grid", models.PositiveSmallIntegerField()),
                ("ix", models.IntegerField()),
                ("iy", models.IntegerField()),
                ("kind", models.CharField(max_length=20)),
                (
                    "status_group",
                    models.CharField(
                        choices=[("open", "open"), ("solved", "solved"), ("other", "other")], max_length=10
                    ),
                ),
                ("month", models.DateField()),
                ("n", models.IntegerField(default=0)),
                ("impact_n", models.IntegerField(default=0)),
                ("impact_sum", models.IntegerField(default=0)),
                ("lon_sum", models.FloatField(default=0)),
                ("lat_sum", models.FloatField(default=0)),
                (
                    "category",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reports.category",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("grid", "ix", "iy", "kind", "category", "status_group", "month"), name="heatcell_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MapCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("grid", models.PositiveSmallIntegerField()),
                ("ix", models.IntegerField()),
                ("iy", models.IntegerField()),
                (
                    "status_group",
                    models.CharField(
                        choices=[("open", "open"), ("solved", "solved"), ("other", "other")], max_length=10
                    ),
                ),
                ("category_id", models.BigIntegerField()),
                ("n", models.IntegerField(default=0)),
                ("lon_sum", models.FloatField(default=0)),
                ("lat_sum", models.FloatField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("grid", "ix", "iy", "category_id", "status_group"), name="mapcell_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
        migrations.RunPython(state_create, migrations.RunPython.noop),
    ]
