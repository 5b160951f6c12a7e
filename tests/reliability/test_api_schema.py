"""schemathesis over the whole API: the OpenAPI schema tells the truth, so a generated client works.

schemathesis (pinned in pyproject.toml) reads /api/schema/ from a live server on the test database and sends
what the schema allows and what it forbids, every check on (tests/reliability/schemathesis.toml lists the only
exceptions, with why): no 500, every status code, content type, header and body as documented, invalid input
refused, valid input accepted. Its generated reports must get through: the schema states the active categories
and the city's extent, so some of its POSTs file real reports (201).

Bounded: a fixed seed and a few examples per operation (SCHEMATHESIS_EXAMPLES) for the fuzzing phase; the
coverage phase tries each rule's edges once. One worker: schemathesis 4.32 on Python 3.11 failed inside its
coverage phase with two. A failure prints schemathesis' own report, with a curl line to reproduce each case.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from geo_meldpunt.reports.models import Channel, Report

from .cluster import VENV_BIN

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS_EXAMPLES = 10
SEED = 20261203


@pytest.mark.usefixtures("reference_data_reloaded")
def test_schemathesis_finds_no_server_error_and_no_mismatch_and_files_reports(live_server, tmp_path):
    command = [
        str(VENV_BIN / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--url",
        live_server.url,
        "--checks",
        "all",
        "--max-examples",
        str(SCHEMATHESIS_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    selected = re.search(r"Operations:\s+(\d+) selected / (\d+) total", output)
    assert selected and selected[1] == selected[2], output[-5000:]  # the whole schema
    summary = output.split("SUMMARY")[-1]
    assert re.search(r"\d+ generated, \d+ passed", summary), summary
    # Generated POSTs filed reports: the schema says enough to make a valid one (the test database has none).
    assert Report.objects.filter(channel=Channel.WEB).count() >= 3, summary
