"""The admin: no map tiles from the internet, and a saved zone has its parts rebuilt by the service."""

import json

import pytest
from django.urls import reverse

from geo_meldpunt.zones.models import Department, RoutingRule, Zone, ZonePart
from geo_meldpunt.zones.services import zone_upsert
from tests.factories import square
from tests.zones.geodata import WAPENPLEIN_LONLAT, bow_tie

pytestmark = pytest.mark.django_db

LON, LAT = WAPENPLEIN_LONLAT


@pytest.fixture
def zone():
    zone, _ = zone_upsert(slug="test-admin-zone", name="Test Admin", zone_type="wijk", geom=square(LON, LAT, 0.003))
    return zone


def form_data(zone: Zone, **changes) -> dict:
    data = {
        "name": zone.name,
        "slug": zone.slug,
        "zone_type": zone.zone_type,
        "valid_from": "",
        "valid_to": "",
        "source": zone.source,
        "new_geometry": "",
    }
    return data | changes


@pytest.mark.parametrize("model", ["department", "zone", "routingrule"])
def test_changelists_open(admin_client, model, zone):
    assert admin_client.get(reverse(f"admin:zones_{model}_changelist")).status_code == 200


def test_zone_page_shows_a_summary_and_loads_no_tiles(admin_client, zone):
    response = admin_client.get(reverse("admin:zones_zone_change", args=[zone.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 polygon(s), 5 vertices" in page
    assert "openstreetmap" not in page.lower() and "openlayers" not in page.lower()


def test_saving_a_new_zone_type_rebuilds_the_parts(admin_client, zone):
    response = admin_client.post(reverse("admin:zones_zone_change", args=[zone.pk]), form_data(zone, zone_type="beach"))

    assert response.status_code == 302
    assert set(ZonePart.objects.filter(zone=zone).values_list("zone_type", flat=True)) == {"beach"}


def test_a_pasted_bow_tie_is_repaired_and_the_parts_follow(admin_client, zone):
    geometry = json.dumps(bow_tie(LON + 0.02, LAT, 0.002))

    response = admin_client.post(
        reverse("admin:zones_zone_change", args=[zone.pk]), form_data(zone, new_geometry=geometry), follow=True
    )

    assert "made valid" in response.content.decode()
    zone.refresh_from_db()
    assert zone.geom.valid and zone.geom.num_geom == 2
    assert all(part.geom.within(zone.geom.buffer(1e-9)) for part in ZonePart.objects.filter(zone=zone))


def test_a_line_is_refused_as_a_boundary(admin_client, zone):
    line = json.dumps({"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT]]})

    response = admin_client.post(reverse("admin:zones_zone_change", args=[zone.pk]), form_data(zone, new_geometry=line))

    assert response.status_code == 200
    assert "geometry is a LineString, not a polygon" in response.content.decode()


def test_a_new_zone_needs_a_boundary(admin_client):
    data = {"name": "Test Nieuw", "slug": "test-nieuw", "zone_type": "wijk", "source": "", "new_geometry": ""}

    response = admin_client.post(reverse("admin:zones_zone_add"), data)

    assert response.status_code == 200
    assert "A new zone needs a boundary." in response.content.decode()
    admin_client.post(reverse("admin:zones_zone_add"), data | {"new_geometry": square(LON, LAT, 0.001).json})
    assert ZonePart.objects.filter(zone__slug="test-nieuw").exists()


def test_a_rule_with_zone_and_zone_type_is_refused(admin_client, zone):
    department = Department.objects.create(slug="test-admin-dept", name_nl="Test")
    data = {
        "zone": zone.pk,
        "zone_type": "beach",
        "department": department.pk,
        "priority": 0,
        "note": "",
        "active": "on",
    }

    response = admin_client.post(reverse("admin:zones_routingrule_add"), data)

    assert "A rule names a zone or a zone type, not both." in response.content.decode()
    assert not RoutingRule.objects.filter(department=department).exists()
