"""The public list builds its features from plain rows (api/report_features.py): it must give, byte for byte, the
response PublicMapReportFeature (DRF-GIS over model instances) gave, on every kind of report, in every language."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import OrderedDict

import pytest
from django.contrib.gis.geos import Point
from django.db.models import Prefetch
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.utils.urls import replace_query_param

from api.fields import parse_bbox
from api.pagination import CURSOR_PARAM, KeysetGeoJsonPagination, cursor_encode
from api.report_features import coordinate
from api.serializers import PublicListPageQuery, PublicMapReportFeature
from geo_meldpunt.reports.choices import PUBLIC_KINDS
from geo_meldpunt.reports.models import Kind, Report, ReportPhoto, Status
from geo_meldpunt.reports.photos import photo_prepare
from geo_meldpunt.reports.selectors import public_reports
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    ReportFactory,
    image_bytes,
    point_at,
    project,
    upload,
)

URL = "/api/v1/reports/"
LANGUAGES = ("nl", "fr", "en", "de")
MAP_STATUSES = [s for s in Status if s not in (Status.SAMENGEVOEGD, Status.NIET_ONTVANKELIJK, Status.DOORGEGEVEN)]


def old_response(url: str, language: str) -> bytes:
    """The list's response as the view built it before report_features.py: public_reports with the category and
    department joined as model instances and the public photos prefetched, one row more than the page for the
    next link, PublicMapReportFeature, DRF's JSON renderer."""
    request = Request(APIRequestFactory().get(url, HTTP_ACCEPT_LANGUAGE=language))
    with translation.override(language):
        query = PublicListPageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        reports = (
            public_reports(
                bbox=parse_bbox(params["bbox"]) if params.get("bbox") else None,
                category_slug=params.get("category"),
                statuses=params.get("status"),
                after=params.get("cursor"),
            )
            .select_related("category", "category__parent", "department")
            .prefetch_related(
                Prefetch("photos", queryset=ReportPhoto.objects.filter(report__category__photos_public=True))
            )
        )
        size = KeysetGeoJsonPagination().get_page_size(request)
        rows = list(reports[: size + 1])
        page = rows[:size]
        next_link = (
            replace_query_param(
                request.build_absolute_uri(), CURSOR_PARAM, cursor_encode((page[-1].created_at, page[-1].pk))
            )
            if len(rows) > size
            else None
        )
        features = PublicMapReportFeature(page, many=True, context={"request": request}).data["features"]
        body = OrderedDict([("type", "FeatureCollection"), ("next", next_link), ("features", features)])
        return JSONRenderer().render(body)


def with_photos(count: int) -> list:
    return [photo_prepare(upload(f"foto-{i}.jpg", image_bytes())) for i in range(count)]


@pytest.fixture
def varied_reports(settings):
    """Reports of every kind and every status the map shows, with 0, 1 or 2 photos in categories whose photos are
    public and not, names translated or not (fallback to Dutch), a parent category, odd addresses, points with
    digits GDAL rounds, creation times that tie or have no microseconds; and reports the map leaves out."""
    settings.MAPS_RECENTLY_SOLVED_DAYS = 30
    rng = random.Random(20261203)
    all_names = DepartmentFactory(
        name_nl="Groendienst", name_fr="Service des espaces verts", name_en="Parks", name_de="Grünflächenamt"
    )
    dutch_only = DepartmentFactory(name_nl="Wegendienst", name_en="")
    parent = CategoryFactory(name_nl="Openbaar domein", department=all_names)
    categories = [
        CategoryFactory(
            name_nl="Zwerfvuil",
            name_fr="Déchets sauvages",
            name_en="Litter",
            name_de="Müll",
            photos_public=True,
            parent=parent,
            department=all_names,
        ),
        CategoryFactory(name_nl="Put in de weg", name_en="", photos_public=False, department=dutch_only),
        CategoryFactory(
            name_nl="Lantaarnpaal “defect”", name_en="Street light", photos_public=True, department=dutch_only
        ),
    ]
    addresses = ["", "Wapenplein 1", "Léopold II-laan 12 bus 3", 'Kaai "Oost" \\ 7', "Straße 5 — 🐟", "a\nb\tc"]
    points = [
        point_at(*WAPENPLEIN),
        point_at(2.9249746, 51.2303451),  # seven decimals, as the demo data
        point_at(2.9123450000000012, 51.23000000000001),  # a tail GDAL's intelliround rounds away
        point_at(2.9199999999999995, 51.229999999999997),
    ]
    points += [project(points[0], metres=rng.uniform(1, 250), azimuth_deg=rng.uniform(0, 360)) for _ in range(40)]
    made = []
    for i, (kind, status) in enumerate((k, s) for k in Kind for s in MAP_STATUSES):
        point = points[i]
        made.append(
            ReportFactory(
                kind=kind,
                category=categories[i % len(categories)],
                point=point,
                address=addresses[i % len(addresses)],
                status=status,
                photos=with_photos((i // 3) % 3) if i % 5 < 3 else [],
            )
        )
    # Ties on created_at (bulk imports) and a time with no microseconds (isoformat leaves them out).
    same = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    Report.objects.filter(pk__in=[r.pk for r in made[3:9]]).update(created_at=same)
    Report.objects.filter(pk=made[10].pk).update(created_at=same - dt.timedelta(days=400))
    # Left off the map: an old solved report, a merged one, a hidden category, no location.
    old = ReportFactory(category=categories[0], status=Status.BEANTWOORD)
    Report.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=31))
    ReportFactory(category=categories[0], status=Status.SAMENGEVOEGD)
    ReportFactory(category=CategoryFactory(is_public=False, photos_public=True), photos=with_photos(1))
    ReportFactory(kind=Kind.SUGGESTIE, category=categories[0], point=None)
    return made, categories, parent


