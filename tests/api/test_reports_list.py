"""GET /api/v1/reports/: the public map's reports as a paginated GeoJSON FeatureCollection."""

import pytest

from geo_meldpunt.reports.models import Status
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
CENTRUM = point_at(*WAPENPLEIN)
MARIAKERKE = point_at(2.8790, 51.2070)
ZANDVOORDE = point_at(2.9620, 51.2010)
BBOX_CENTRE = "2.91,51.225,2.93,51.235"


def references(body) -> list[str]:
    return [f["properties"]["reference"] for f in body["features"]]


def test_the_list_is_a_geojson_feature_collection_of_public_fields(api_client):
    category = CategoryFactory(name_nl="Zwerfvuil", name_en="Litter")
    report = ReportFactory(category=category, point=CENTRUM, address="Wapenplein 1")

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["next"] is None
    assert "count" not in body  # counting every visible report is what made the list slow at scale
    (feature,) = body["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([CENTRUM.x, CENTRUM.y])
    properties = feature["properties"]
    assert properties["reference"] == report.reference
    assert properties["category"] == category.slug
    assert properties["category_name"] == "Zwerfvuil"
    assert properties["status"] == Status.NIEUW
    assert properties["status_display"]
    assert properties["department"] == category.department.name_nl
    assert properties["address"] == "Wapenplein 1"
    assert properties["kind"] == "melding"


def test_names_follow_the_request_language(api_client):
    ReportFactory(category=CategoryFactory(name_nl="Zwerfvuil", name_en="Litter"))

    (feature,) = api_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["features"]

    assert feature["properties"]["category_name"] == "Litter"


def test_newest_first_and_paginated(api_client):
    category = CategoryFactory()
    made = [ReportFactory(category=category) for _ in range(5)]
    newest_first = [r.reference for r in reversed(made)]

    first = api_client.get(URL, {"page_size": 2}).json()
    second = api_client.get(first["next"]).json()
    last = api_client.get(second["next"]).json()

    assert references(first) + references(second) + references(last) == newest_first
    assert [len(p["features"]) for p in (first, second, last)] == [2, 2, 1]
    assert last["next"] is None
    assert "page_size=2" in first["next"] and "cursor=" in first["next"]


def test_only_categories_shown_publicly(api_client):
    public = ReportFactory(category=CategoryFactory())
    ReportFactory(category=CategoryFactory(is_public=False))

    assert references(api_client.get(URL).json()) == [public.reference]


def test_a_hidden_category_stays_hidden_when_asked_for_by_name(api_client):
    hidden = CategoryFactory(is_public=False)
    ReportFactory(category=hidden)

    body = api_client.get(URL, {"category": hidden.slug}).json()

    assert body["features"] == []


def test_a_report_without_a_location_is_not_on_the_map(api_client):
    ReportFactory(kind="suggestie", point=None)
    assert api_client.get(URL).json()["features"] == []


def test_bbox_keeps_what_lies_inside(api_client):
    category = CategoryFactory()
    centre = ReportFactory(category=category, point=CENTRUM)
    ReportFactory(category=category, point=MARIAKERKE)
    ReportFactory(category=category, point=ZANDVOORDE)

    assert references(api_client.get(URL, {"bbox": BBOX_CENTRE}).json()) == [centre.reference]
    west = references(api_client.get(URL, {"bbox": "2.87,51.20,2.89,51.21"}).json())
    assert len(west) == 1 and west != [centre.reference]


def test_category_filter_takes_the_category_or_its_parent(api_client):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    other = CategoryFactory()
    in_child = ReportFactory(category=child)
    in_parent = ReportFactory(category=parent)
    ReportFactory(category=other)

    assert sorted(references(api_client.get(URL, {"category": parent.slug}).json())) == sorted(
        [in_child.reference, in_parent.reference]
    )
    assert references(api_client.get(URL, {"category": child.slug}).json()) == [in_child.reference]


def test_an_unknown_category_filter_finds_nothing(api_client):
    ReportFactory()
    assert api_client.get(URL, {"category": "bestaat-niet"}).json()["features"] == []


def test_status_filter_takes_one_or_more_statuses(api_client):
    category = CategoryFactory()
    new = ReportFactory(category=category)
    busy = ReportFactory(category=category, status=Status.IN_BEHANDELING)
    ReportFactory(category=category, status=Status.AFGESLOTEN)

    assert references(api_client.get(URL, {"status": "nieuw"}).json()) == [new.reference]
    both = references(api_client.get(URL, {"status": "nieuw,in_behandeling"}).json())
    assert sorted(both) == sorted([new.reference, busy.reference])


def test_filters_combine(api_client):
    category = CategoryFactory()
    other = CategoryFactory()
    wanted = ReportFactory(category=category, point=CENTRUM)
    ReportFactory(category=category, point=CENTRUM, status=Status.AFGESLOTEN)
    ReportFactory(category=category, point=MARIAKERKE)
    ReportFactory(category=other, point=CENTRUM)

    body = api_client.get(URL, {"bbox": BBOX_CENTRE, "category": category.slug, "status": "nieuw"}).json()

    assert references(body) == [wanted.reference]


def test_the_map_shows_open_and_recently_solved_reports_only(api_client, settings):
    """Solved reports stay visible for MAPS_RECENTLY_SOLVED_DAYS; merged and inadmissible ones never show."""
    import datetime as dt

    from django.utils import timezone

    from geo_meldpunt.reports.models import Report

    settings.MAPS_RECENTLY_SOLVED_DAYS = 30
    category = CategoryFactory()
    open_report = ReportFactory(category=category, point=CENTRUM)
    recent = ReportFactory(category=category, point=CENTRUM, status=Status.AFGESLOTEN)
    old = ReportFactory(category=category, point=CENTRUM, status=Status.BEANTWOORD)
    Report.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=31))
    merged = ReportFactory(category=category, point=CENTRUM, status=Status.SAMENGEVOEGD)
    refused = ReportFactory(category=category, point=CENTRUM, status=Status.NIET_ONTVANKELIJK)

    shown = set(references(api_client.get(URL, {"category": category.slug}).json()))

    assert shown == {open_report.reference, recent.reference}
    assert not shown & {old.reference, merged.reference, refused.reference}


