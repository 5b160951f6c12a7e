"""/inzicht/kaart/ on the server side: who gets the page, and what its filters offer."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, MANAGEMENT, PHONE_DESK, PLANNER
from tests.factories import CategoryFactory, DepartmentFactory
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

URL = "/inzicht/kaart/"


def client_for(role: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    if role is not None:
        departments = [DepartmentFactory()] if role == HANDLER else ()
        client.force_login(staff_user(role, departments=departments))
    return client


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/behandeling/login/?next=/inzicht/kaart/")


@pytest.mark.parametrize("role", [PLANNER, MANAGEMENT, COORDINATOR, ADMINISTRATOR])
def test_roles_with_statistics_get_the_heatmap(role):
    response = client_for(role).get(URL)

    assert response.status_code == 200
    assert "Heatmap van de meldingen" in response.content.decode()


@pytest.mark.parametrize("role", [HANDLER, PHONE_DESK, FIELD_STAFF])
def test_other_roles_are_refused(role):
    response = client_for(role).get(URL)

    assert response.status_code == 403
    assert "heat-map" not in response.content.decode()


def test_the_category_filter_offers_non_public_categories_and_the_page_keeps_the_chosen_filters():
    hidden = CategoryFactory(slug="t-verborgen", name_nl="Verborgen categorie", is_public=False)

    response = client_for(PLANNER).get(URL, {"category": "t-verborgen", "weight": "impact", "view": "cells"})

    page = response.content.decode()
    assert f'<option value="{hidden.slug}" selected>Verborgen categorie</option>' in page
    assert '<input type="radio" name="weight" value="impact" checked>' in page
    assert '<input type="radio" name="view" value="cells" checked>' in page
    config = json.loads(page.split('<script id="heatmap-config" type="application/json">')[1].split("</script>")[0])
    assert config["urls"] == {"cells": "/api/v1/insight/cells/", "tiles": "/api/v1/tiles/{z}/{x}/{y}.mvt"}
    assert config["strings"]["legend_count"] == "Meldingen per vak"


def test_the_menu_of_a_planner_links_the_heatmap():
    page = client_for(PLANNER).get("/inzicht/").content.decode()

    assert '<a href="/inzicht/kaart/">Heatmap</a>' in page
