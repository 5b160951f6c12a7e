import shutil
from pathlib import Path

import pytest
from django.utils import translation

SAMPLE_REFERENCE = Path(__file__).parent / "sample"


@pytest.fixture
def reference_dir(tmp_path) -> Path:
    """A writable copy of the small sample reference data (four files), for tests that edit it."""
    return Path(shutil.copytree(SAMPLE_REFERENCE, tmp_path / "reference"))


@pytest.fixture(autouse=True)
def _english():
    """These tests read the loader's messages (geometry repairs among them) in English; Dutch is tested in tests/api."""
    with translation.override("en"):
        yield