def test_photos_show_only_for_categories_that_allow_it(api_client):
    from geo_meldpunt.reports.photos import photo_prepare
    from tests.factories import image_bytes, upload

    def with_photo(category):
        photo = photo_prepare(upload("foto.jpg", image_bytes()))
        return ReportFactory(category=category, point=CENTRUM, photos=[photo])

    shown = with_photo(CategoryFactory(photos_public=True))
    hidden = with_photo(CategoryFactory(photos_public=False))

    features = {f["properties"]["reference"]: f["properties"] for f in api_client.get(URL).json()["features"]}

    (url,) = features[shown.reference]["photos"]
    assert url.startswith("http://testserver/media/reports/") and url.endswith(".jpg")
    assert features[hidden.reference]["photos"] == []


def walk(api_client, params: dict) -> list[list[str]]:
    """Every page of the list, following the next links; the references of each page."""
    pages = []
    body = api_client.get(URL, params).json()
    pages.append(references(body))
    while body["next"]:
        body = api_client.get(body["next"]).json()
        pages.append(references(body))
    return pages


def test_reports_made_at_the_same_instant_are_each_listed_once(api_client):
    """The cursor holds (created_at, id): ties on created_at (bulk imports) neither repeat nor skip a report."""
    import datetime as dt

    from django.utils import timezone

    from geo_meldpunt.reports.models import Report

    category = CategoryFactory()
    made = [ReportFactory(category=category, point=CENTRUM) for _ in range(7)]
    same = timezone.now() - dt.timedelta(hours=1)
    Report.objects.filter(pk__in=[r.pk for r in made[1:6]]).update(created_at=same)

    pages = walk(api_client, {"page_size": 2, "bbox": BBOX_CENTRE})

    listed = [ref for page in pages for ref in page]
    expected = sorted(made, key=lambda r: (Report.objects.get(pk=r.pk).created_at, r.pk), reverse=True)
    assert listed == [r.reference for r in expected]
    assert [len(page) for page in pages] == [2, 2, 2, 1]


def test_a_page_neither_counts_nor_skips_rows(api_client):
    """Each page is one query, the public photos included: no COUNT, no OFFSET, at any depth."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = CategoryFactory()
    for _ in range(5):
        ReportFactory(category=category, point=CENTRUM)
    second_url = api_client.get(URL, {"page_size": 2}).json()["next"]

    with CaptureQueriesContext(connection) as queries:
        third_url = api_client.get(second_url).json()["next"]
    assert third_url

    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    planner, sql = statements  # no parallel workers and no JIT for the page (selectors.public_map_page)
    assert "set_config('jit', 'off', true)" in planner
    assert 'FROM "reports_report"' in sql
    assert "COUNT(" not in sql.upper() and "OFFSET" not in sql.upper()
    assert "LIMIT 3" in sql.upper()


def test_a_broken_cursor_is_a_field_error_in_the_requested_language(api_client):
    response = api_client.get(URL, {"cursor": "niet-geldig"})
    assert response.status_code == 400
    assert "cursor" in response.json()
    assert "eerste pagina" in response.json()["cursor"][0]

    english = api_client.get(URL, {"cursor": "bm9nIGdlZW4gY3Vyc29y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert "first page" in english.json()["cursor"][0]


def test_page_size_is_limited(api_client):
    category = CategoryFactory()
    for _ in range(3):
        ReportFactory(category=category, point=CENTRUM)

    assert len(api_client.get(URL, {"page_size": 1}).json()["features"]) == 1
    assert len(api_client.get(URL, {"page_size": 500}).json()["features"]) == 3
    # Outside 1-500, or not a number: refused at the parameter, as the schema says, not silently replaced.
    for wrong in (0, 501, "veel"):
        response = api_client.get(URL, {"page_size": wrong})
        assert response.status_code == 400, wrong
        assert list(response.json()) == ["page_size"]


@pytest.mark.django_db(transaction=False)
def test_a_deep_page_starts_at_its_position_in_the_index(api_client):
    """EXPLAIN of a keyset page: the partial index that holds the list's order, started at the cursor."""
    import json

    from django.db import connection

    from api.pagination import cursor_decode
    from geo_meldpunt.reports.selectors import public_map_rows, public_reports

    category = CategoryFactory()
    for _ in range(3):
        ReportFactory(category=category, point=CENTRUM)
    cursor = api_client.get(URL, {"page_size": 1}).json()["next"].split("cursor=")[1].split("&")[0]

    # The statement the endpoint runs: the rows the features are built from, one more than the page.
    page = public_map_rows(public_reports(after=cursor_decode(cursor)), language="nl")[:101]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as db:
        # A tiny table, where reading it whole is cheapest: leave the planner only ordered index paths, and see
        # that it can take the partial index (the query implies its predicate) rather than the plain created_at.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            db.execute(f"SET LOCAL {setting} = off")
        db.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = json.dumps(db.fetchone()[0])
    assert "report_public_recent" in plan, plan
    assert "Index Cond" in plan and "created_at" in plan
