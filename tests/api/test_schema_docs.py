"""The OpenAPI schema and its documentation page, served without any outside host."""

import re
from urllib.parse import urlparse

import pytest
import yaml

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/categories/",
    "/api/v1/reports/",
    "/api/v1/reports/nearby/",
    "/api/v1/reports/{reference}/follow/",
    "/api/v1/track/{token}/",
    "/api/v1/routing/preview/",
]


def test_the_schema_describes_every_endpoint(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "Meldpunt API"
    for path in PATHS:
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/reports/"]
    assert "get" in schema["paths"]["/api/v1/reports/"]


def test_the_schema_describes_location_as_a_geojson_point(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    location = schema["components"]["schemas"]["ReportCreateInput"]["properties"]["location"]
    assert location["type"] == "object"
    assert location["properties"]["type"]["enum"] == ["Point"]


def test_the_schema_is_also_json(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/reports/" in response.json()["paths"]


def test_the_docs_page_uses_only_local_assets(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets, "the page loads its script and style sheet"
    for asset in assets:
        assert not urlparse(asset).netloc, f"asset from another host: {asset}"
        # The static files, and the page's own init script (a separate answer: no inline script under the CSP).
        assert asset.startswith("/static/") or asset == "/api/docs/?script=", asset
    outside = [
        u for u in re.findall(r"""(?:https?:)?//[\w.-]+""", html) if urlparse(u).netloc not in {"", "testserver"}
    ]
    assert outside == [], outside
    assert "<script>" not in html and "<style>" not in html
    # The page's script points at the local schema.
    script = api_client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


def test_the_docs_assets_are_served_by_the_project(api_client, client):
    html = api_client.get("/api/docs/").content.decode()
    for asset in re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html):
        from django.contrib.staticfiles import finders

        assert finders.find(asset.removeprefix("/static/")), asset


def test_the_docs_page_turns_off_the_online_validator(api_client):
    html = api_client.get("/api/docs/?script=").content.decode()
    assert re.search(r'"validatorUrl":\s*null', html)
