"""A cursor whose statements PostgreSQL keeps prepared on the connection (see geo_meldpunt/core/postgis)."""

from __future__ import annotations

from django.db import connections
from django.db.backends.utils import CursorWrapper


def prepared_cursor(using: str = "default") -> CursorWrapper:
    """For a statement run often with different values, never for SQL text that changes with each call. An
    ordinary cursor on a database backend without prepared cursors."""
    wrapper = connections[using]
    make = getattr(wrapper, "prepared_cursor", None)
    return make() if make is not None else wrapper.cursor()
