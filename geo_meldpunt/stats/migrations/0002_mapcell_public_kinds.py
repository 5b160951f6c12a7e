"""The public map's cells count only the kinds anyone may see: never a klacht or a compliment (issue 11).

stats_mapcell held every kind of a public category, so a klacht showed on the public map under its category. The
rule is reports.choices.PUBLIC_KINDS, spelt here as stats_kind_public (tests/stats/test_cells.py checks they agree);
the three functions that write stats_mapcell now skip other kinds, and the cells are rebuilt. stats_heatcell is
unchanged: the planners' heatmaps count every kind (they show counts, never a report).
"""

import importlib
import re

from django.db import migrations

KIND_PUBLIC = """
CREATE FUNCTION stats_kind_public(kind text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT kind IN ('melding', 'suggestie')
$$;
"""

APPLY = r"""
CREATE OR REPLACE FUNCTION stats_cells_apply(
  sign int, kinds text[], category_ids bigint[], statuses text[], created timestamptz[], updated timestamptz[],
  impacts int[], lons float8[], lats float8[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
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
  WHERE stats_kind_public(d.kind)
    AND (d.status_group = 'open' OR (d.status_group = 'solved' AND d.updated_at >= state.solved_since))
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grid, ix, iy, category_id, status_group) DO UPDATE SET
    n = c.n + excluded.n, lon_sum = c.lon_sum + excluded.lon_sum, lat_sum = c.lat_sum + excluded.lat_sum;
END
$$;
"""

REBUILD = r"""
CREATE OR REPLACE FUNCTION stats_cells_rebuild() RETURNS void LANGUAGE plpgsql AS $$
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
          WHERE r.point IS NOT NULL AND stats_kind_public(r.kind) AND (stats_status_group(r.status) = 'open'
                OR (stats_status_group(r.status) = 'solved' AND r.updated_at >= state.solved_since))) d
      CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE d.is_public) AS k(category_id)
    GROUP BY 1, 2, 3, 4, 5;
  END LOOP;
END
$$;
"""

SWEEP = r"""
CREATE OR REPLACE FUNCTION stats_map_sweep(new_since timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
  LOCK TABLE stats_mapcell IN EXCLUSIVE MODE;
  PERFORM stats_cellstate_get();
  SELECT * INTO state FROM stats_cellstate WHERE id = 1 FOR UPDATE;
  IF new_since < state.solved_since THEN
    UPDATE stats_cellstate SET solved_since = new_since WHERE id = 1;
    PERFORM stats_cells_rebuild();
    RETURN;
  END IF;
  INSERT INTO stats_mapcell AS c (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
  SELECT g, stats_cell_x(lon, g), stats_cell_y(lat, g), k.category_id, 'solved', -count(*), -sum(lon), -sum(lat)
  FROM (SELECT r.category_id, c.is_public, ST_X(geometry(r.point)) AS lon, ST_Y(geometry(r.point)) AS lat
        FROM reports_report r JOIN reports_category c ON c.id = r.category_id
        WHERE r.status IN ('beantwoord', 'afgesloten') AND r.updated_at >= state.solved_since
          AND r.updated_at < new_since AND r.point IS NOT NULL AND stats_kind_public(r.kind)) d
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


def _previous_definitions() -> str:
    """The three functions as migration 0001 made them, to go back to (every kind counted)."""
    first = importlib.import_module("geo_meldpunt.stats.migrations.0001_cells")
    names = ("stats_cells_apply", "stats_cells_rebuild", "stats_map_sweep")
    found = [
        m.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        for m in re.finditer(r"CREATE FUNCTION (\w+)\(.*?\n\$\$;\n", first.FUNCTIONS, re.S)
        if m.group(1) in names
    ]
    assert len(found) == len(names)
    return "".join(found)


def cells_rebuild(apps, schema_editor):
    schema_editor.execute("SELECT stats_cells_rebuild()")


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_cells")]

    operations = [
        migrations.RunSQL(
            KIND_PUBLIC + APPLY + REBUILD + SWEEP,
            _previous_definitions() + "DROP FUNCTION IF EXISTS stats_kind_public(text);",
        ),
        migrations.RunPython(cells_rebuild, cells_rebuild),
    ]
