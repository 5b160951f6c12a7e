"""Shared test set-up: the Oostende reference data is loaded once per session, after the test database is made.

Tests run inside a transaction that is rolled back, so the reference data stays as loaded. A test that needs
real commits (`transactional_db`, a live server) ends with a flush that empties every table; a teardown hook
loads the reference data again after such a test, so it is there for whatever runs next.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from geo_meldpunt.stats import upkeep
from tests.production import production_environment

ROOT = Path(__file__).resolve().parents[1]


def load_reference_data() -> None:
    call_command("load_reference_data", verbosity=0)
    # A flush also empties the one-row state the cell triggers read (written by the stats migration): rebuild it.
    upkeep.cells_rebuild()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data_reloaded(transactional_db):
    """A test that commits for real (`transactional_db`, live server): the flush at its end empties every table.

    The reference data is loaded again after all of the test's fixtures are torn down (see the teardown hook
    below): fixture order cannot promise that, because pytest-django's live-server helper requests
    transactional_db before any fixture of ours.
    """


@pytest.fixture(scope="session", autouse=True)
def flush_retries_after_a_deadlock():
    """The flush after a live-server test retries when PostgreSQL chose it as a deadlock's victim.

    Closing the browser does not stop a request the live server is still handling (the field page sends its waiting
    reports every 30 s): its transaction and the flush's TRUNCATE of every table can wait for each other, and
    PostgreSQL ends one of them. When it ends the flush, the next test would find the last test's rows; the request
    has finished by the time of the retry.
    """
    from django.core.management.base import CommandError
    from django.core.management.commands import flush
    from psycopg.errors import DeadlockDetected

    handle = flush.Command.handle

    def handle_with_retries(self, **options):
        for attempt in range(4):
            try:
                return handle(self, **options)
            except CommandError as error:
                causes, cause = [], error.__cause__ or error.__context__
                while cause is not None and len(causes) < 5:
                    causes.append(cause)
                    cause = cause.__cause__ or cause.__context__
                if attempt == 3 or not any(isinstance(c, DeadlockDetected) for c in causes):
                    raise
                time.sleep(0.5)

    flush.Command.handle = handle_with_retries
    yield
    flush.Command.handle = handle


# Fixtures whose tests end with a flush of the whole database.
FLUSHING_FIXTURES = {"transactional_db", "live_server", "live_site", "reference_data_reloaded"}


def _flushes(item) -> bool:
    """Whether the test ends with a flush: one of the fixtures above, or the marker django_db(transaction=True)."""
    if FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the last test the test database is dropped next: reloading then would write elsewhere.
    if nextitem is not None and _flushes(item):
        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            load_reference_data()
            # Playwright's event loop can make this hook run in another context than the test, with a
            # connection of its own: close it, or it keeps the test database from being dropped at the end.
            connections.close_all()


@pytest.fixture(autouse=True)
def _cells_at_each_statement(request):
    """In a test that never commits, the cells change at the end of each statement instead of at COMMIT.

    The cells are written when a transaction commits (stats migration 0002); a test inside a transaction that is
    rolled back never gets there, so it would read cells without its own reports. Production's way is tested by
    tests that commit for real (tests/stats/test_cells.py), where this does nothing.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and "db" not in names:
        return
    committing = marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
    if committing or FLUSHING_FIXTURES & names:
        return
    request.getfixturevalue("db")
    with connections["default"].cursor() as cursor:
        cursor.execute(upkeep.CELLS_NOW)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded photos go to a temporary directory, never into the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory) -> Path:
    """STATIC_ROOT filled by `collectstatic` under the production settings, as the image build does (hashed names
    and compressed copies, the manifest the pages' {% static %} links come from). Once per test session."""
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_environment(MELDPUNT_STATIC_ROOT=str(root)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return root
