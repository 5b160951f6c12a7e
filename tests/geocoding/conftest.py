import csv
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import point_at

ADDRESSES_CSV = Path(settings.BASE_DIR) / "fixtures" / "oostende" / "addresses.csv"


def fixture_address(street: str, housenumber: str = "") -> dict:
    """A row of fixtures/oostende/addresses.csv (loaded into the test database by tests/conftest.py)."""
    with ADDRESSES_CSV.open(encoding="utf-8", newline="") as f:
        return next(r for r in csv.DictReader(f) if r["street"] == street and r["housenumber"] == housenumber)


def fixture_point(street: str, housenumber: str = ""):
    row = fixture_address(street, housenumber)
    return point_at(float(row["lon"]), float(row["lat"]))


@pytest.fixture
def local_backend(settings):
    settings.GEOCODING_BACKEND = "local"
