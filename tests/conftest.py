"""Shared test set-up: the Oostende reference data is loaded once per session, after the test database is made.

Tests run inside a transaction that is rolled back, so the reference data stays as loaded. A test that needs
real commits (`transactional_db`) ends with a flush that empties every table; it must request
`reference_data_reloaded` *before* `transactional_db` so the data is back for whatever runs next.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient


def load_reference_data() -> None:
    call_command("load_reference_data", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data_reloaded(django_db_blocker):
    """Reload the reference data after a `transactional_db` test has flushed the database.

    Request it before `transactional_db` in the test's arguments: fixtures are torn down in reverse order,
    so this teardown runs after the flush.
    """
    yield
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded photos go to a temporary directory, never into the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
