"""Shared set-up of the Open311 tests: a client application with an API key, a category that takes reports."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from geo_meldpunt.clients.models import ClientApplication
from geo_meldpunt.clients.services import api_key_create
from tests.factories import WAPENPLEIN, CategoryFactory

BASE = "/open311/v2"
LON, LAT = WAPENPLEIN


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def application() -> ClientApplication:
    return ClientApplication.objects.create(name="Buurtapp Oostende", contact_email="dev@buurtapp.example")


@pytest.fixture
def api_key(application) -> str:
    _key, raw = api_key_create(application=application, label="tests")
    return raw


@pytest.fixture
def category():
    return CategoryFactory(name_nl="Losliggende tegel", name_en="Loose paving stone", answer_days=10)


def form(category, api_key: str, **overrides) -> dict:
    data = {
        "api_key": api_key,
        "service_code": category.slug,
        "lat": str(LAT),
        "long": str(LON),
        "description": "Losliggende stoeptegel voor het stadhuis.",
        "email": "jan.peeters@example.org",
        "first_name": "Jan",
        "last_name": "Peeters",
        "phone": "+32 59 12 34 56",
        "attribute[impact]": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def xml_errors(response) -> list[tuple[str, str]]:
    root = xml_of(response)
    assert root.tag == "errors"
    return [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]
