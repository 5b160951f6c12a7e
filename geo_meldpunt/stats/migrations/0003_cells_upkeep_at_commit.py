"""The cells are written at COMMIT, not at each statement: concurrent creates in one cell no longer wait for each other.

Until now the triggers upserted the cell rows in the statement that changed the reports, so a transaction held the
row locks of its cells until it committed: every other create in the same cell (at grid 12 whole city districts
share one, and the "all public categories" row of category 0 is shared by every public category) waited for that
COMMIT, through everything the create did after its INSERT (its event, photos, a transition, the outbox).

Now each statement only records what changed in stats_cellqueue (an INSERT without a key: nothing to lock, nothing
to wait for), and a deferred constraint trigger on that table folds everything the transaction recorded into both
cell tables when it commits: one upsert per table, rows summed per key over the whole transaction and written in
key order (so no deadlock between committing transactions), rows whose change sums to nothing left alone. The
cell rows are locked from that upsert to the end of the COMMIT only. The map stays live: a report is in the cells
exactly when it is committed, and the cells stay equal to a fresh count (tests/stats/test_cells.py).

A transaction sees its own changes in the cells only after `SET CONSTRAINTS stats_cells_at_commit IMMEDIATE`,
which runs the fold at once (and from then on at the end of each statement of that transaction). The rebuild,
the map sweep and the check do that first, so a change pending in their own transaction is neither counted twice
nor missed; tests that never commit (rolled back at the end) do it for every statement (tests/conftest.py).

The queue is UNLOGGED: its rows never outlive their transaction (the fold deletes them before COMMIT), so there is
nothing to recover after a crash and no reason to write them to the WAL.
"""

import importlib

from django.db import migrations

