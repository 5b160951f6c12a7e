import shutil
from pathlib import Path

import pytest
from django.utils import translation

SAMPLE_REFERENCE = Path(__file__).parent / "data" / "reference"


@pytest.fixture
def reference_dir(tmp_path) -> Path:
    """A writable copy of the small sample reference data (four files), for tests that edit it."""
    return Path(shutil.copytree(SAMPLE_REFERENCE, tmp_path / "reference"))


@pytest.fixture(autouse=True)
def _english():
    """These tests read staff-facing messages in English; the Dutch default is tested in tests/api."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(admin_client, settings):
    # Pages (the admin too) follow the language cookie, else Dutch; the browser's Accept-Language is not enough.
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client