def walk_both(client, url: str, language: str) -> list[dict]:
    """Follow the next links, comparing every page with the old response; the features of all pages."""
    features = []
    while url:
        new = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert new.status_code == 200
        assert new.content == old_response(url, language), url
        body = new.json()
        features += body["features"]
        url = body["next"]
    return features


@pytest.mark.django_db
def test_every_page_is_the_response_the_serializer_gave(api_client, varied_reports):
    """The whole list in pages of 7, and filtered lists, in each language (one data set: photos are slow to make)."""
    made, categories, parent = varied_reports
    filtered = [
        "bbox=2.915,51.226,2.925,51.233&page_size=3",
        f"category={parent.slug}&status=nieuw,beantwoord,heropend&page_size=2",
        f"category={categories[2].slug}&page_size=500",
        "status=afgesloten",
    ]

    for language in LANGUAGES:
        features = walk_both(api_client, f"{URL}?page_size=7", language)
        for query in filtered:
            assert walk_both(api_client, f"{URL}?{query}", language), query

        # The comparison covered what it should: every report on the map, photos, fallback names, GDAL's rounding.
        # Only the public kinds: a klacht or a compliment is never on the public map (issue 11).
        assert {f["properties"]["reference"] for f in features} == {r.reference for r in made if r.kind in PUBLIC_KINDS}
        assert {r.kind for r in made} - set(PUBLIC_KINDS)
        assert {len(f["properties"]["photos"]) for f in features} == {0, 1, 2}
        assert any(f["properties"]["category_name"] == "Put in de weg" for f in features)
        assert {f["properties"]["kind"] for f in features} == {str(k) for k in PUBLIC_KINDS}
        assert {f["properties"]["status"] for f in features} == {str(s) for s in MAP_STATUSES}
        # Stored as 2.9123450000000012, 51.23000000000001 and 2.9199999999999995, 51.229999999999997.
        coordinates = [f["geometry"]["coordinates"] for f in features]
        assert [2.912345, 51.23] in coordinates and [2.92, 51.23] in coordinates


@pytest.mark.django_db
def test_an_empty_page_is_the_response_the_serializer_gave(api_client):
    url = f"{URL}?bbox=3.5,50.5,3.6,50.6"

    assert walk_both(api_client, url, "nl") == []


def test_coordinates_are_written_as_gdal_wrote_them():
    """The serializer wrote each point through GDAL's GeoJSON (15 decimals, then its intelliround clean-up) and
    read it back as numbers; coordinate() must give the same number for any value, typical or not."""
    rng = random.Random(4711)
    values = [0.0, 1e-7, -1e-7, 2.9, 51.2, 179.99999999999997, 0.9999999999999999, 9.99999999999999]
    for _ in range(5_000):
        values += [rng.uniform(2.7, 3.1), rng.uniform(51.0, 51.4), round(rng.uniform(2.7, 3.1), 7)]
        # Tails of zeros or nines after a few digits: the patterns GDAL rounds away.
        digits = f"{rng.uniform(-179, 179):.{rng.randint(0, 9)}f}".rstrip(".")
        tail = rng.choice(["00000", "99999", "0000000", "9999999", "000000001", "999999998", "0000012", "9999987"])
        values.append(float(f"{digits}{'' if '.' in digits else '.'}{tail}{rng.randint(0, 9)}"))

    gdal = [json.loads(Point(v, 0.0, srid=4326).json)["coordinates"][0] for v in values]

    assert [coordinate(v) for v in values] == gdal
    assert sum(coordinate(v) != v for v in values) > 100  # the rounding is real: repr() of the double would differ
