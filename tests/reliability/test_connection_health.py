"""The health check of persistent connections (geo_meldpunt/core/postgis): no round trip while a connection is fine,
and a connection the server ended is replaced before a request uses it."""

from __future__ import annotations

import time

import pytest
from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper
from django.db import close_old_connections, connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asked_server(monkeypatch) -> list[int]:
    """The times the check fell back to asking the server (Django's `SELECT 1`)."""
    asked: list[int] = []
    original = PostGISDatabaseWrapper.is_usable

    def is_usable(self) -> bool:
        asked.append(1)
        return original(self)

    monkeypatch.setattr(PostGISDatabaseWrapper, "is_usable", is_usable)
    return asked


def terminate(backend_pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def test_a_fine_connection_is_usable_without_asking_and_an_ended_one_is_not(asked_server):
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    try:
        assert [wrapper.is_usable() for _ in range(20)] == [True] * 20
        assert asked_server == []

        terminate(wrapper.connection.info.backend_pid)
        deadline = time.monotonic() + 5
        while wrapper.is_usable() and time.monotonic() < deadline:
            time.sleep(0.02)  # the server's goodbye arrives a moment after the terminate
        assert wrapper.is_usable() is False
        assert asked_server, "the readable socket was judged by the server's answer"
    finally:
        wrapper.close()


def test_a_request_after_the_server_ended_the_connection_is_answered_on_a_new_one(client, asked_server, settings):
    connection.settings_dict["CONN_MAX_AGE"] = 60  # persistent, as in production (the tests' default is 0)
    try:
        assert client.get("/api/v1/categories/").status_code == 200
        first = connection.connection.info.backend_pid
        close_old_connections()
        assert client.get("/api/v1/categories/").status_code == 200
        assert connection.connection.info.backend_pid == first and asked_server == []  # kept, without asking

        terminate(first)
        time.sleep(0.2)
        # What a request's start runs in production (Django's test client leaves it out): the check is due again.
        close_old_connections()
        response = client.get("/api/v1/categories/")

        assert response.status_code == 200
        assert connection.connection.info.backend_pid != first
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()
