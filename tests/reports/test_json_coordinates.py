"""meldpunt_geojson_coordinate (migration 0015) writes a coordinate as GDAL did for the public GeoJSON:
api/report_features.coordinate, itself compared with GDAL, is the reference."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from api.report_features import coordinate

pytestmark = pytest.mark.django_db


def test_sql_coordinates_are_gdals_on_20000_numbers():
    rng = np.random.default_rng(1)
    numbers = [*rng.uniform(2.7, 3.1, 6000), *rng.uniform(51.0, 51.4, 6000), *rng.uniform(-180, 180, 2000)]
    # Near a 10-decimal value: the trailing 00000x and 99999x that GDAL rounds away.
    numbers += [round(v, 10) + d for v in rng.uniform(-60, 60, 2000) for d in (1e-14, -1e-14, 3e-15)]
    numbers += [0.0, -0.0, 2.0, -2.5, 51.2151, 2.9123, 180.0, -180.0, 1e-7, -1e-7, 2.99999999999999, 51.229999999999]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT meldpunt_geojson_coordinate(x) FROM unnest(%s::float8[]) x", [[float(x) for x in numbers]]
        )
        written = [row[0] for row in cursor.fetchall()]
    differ = [(x, text) for x, text in zip(numbers, written, strict=True) if float(text) != coordinate(float(x))]
    assert differ == []
    assert any(coordinate(float(x)) != float(x) for x in numbers)  # the rounding away of noise was exercised
