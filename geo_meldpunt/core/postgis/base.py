"""GeoDjango's PostGIS backend with a health check that costs no round trip while the connection is fine.

With CONN_HEALTH_CHECKS Django asks `is_usable()` before the first query of every request on a persistent
connection, and PostGIS's backend answers by sending `SELECT 1`: one more round trip per request, as long as the
duplicate check's whole statement at times (issue 12). A server that ends a connection (a restart,
pg_terminate_backend, idle_session_timeout) sends its FATAL message and closes the socket, which makes the socket
readable; an idle connection that is fine has nothing to read. So: nothing to read, and psycopg knows of no
failure, means usable; anything to read (or a closed or broken connection) falls back to Django's `SELECT 1`,
which decides. A server that vanished without a word is found by the request's own first query, as it would be a
moment after any check; the outage middleware answers 503 and Django drops the connection at the request's end.
"""

from __future__ import annotations

import select

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper


class DatabaseWrapper(PostGISDatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _writable, _failed = select.select([connection.pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # no socket any more
            return False
        return True if not readable else super().is_usable()
