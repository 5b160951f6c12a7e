import shutil
from pathlib import Path

import pytest

SAMPLE_REFERENCE = Path(__file__).parent / "data" / "reference"


@pytest.fixture
def reference_dir(tmp_path) -> Path:
    """A writable copy of the small sample reference data (four files), for tests that edit it."""
    return Path(shutil.copytree(SAMPLE_REFERENCE, tmp_path / "reference"))
