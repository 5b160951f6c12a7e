"""/inzicht/hotspots/ without a browser: who may open it and record actions, what it shows, filters, bad input, and
where it reads from: the weekly snapshot (present, absent, late) or a detection kept for another period or category
(being prepared, ready, stale). The page never clusters reports itself."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_meldpunt.hotspots.models import Action, Detection, Hotspot, Snapshot
from geo_meldpunt.hotspots.periods import months_back
from geo_meldpunt.hotspots.selectors import hotspots_top
from geo_meldpunt.hotspots.services import hotspots_snapshot_take
from geo_meldpunt.hotspots.tasks import detect, take_weekly_snapshot
from geo_meldpunt.staff.groups import (
    ADMINISTRATOR,
    COORDINATOR,
    FIELD_STAFF,
    HANDLER,
    MANAGEMENT,
    OMBUDSMAN,
    PHONE_DESK,
    PLANNER,
)
from tests.factories import CategoryFactory
from tests.staff.helpers import staff_user

from .helpers import at, near, plant

pytestmark = pytest.mark.django_db

LIST = "/inzicht/hotspots/"
SECRET = {"reporter_name": "Mevrouw Geheim", "reporter_phone": "0470 12 34 56", "description": "Geheime tekst 4711"}


@pytest.fixture(autouse=True)
def no_snapshot_asked_yet():
    """The page asks for a late snapshot once an hour per process (in the cache): each test starts afresh."""
    cache.clear()


@pytest.fixture
def litter():
    return CategoryFactory(name_nl="Sluikstort", name_en="Fly-tipping")


def recent_months(count: int) -> list[dt.datetime]:
    """The 15th of each of the last `count` months before this one (inside the default period)."""
    today = timezone.localdate()
    days = [months_back(today.replace(day=15), k) for k in range(1, count + 1)]
    return [at(d.year, d.month) for d in days]


@pytest.fixture
def hotspot_reports(litter):
    place = near(400, 180)
    planted = [
        plant(litter, when, near(4 * k, 37 * k, place), reporter_email=f"m{k}@example.org", **SECRET)
        for k, when in enumerate(recent_months(6))
    ]
    hotspots_snapshot_take(today=timezone.localdate())
    return planted


def computed(pending: int = 1) -> None:
    """What the worker does with the detections asked for: the task function, run here (the worker on Redis is
    tested in test_worker_integration.py)."""
    asked = [d for d in Detection.objects.all() if d.pending]
    assert len(asked) == pending
    for detection in asked:
        detect(detection.pk)


def detects(captured) -> bool:
    return any("ST_ClusterDBSCAN" in q["sql"] for q in captured.captured_queries)


def references(html: str) -> set[str]:
    return set(re.findall(r'data-reference="([^"]+)"', html))


@pytest.mark.parametrize("role", [PLANNER, MANAGEMENT, COORDINATOR, ADMINISTRATOR])
def test_insight_roles_see_the_hotspots_with_their_reports_but_no_personal_data(client, role, hotspot_reports):
    client.force_login(staff_user(role))
    html = client.get(LIST).content.decode()

    assert 'data-count="1"' in html
    assert "6 meldingen ‘Sluikstort’ in 6 verschillende maanden binnen" in html
    assert references(html) == {r.reference for r in hotspot_reports}
    assert hotspot_reports[0].department.name_nl in html
    assert '<svg class="hotspot-map"' in html and html.count('fill="#b3261e"') == 6
    for value in [*SECRET.values(), "m0@example.org"]:
        assert value not in html


@pytest.mark.parametrize("role", [HANDLER, PHONE_DESK, FIELD_STAFF, OMBUDSMAN])
def test_other_roles_get_the_403_page_and_visitors_the_login(client, role, hotspot_reports):
    assert client.get(LIST).status_code == 302
    client.force_login(staff_user(role))
    assert client.get(LIST).status_code == 403


def test_the_category_and_period_filters_are_prepared_in_the_background_then_shown(
    client, litter, hotspot_reports, django_capture_on_commit_callbacks
):
    client.force_login(staff_user(PLANNER))
    other = CategoryFactory(name_nl="Graffiti")

    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as asked:
        html = client.get(LIST, {"category": litter.pk}).content.decode()
    assert 'data-state="preparing"' in html and "worden op de achtergrond voorbereid" in html
    assert "data-count" not in html and "data-no-hotspots" not in html
    assert not detects(captured) and len(asked) == 1  # the worker is asked, once
    with django_capture_on_commit_callbacks() as asked_again:
        client.get(LIST, {"category": litter.pk})
    assert asked_again == []  # still being prepared: not asked twice

    computed()
    with CaptureQueriesContext(connection) as captured:
        html = client.get(LIST, {"category": litter.pk}).content.decode()
    assert 'data-count="1"' in html and 'data-state="ready"' in html and "Berekend op" in html
    assert references(html) == {r.reference for r in hotspot_reports}
    assert not detects(captured)

    client.get(LIST, {"category": other.pk})
    computed()
    assert 'data-count="0"' in client.get(LIST, {"category": other.pk}).content.decode()
    # A period holding only the oldest two months: too few months for a hotspot.
    oldest = hotspot_reports[-2].created_at.date().replace(day=1)
    period = {"start": oldest.isoformat(), "end": (oldest + dt.timedelta(days=45)).isoformat()}
    client.get(LIST, period)
    computed()
    assert 'data-count="0"' in client.get(LIST, period).content.decode()


def test_a_kept_detection_of_a_running_period_is_computed_again_when_stale_and_shown_meanwhile(
    client, litter, hotspot_reports, django_capture_on_commit_callbacks, settings
):
    client.force_login(staff_user(PLANNER))
    client.get(LIST, {"category": litter.pk})
    computed()
    hours = settings.HOTSPOTS_DETECTION_FRESH_HOURS
    then = timezone.now() - dt.timedelta(hours=hours + 1)
    Detection.objects.update(requested_at=then - dt.timedelta(minutes=1), computed_at=then)

    with django_capture_on_commit_callbacks() as asked:
        html = client.get(LIST, {"category": litter.pk}).content.decode()

    assert len(asked) == 1
    assert 'data-state="updating"' in html and "data-updating" in html
    assert 'data-count="1"' in html  # the older result, while the worker computes a fresh one


def test_a_detection_computed_after_its_period_ended_is_final(
    client, litter, hotspot_reports, django_capture_on_commit_callbacks
):
    client.force_login(staff_user(PLANNER))
    today = timezone.localdate()
    period = {"start": months_back(today, 12).isoformat(), "end": (today - dt.timedelta(days=40)).isoformat()}
    client.get(LIST, period)
    computed()
    # Computed 30 days ago, nine days after the period's last day: older than fresh, but nothing can change it.
    then = timezone.now() - dt.timedelta(days=30)
    Detection.objects.update(requested_at=then - dt.timedelta(minutes=1), computed_at=then)

    with django_capture_on_commit_callbacks() as asked:
        html = client.get(LIST, period).content.decode()

    assert asked == []
    assert 'data-state="ready"' in html and "data-updating" not in html


def test_a_request_the_worker_never_answered_is_asked_again(
    client, litter, hotspot_reports, django_capture_on_commit_callbacks, settings
):
    client.force_login(staff_user(PLANNER))
    client.get(LIST, {"category": litter.pk})
    minutes = settings.HOTSPOTS_DETECTION_RETRY_MINUTES
    Detection.objects.update(requested_at=timezone.now() - dt.timedelta(minutes=minutes + 1))

    with django_capture_on_commit_callbacks() as asked:
        html = client.get(LIST, {"category": litter.pk}).content.decode()

    assert len(asked) == 1 and 'data-state="preparing"' in html


def test_without_filters_the_page_reads_the_weekly_snapshot_and_says_when_it_was_taken(
    client, hotspot_reports, django_capture_on_commit_callbacks
):
    client.force_login(staff_user(PLANNER))
    snapshot = Snapshot.objects.get()

    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks() as asked:
        html = client.get(LIST).content.decode()

    assert not detects(captured) and asked == []
    assert 'data-source="snapshot"' in html and 'data-state="ready"' in html
    taken = timezone.localtime(snapshot.taken_at)
    assert f"Uit de wekelijkse momentopname van {taken.day} " in html
    assert 'data-count="1"' in html and html.count('fill="#b3261e"') == 6
    assert references(html) == {r.reference for r in hotspot_reports}


def test_without_a_snapshot_the_page_says_it_is_being_prepared_and_asks_for_one(
    client, litter, django_capture_on_commit_callbacks
):
    for k, when in enumerate(recent_months(6)):
        plant(litter, when, near(4 * k, 37 * k))
    client.force_login(staff_user(PLANNER))

    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False) as asked:
        html = client.get(LIST).content.decode()

    assert not detects(captured)
    assert len(asked) == 1  # this week's snapshot, asked of the worker
    assert 'data-source="snapshot"' in html and 'data-state="preparing"' in html
    assert "De eerste wekelijkse momentopname" in html and "data-hotspot-rank" not in html
    with django_capture_on_commit_callbacks(execute=False) as asked_again:
        client.get(LIST)
    assert asked_again == []  # asked once an hour at most

    take_weekly_snapshot()  # what the worker does
    assert 'data-count="1"' in client.get(LIST).content.decode()


def test_a_late_snapshot_is_shown_with_its_date_and_a_new_one_is_asked_for(
    client, hotspot_reports, django_capture_on_commit_callbacks, settings
):
    client.force_login(staff_user(PLANNER))
    days = settings.HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS
    Snapshot.objects.update(taken_at=timezone.now() - dt.timedelta(days=days + 1))

    with django_capture_on_commit_callbacks(execute=False) as asked:
        html = client.get(LIST).content.decode()

    assert len(asked) == 1
    assert 'data-state="late"' in html and "meer dan een week oud" in html
    assert 'data-count="1"' in html  # the late snapshot's hotspots meanwhile


def test_bad_filters_get_field_errors_in_dutch_and_the_default_period(client, hotspot_reports):
    client.force_login(staff_user(PLANNER))

    response = client.get(LIST, {"start": "2026-05-01", "end": "2026-04-01", "category": "abc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Het einde van de periode ligt vóór het begin." in html
    assert 'aria-describedby="id_end-error"' in html and 'aria-invalid="true"' in html
    assert 'data-count="1"' in html  # the default period meanwhile
    assert client.get(LIST, {"start": "gisteren"}).status_code == 200


@pytest.fixture
def stored(hotspot_reports):
    return Hotspot.objects.get()


def test_a_stored_hotspot_links_to_its_page_with_map_reports_and_history(client, stored, hotspot_reports):
    client.force_login(staff_user(MANAGEMENT))
    html = client.get(LIST).content.decode()
    assert f'href="/inzicht/hotspots/{stored.pk}/"' in html

    page = client.get(f"/inzicht/hotspots/{stored.pk}/").content.decode()
    assert references(page) == {r.reference for r in hotspot_reports}
    assert 'id="bo-map-data"' in page and "Week van" in page
    assert "Een structurele actie registreren" not in page  # management reads, it does not record
    for value in SECRET.values():
        assert value not in page
    assert client.get("/inzicht/hotspots/999999/").status_code == 404


@pytest.mark.parametrize("role, allowed", [(PLANNER, True), (COORDINATOR, True), (MANAGEMENT, False), (HANDLER, False)])
def test_only_planners_and_the_coordinator_record_an_action(client, stored, role, allowed):
    client.force_login(staff_user(role))
    today = timezone.localdate()

    response = client.post(
        f"/inzicht/hotspots/{stored.pk}/actie/", {"date": today.isoformat(), "description": "Camera geplaatst"}
    )

    assert response.status_code == (302 if allowed else 403)
    assert Action.objects.filter(hotspot=stored).exists() is allowed
    if allowed:
        page = client.get(response["Location"]).content.decode()
        assert "Camera geplaatst" in page and "Te vroeg om te zeggen" in page


def test_a_bad_action_gets_field_errors_and_nothing_is_recorded(client, stored):
    client.force_login(staff_user(PLANNER))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(f"/inzicht/hotspots/{stored.pk}/actie/", {"date": tomorrow.isoformat(), "description": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dit veld is vereist." in html
    response = client.post(f"/inzicht/hotspots/{stored.pk}/actie/", {"date": tomorrow.isoformat(), "description": "X"})
    assert "kan niet in de toekomst liggen" in response.content.decode()
    assert not Action.objects.exists()


def test_the_card_include_renders_a_hotspot_of_hotspots_top_on_its_own(hotspot_reports):
    """What the yearly report includes: the small map, the why and the figures, from hotspots_top alone."""
    today = timezone.localdate()
    [top] = hotspots_top(start=months_back(today, 12), end=today + dt.timedelta(days=1), limit=5)
    html = render_to_string("maps/insight/_hotspot_card.html", {"hotspot": top, "heading": "h3"})

    assert '<h3 class="hotspot-card__title"' in html and top.why in html
    assert html.count('fill="#b3261e"') == 6 and 'data-figure="reports">6<' in html
    assert "," not in re.search(r'<circle cx="([^"]+)"', html).group(1)  # SVG numbers, not "110,0"


def test_a_years_hotspots_computed_beforehand_show_at_once_in_its_yearly_report(client, litter):
    year = timezone.localdate().year - 1
    for k, month in enumerate((2, 4, 5, 7, 9, 11)):
        plant(litter, at(year, month), near(4 * k, 37 * k))
    out = io.StringIO()

    call_command("hotspots_prepare_year", str(year), stdout=out)

    assert f"{year}: 1 hotspots kept" in out.getvalue()
    client.force_login(staff_user(COORDINATOR))
    html = client.get(f"/inzicht/jaarverslag/{year}/").content.decode()
    assert "data-hotspots-preparing" not in html and html.count('class="hotspot-card"') == 1
    with pytest.raises(CommandError):
        call_command("hotspots_prepare_year", str(timezone.localdate().year + 1))


def test_the_small_maps_draw_the_newest_reports_only_and_the_figures_stay_whole(
    client, litter, hotspot_reports, settings
):
    settings.HOTSPOTS_MAP_POINTS = 4
    client.force_login(staff_user(PLANNER))
    oldest = timezone.localtime(hotspot_reports[-1].created_at).date()

    html = client.get(LIST).content.decode()  # the weekly snapshot
    client.get(LIST, {"category": litter.pk})
    computed()
    kept = client.get(LIST, {"category": litter.pk}).content.decode()  # a kept detection

    for page in (html, kept):
        assert page.count('fill="#b3261e"') == 4 and 'data-figure="reports">6<' in page
        assert f"{oldest.day}-{oldest.month}-{oldest.year} –" in page  # the first report is still the oldest
