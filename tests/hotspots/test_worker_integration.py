"""A real Celery worker on Redis computes what the hotspot pages ask for: the first weekly snapshot when there is
none, and the detection of a category a planner chose. The page answers at once ("being prepared") and shows the
result once the worker has stored it. Committed for real (transactional test), queued after commit as in production.
"""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from geo_meldpunt.hotspots.models import Detection, Snapshot
from geo_meldpunt.reports.models import Category
from geo_meldpunt.staff.groups import PLANNER
from tests.notifications.test_worker_integration import DELIVERY_TIMEOUT_S, wait_for, worker  # noqa: F401 - fixture
from tests.staff.helpers import staff_user

from .helpers import near, plant
from .test_views import recent_months

LIST = "/inzicht/hotspots/"


def test_the_worker_takes_the_missing_snapshot_and_detects_a_chosen_category(worker):  # noqa: F811
    _mail_dir, log = worker
    litter = Category.objects.get(slug="sluikstort")
    for k, when in enumerate(recent_months(6)):
        plant(litter, when, near(4 * k, 37 * k, near(400, 180)), reporter_email=f"m{k}@example.org")
    client = Client()
    client.force_login(staff_user(PLANNER))

    html = client.get(LIST).content.decode()
    assert 'data-source="snapshot"' in html and 'data-state="preparing"' in html
    wait_for(lambda: Snapshot.objects.exists(), DELIVERY_TIMEOUT_S, "no snapshot was taken", log)
    html = client.get(LIST).content.decode()
    assert 'data-state="ready"' in html and 'data-count="1"' in html

    html = client.get(LIST, {"category": litter.pk}).content.decode()
    assert 'data-source="detection"' in html and 'data-state="preparing"' in html
    detection = wait_for(
        lambda: Detection.objects.filter(computed_at__isnull=False).first(), DELIVERY_TIMEOUT_S, "no detection", log
    )
    assert detection.category == litter and detection.computed_at <= timezone.now()
    html = client.get(LIST, {"category": litter.pk}).content.decode()
    assert 'data-source="detection"' in html and 'data-state="ready"' in html and 'data-count="1"' in html
