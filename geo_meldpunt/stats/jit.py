"""JIT compilation off for the statements of one page: the dashboard's aggregates are planned above jit_above_cost
at a city's size (a year of 1M reports), and PostgreSQL then spends 30-60 ms compiling expressions for a query that
runs a few hundred milliseconds and gains little from it (measured in bench/bench_insight.py).

PostgreSQL decides on JIT when it plans a statement, so the setting must be in force before the statement is sent:
`SET LOCAL` in a transaction around the page's queries (three statements per page: BEGIN or SAVEPOINT, SET LOCAL,
COMMIT), not one more per query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def jit_off() -> Iterator[None]:
    """Run the block in a transaction in which PostgreSQL does not JIT-compile (SET LOCAL jit = off)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
