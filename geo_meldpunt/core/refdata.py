"""Reference data kept in each process's memory, with a version PostgreSQL keeps, so an admin change is seen at once.

Filing a report reads data that changes a few times a year (categories, the deadline regulation, e-mail templates)
and would otherwise read it on every request. Each `VersionedCache` holds one such read, loaded at the process's
`known_version()`. PostgreSQL keeps the real version (table reports_reference_data_version, bumped by statement
triggers on the tables concerned, migration reports/0015): whatever changes those tables, the admin, loaddata, a
migration or raw SQL, changes the version in the same transaction.

The check costs no round trip: the statement that writes a report carries `WHERE version = known_version()` and
returns the version it saw. A process whose caches are stale writes nothing, calls `version_seen()` with the
newer version, which drops every cache (each reloads on its next use), and files again. Only the creation of a
report trusts these caches: any other reader that must see a change at once asks the database.

Per process, not per thread: a value is replaced whole, never changed in place, so a thread reading it while
another reloads sees one consistent value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")

VERSION_TABLE = "reports_reference_data_version"
VERSION_SQL = f"SELECT version FROM {VERSION_TABLE} WHERE id = 1"  # noqa: S608 - a constant

_known: int | None = None
_dropped = 0  # times caches_drop() was called: a cache loaded before a drop reloads even at the same version


def version_now() -> int:
    """The version in the database, as this connection's transaction sees it (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def known_version() -> int:
    """The version this process's caches stand for; read from the database once, on first use."""
    global _known
    if _known is None:
        _known = version_now()
    return _known


def version_seen(version: int) -> bool:
    """Note the version a statement saw; True (and every cache dropped) when it differs from the known one."""
    global _known
    if version == _known:
        return False
    _known = version
    return True


def caches_drop() -> None:
    """Forget the known version: every cache reloads on its next use, after one read of the version."""
    global _known, _dropped
    _known = None
    _dropped += 1


class VersionedCache(Generic[T]):
    """One reference-data read, kept while the known version stays the same.

    `load` reads the data; it runs after the known version was established, so what it reads is at least as new
    as that version (if newer, the next write finds another version and everything reloads once more).
    """

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._entry: tuple[tuple[int, int], T] | None = None

    def get(self) -> T:
        version = (known_version(), _dropped)
        entry = self._entry
        if entry is None or entry[0] != version:
            entry = (version, self._load())
            self._entry = entry
        return entry[1]
