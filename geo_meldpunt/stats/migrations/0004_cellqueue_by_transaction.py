"""The fold at COMMIT finds its transaction's queue rows through an index, not by reading the whole queue.

stats_cellqueue (migration 0003) holds rows only until their own transaction commits: the fold deletes them. Each
delete leaves a dead row until VACUUM, and the fold's two reads of the queue (is anything queued? delete and
return it all) were sequential scans, which read every dead row too. With autovacuum late or off (it was off on
the benchmark machine) 54,901 dead rows (37 MB) made every COMMIT of a create take 39 ms instead of 2 ms.

Now every queue row carries the top-level transaction's id (`pg_current_xact_id()`, the same in savepoints), and
the fold reads and deletes by that id through a B-tree index: a few index pages whatever the dead rows. The
answers are unchanged: only the current transaction's uncommitted rows were ever visible to it.
"""

import importlib

from django.db import migrations

_0003 = importlib.import_module("geo_meldpunt.stats.migrations.0003_cells_upkeep_at_commit").FUNCTIONS


def _flush_0003() -> str:
    part = _0003[_0003.index("CREATE FUNCTION stats_cells_flush()") : _0003.index("-- Fired once per queue row")]
    return part.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def _flush_by_transaction() -> str:
    sql = _flush_0003()
    checks = [
        ("PERFORM 1 FROM stats_cellqueue LIMIT 1;", "PERFORM 1 FROM stats_cellqueue WHERE xact = pg_current_xact_id() LIMIT 1;"),
        ("DELETE FROM stats_cellqueue RETURNING *", "DELETE FROM stats_cellqueue WHERE xact = pg_current_xact_id() RETURNING *"),
    ]  # fmt: skip
    for old, new in checks:
        if sql.count(old) != 1:
            raise ValueError(f"migration 0003's fold changed: {old!r}")
        sql = sql.replace(old, new)
    return sql


FORWARD = (
    """
    ALTER TABLE stats_cellqueue ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX stats_cellqueue_xact ON stats_cellqueue (xact);
    """
    + _flush_by_transaction()
)

REVERSE = _flush_0003() + "ALTER TABLE stats_cellqueue DROP COLUMN xact;"


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_cells_upkeep_at_commit")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
