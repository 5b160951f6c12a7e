"""Login lock-out (django-axes) on the staff login and the admin: after AXES_FAILURE_LIMIT wrong passwords for one
user name from one address, the page says so (429, Retry-After, translated), even with the right password; another
address, or another user name, is not locked; a success before the limit resets the count."""

import pytest
from django.test import Client

from geo_meldpunt.staff.groups import HANDLER
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

LOGIN = "/behandeling/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "juist-wachtwoord-123"


@pytest.fixture
def handler():
    user = staff_user(HANDLER, username="handelaar")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, url, password, username="handelaar", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_five_wrong_passwords_lock_the_user_name_out_with_a_clear_page(client, handler, settings, url):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, url, "fout").status_code == 200  # the form again, with its error

    locked = attempt(client, url, "fout")

    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    page = locked.content.decode()
    assert "Te veel pogingen om in te loggen" in page
    assert "de komende 15 minuten niet inloggen" in page
    # Even the right password now gets the same page, and no session.
    right = attempt(client, url, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_in_english(handler, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, LOGIN, "fout")
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()


def test_another_address_and_another_user_name_are_not_locked(client, handler, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, LOGIN, "fout", REMOTE_ADDR="198.51.100.7")
    assert attempt(client, LOGIN, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429

    other = staff_user(HANDLER, username="collega")
    other.set_password(PASSWORD)
    other.save()
    assert attempt(Client(), LOGIN, PASSWORD, username="collega", REMOTE_ADDR="198.51.100.7").status_code == 302
    assert attempt(Client(), LOGIN, PASSWORD, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, handler, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, LOGIN, "fout")
    assert attempt(client, LOGIN, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, LOGIN, "fout").status_code == 200
    assert attempt(client, LOGIN, PASSWORD).status_code == 302
