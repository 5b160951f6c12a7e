"""/volgen/bevestigen/<token>/: the link in the confirmation mail. Opening it shows a button (mail scanners open
links by themselves); pressing it confirms the address, after which the follower gets the answer."""

import pytest

from geo_meldpunt.reports.models import Status
from geo_meldpunt.reports.services import report_follow
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower():
    report = ReportFactory(status=Status.IN_BEHANDELING)
    follower, _created = report_follow(report=report, email="buur@example.org", language="nl")
    return follower


def url(follower) -> str:
    return f"/volgen/bevestigen/{follower.token}/"


def test_opening_the_link_asks_to_confirm_and_confirms_nothing(client, follower):
    response = client.get(url(follower))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bevestig dat buur@example.org een e-mail mag krijgen" in page
    assert 'data-testid="follow-confirm"' in page
    follower.refresh_from_db()
    assert follower.confirmed_at is None


def test_pressing_the_button_confirms_and_says_so(client, follower):
    response = client.post(url(follower))
    assert response.status_code == 200
    assert "Uw e-mailadres is bevestigd" in response.content.decode()
    assert follower.report.reference in response.content.decode()
    follower.refresh_from_db()
    confirmed_at = follower.confirmed_at
    assert confirmed_at is not None
    client.post(url(follower))  # twice: harmless, the first moment kept
    follower.refresh_from_db()
    assert follower.confirmed_at == confirmed_at


def test_an_unknown_link_is_a_404_saying_so(client):
    response = client.get("/volgen/bevestigen/onbekend/")
    assert response.status_code == 404
    assert "Deze bevestigingslink is niet bekend" in response.content.decode()
    assert client.post("/volgen/bevestigen/onbekend/").status_code == 404


def test_the_page_in_english(client, follower, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Confirm that buur@example.org may receive an e-mail" in client.get(url(follower)).content.decode()
