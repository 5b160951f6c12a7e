"""50 concurrent reporters against gunicorn (2 sync workers, gunicorn.conf.py) with a real Celery worker: issue 11.

The bounded version of bench/bench_reporters.py, with its functions: 50 threads on loopback file reports for
20 s with no think time (JSON with and without an e-mail address, multipart with a photo, 1 in 20 requests refused,
1 in 20 filings sent twice at once with one Idempotency-Key). Afterwards, in the database: every 201's reference
exists exactly once with its key, nothing was filed that no 201 answered, each twin pair got one 201 and one 200
with the same reference, the refused requests filed nothing; no 5xx, no request unanswered. The public-write rate
limits are out of the way under the test settings (settings/test.py), as the long run lifts them by environment.
"""

import pytest

from bench.bench_reporters import check, last_report_id, load, plan_make, summary, summary_lines

# The real Celery worker of the notification tests (a fixture): it sends the acknowledgements while reporters file.
from tests.notifications.test_worker_integration import worker  # noqa: F401

from .server import gunicorn

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("worker")]

REPORTERS = 50
SECONDS = 20.0


def test_fifty_concurrent_reporters_lose_nothing_file_nothing_twice_and_get_no_5xx(tmp_path):
    plan = plan_make(n_points=50)
    after_id = last_report_id()

    with gunicorn(tmp_path) as server:
        port = int(server.url.rsplit(":", 1)[1])
        outcomes, elapsed = load(port, plan, reporters=REPORTERS, seconds=SECONDS, think=0.0, seed=11)

    checked = check(outcomes, after_id)
    report = "\n".join(summary_lines(summary(outcomes, elapsed), checked))
    assert checked["problems"] == [], report
    assert checked["server_errors"] == 0 and checked["unanswered"] == 0, report
    assert checked["created"] == checked["reports_filed"] >= 100, report  # a server that filed little fails here
    assert checked["twins"] > 0, report
    assert set(checked["statuses"]) <= {200, 201, 400}, report
    assert set(checked["client_errors_by_reason"]) <= {"400 lon"}, report  # only the deliberately refused ones
