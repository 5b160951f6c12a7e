import pytest
from django.utils import translation


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
