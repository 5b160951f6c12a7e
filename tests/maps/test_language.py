"""The pages' language: an explicit choice (the language cookie) first, otherwise Dutch, never the browser's.

The API keeps following Accept-Language, so third-party apps get field errors in the language they ask for.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_a_page_is_dutch_when_the_browser_prefers_english_and_nothing_was_chosen(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 200
    assert html_lang(response) == "nl"
    assert response["Content-Language"] == "nl"


@pytest.mark.parametrize("language", ["fr", "en", "de", "nl"])
def test_a_chosen_language_in_the_cookie_wins_over_the_browser(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/kaart/", HTTP_ACCEPT_LANGUAGE="nl-BE" if language != "nl" else "en")

    assert html_lang(response) == language
    assert "Cookie" in response["Vary"]


def test_an_unknown_language_in_the_cookie_falls_back_to_dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == "nl"


def test_a_regional_variant_in_the_cookie_gets_its_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-be"

    assert html_lang(client.get("/")) == "fr"


def test_the_switcher_keeps_the_choice_in_the_cookie_and_returns_to_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/kaart/?status=open"})

    assert response.status_code == 302
    assert response["Location"] == "/kaart/?status=open"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get("/kaart/")) == "en"
    assert html_lang(client.get("/")) == "en"


def test_the_switcher_is_a_form_that_works_without_javascript(client):
    html = client.get("/kaart/?status=open").content.decode()

    form = re.search(r'<form class="language-switcher" action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S)
    assert form, "no language form posting to set_language"
    body = form.group(1)
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="next" value="/kaart/?status=open"' in body
    for code in ("nl", "fr", "en", "de"):
        assert f'name="language" value="{code}" lang="{code}"' in body
    # The current language is marked, for screen readers too.
    assert re.search(r'value="nl" lang="nl" aria-current="true"', body)


def test_the_api_keeps_following_accept_language(client):
    response = client.get("/api/v1/reports/?status=bogus", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Language"] == "en"


def test_the_api_without_accept_language_is_dutch(client):
    response = client.get("/api/v1/reports/?status=bogus")

    assert response["Content-Language"] == "nl"
