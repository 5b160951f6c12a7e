"""The public map's two reads are sent compressed to a browser (it accepts gzip), the same JSON once decompressed."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.factories import ReportFactory, point_at

CITY = "2.84,51.16,3.01,51.25"


@pytest.fixture
def many_reports(db):
    # Enough reports for answers above the compressor's minimum size (200 bytes).
    return [ReportFactory(point=point_at(2.92 + i * 0.001, 51.23 + i * 0.0005)) for i in range(12)]


@pytest.mark.parametrize("url", [f"/api/v1/reports/?bbox={CITY}", f"/api/v1/reports/clusters/?bbox={CITY}&zoom=16"])
def test_a_browser_gets_the_map_json_compressed_and_others_plain(api_client, many_reports, url):
    plain = api_client.get(url)
    packed = api_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content)
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert plain.json()["features"]