FUNCTIONS = r"""
CREATE UNLOGGED TABLE stats_cellqueue (
  sign int NOT NULL,
  kinds text[] NOT NULL,
  category_ids bigint[] NOT NULL,
  statuses text[] NOT NULL,
  created timestamptz[] NOT NULL,
  updated timestamptz[] NOT NULL,
  impacts int[] NOT NULL,
  lons float8[] NOT NULL,
  lats float8[] NOT NULL
);
-- Every row is deleted in the transaction that wrote it: vacuum the dead ones often, the table stays a few pages.
ALTER TABLE stats_cellqueue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

-- Columns, not whole rows, go to the queue: an array of 50,000 reports_report rows would be built and taken apart
-- again (seconds per batch of the demo generator's COPY); arrays of the eight values the cells need take
-- milliseconds. A statement that touched no located report records nothing.
CREATE OR REPLACE FUNCTION stats_cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_cellqueue (sign, kinds, category_ids, statuses, created, updated, impacts, lons, lats)
  SELECT 1, array_agg(kind), array_agg(category_id)::bigint[], array_agg(status), array_agg(created_at),
         array_agg(updated_at), array_agg(impact)::int[], array_agg(ST_X(geometry(point))),
         array_agg(ST_Y(geometry(point)))
  FROM inserted_reports WHERE point IS NOT NULL HAVING count(*) > 0;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION stats_cells_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_cellqueue (sign, kinds, category_ids, statuses, created, updated, impacts, lons, lats)
  SELECT -1, array_agg(kind), array_agg(category_id)::bigint[], array_agg(status), array_agg(created_at),
         array_agg(updated_at), array_agg(impact)::int[], array_agg(ST_X(geometry(point))),
         array_agg(ST_Y(geometry(point)))
  FROM deleted_reports WHERE point IS NOT NULL HAVING count(*) > 0;
  RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION stats_cells_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_cellqueue (sign, kinds, category_ids, statuses, created, updated, impacts, lons, lats)
  VALUES (-1, ARRAY[OLD.kind], ARRAY[OLD.category_id]::bigint[], ARRAY[OLD.status], ARRAY[OLD.created_at],
          ARRAY[OLD.updated_at], ARRAY[OLD.impact]::int[], ARRAY[ST_X(geometry(OLD.point))],
          ARRAY[ST_Y(geometry(OLD.point))]),
         (1, ARRAY[NEW.kind], ARRAY[NEW.category_id]::bigint[], ARRAY[NEW.status], ARRAY[NEW.created_at],
          ARRAY[NEW.updated_at], ARRAY[NEW.impact]::int[], ARRAY[ST_X(geometry(NEW.point))],
          ARRAY[ST_Y(geometry(NEW.point))]);
  RETURN NULL;
END
$$;

-- Fold what this transaction recorded into both cell tables (the queue holds no other transaction's rows: they are
-- deleted before their COMMIT, and uncommitted ones are invisible). Rows are summed per key first (an upsert may
-- touch a row once per statement) and written in key order, so committing transactions lock cell rows in the same
-- order and cannot deadlock on them; ON CONFLICT DO UPDATE adds to the committed count, so concurrent transactions
-- in one cell lose nothing. A key whose changes sum to nothing (a create followed by a transition within the open
-- group, say) is not written.
CREATE FUNCTION stats_cells_flush() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  state stats_cellstate;
BEGIN
  PERFORM 1 FROM stats_cellqueue LIMIT 1;
  IF NOT FOUND THEN
    RETURN;  -- folded already, by the event of an earlier queue row of this transaction
  END IF;
  -- Before reading solved_since: the map sweep holds an EXCLUSIVE lock on stats_mapcell while it moves
  -- solved_since, so a writer reads it either before the sweep starts (and the sweep, waiting for the writer's
  -- commit, then sees its rows) or after the sweep commits.
  LOCK TABLE stats_mapcell IN ROW EXCLUSIVE MODE;
  state := stats_cellstate_get();

  WITH q AS (
    DELETE FROM stats_cellqueue RETURNING *
  ), d AS (
    SELECT q.sign, r.kind, r.category_id, stats_status_group(r.status) AS status_group,
           date_trunc('month', r.created_at AT TIME ZONE state.time_zone)::date AS month, r.impact, r.updated_at,
           r.lon, r.lat
    FROM q CROSS JOIN LATERAL unnest(q.kinds, q.category_ids, q.statuses, q.created, q.updated, q.impacts, q.lons,
                                     q.lats)
      AS r(kind, category_id, status, created_at, updated_at, impact, lon, lat)
    WHERE r.lon IS NOT NULL
  ), heat AS (
    INSERT INTO stats_heatcell AS c
      (grid, ix, iy, kind, category_id, status_group, month, n, impact_n, impact_sum, lon_sum, lat_sum)
    SELECT g, stats_cell_x(d.lon, g), stats_cell_y(d.lat, g), d.kind, d.category_id, d.status_group, d.month,
           sum(d.sign), coalesce(sum(d.sign) FILTER (WHERE d.impact IS NOT NULL), 0),
           coalesce(sum(d.sign * d.impact), 0), sum(d.sign * d.lon), sum(d.sign * d.lat)
    FROM d CROSS JOIN unnest(state.grids) AS g
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(d.sign) <> 0 OR sum(d.sign) FILTER (WHERE d.impact IS NOT NULL) <> 0
        OR sum(d.sign * d.impact) <> 0 OR sum(d.sign * d.lon) <> 0 OR sum(d.sign * d.lat) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (grid, ix, iy, kind, category_id, status_group, month) DO UPDATE SET
      n = c.n + excluded.n, impact_n = c.impact_n + excluded.impact_n,
      impact_sum = c.impact_sum + excluded.impact_sum, lon_sum = c.lon_sum + excluded.lon_sum,
      lat_sum = c.lat_sum + excluded.lat_sum
  )
  INSERT INTO stats_mapcell AS c (grid, ix, iy, category_id, status_group, n, lon_sum, lat_sum)
  SELECT g, stats_cell_x(d.lon, g), stats_cell_y(d.lat, g), k.category_id, d.status_group,
         sum(d.sign), sum(d.sign * d.lon), sum(d.sign * d.lat)
  FROM d JOIN reports_category cat ON cat.id = d.category_id
    CROSS JOIN LATERAL (SELECT d.category_id UNION ALL SELECT 0 WHERE cat.is_public) AS k(category_id)
    CROSS JOIN unnest(state.grids) AS g
  WHERE stats_kind_public(d.kind)
    AND (d.status_group = 'open' OR (d.status_group = 'solved' AND d.updated_at >= state.solved_since))
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(d.sign) <> 0 OR sum(d.sign * d.lon) <> 0 OR sum(d.sign * d.lat) <> 0
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (grid, ix, iy, category_id, status_group) DO UPDATE SET
    n = c.n + excluded.n, lon_sum = c.lon_sum + excluded.lon_sum, lat_sum = c.lat_sum + excluded.lat_sum;
END
$$;

-- Fired once per queue row, at COMMIT (or at the end of the statement after SET CONSTRAINTS ... IMMEDIATE): the
-- first event folds the whole transaction's queue, the others find it empty.
CREATE FUNCTION stats_cells_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stats_cells_flush();
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER stats_cells_at_commit AFTER INSERT ON stats_cellqueue
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stats_cells_commit();

DROP FUNCTION stats_cells_apply(int, text[], bigint[], text[], timestamptz[], timestamptz[], int[], float8[], float8[]);
"""


def _cells_0001() -> str:
    """Migration 0001's SQL from stats_cells_apply to the last trigger function: what the reverse puts back."""
    sql = importlib.import_module("geo_meldpunt.stats.migrations.0001_cells").FUNCTIONS
    part = sql[sql.index("CREATE FUNCTION stats_cells_apply(") : sql.index("CREATE TRIGGER stats_cells_insert")]
    return part.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def reverse_sql() -> str:
    return (
        """
        SET CONSTRAINTS ALL IMMEDIATE;
        DROP TRIGGER stats_cells_at_commit ON stats_cellqueue;
        DROP FUNCTION stats_cells_commit();
        DROP FUNCTION stats_cells_flush();
        """
        + _cells_0001()
        # 0002's stats_cells_apply (only the public kinds on the public map) over 0001's.
        + importlib.import_module("geo_meldpunt.stats.migrations.0002_mapcell_public_kinds").APPLY
        + "DROP TABLE stats_cellqueue;"
    )


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_mapcell_public_kinds")]

    operations = [migrations.RunSQL(FUNCTIONS, reverse_sql())]
