"""Addresses in the admin: listed and searchable, the position edited as text, no asset from another host."""

import re

import pytest
from django.urls import reverse

from geo_meldpunt.geocoding.models import Address

pytestmark = pytest.mark.django_db


def test_the_list_searches_streets(admin_client):
    response = admin_client.get(reverse("admin:geocoding_address_changelist"), {"q": "Kapellestraat"})
    assert response.status_code == 200
    assert "Kapellestraat" in response.content.decode()


def test_the_position_is_edited_as_text_without_a_map_from_the_internet(admin_client):
    address = Address.objects.get(street="Wapenplein")
    url = reverse("admin:geocoding_address_change", args=[address.pk])

    html = admin_client.get(url).content.decode()
    assert re.search(r"<textarea[^>]*name=\"point\"", html)
    assert not re.search(r"""(?:src|href)=["']https?://""", html)

    response = admin_client.post(
        url,
        {
            "street": "Wapenplein",
            "housenumber": "",
            "postcode": "8400",
            "municipality": "Oostende",
            "point": "SRID=4326;POINT (2.9197 51.2298)",
            "approximate": "on",
            "source": "admin",
        },
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.point.x, address.point.y, address.source) == pytest.approx((2.9197, 51.2298, "admin"))
