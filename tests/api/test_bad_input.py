"""Bad input: a 400 naming the field at fault, never a 500, and nothing written (no report, event, photo or file)."""

import contextlib
import io
import json
import math

import pytest
from django.conf import settings
from PIL import Image

from geo_meldpunt.reports.models import Follower, Kind, ReferenceCounter, Report, ReportEvent, ReportPhoto, Status
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, image_bytes, reference_check_points, upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
LON, LAT = WAPENPLEIN
# Outside the territory: the sea and the neighbouring towns of fixtures/oostende/check_points.json.
OUTSIDE = {p["name"]: (p["lon"], p["lat"]) for p in reference_check_points() if not p["inside"]}
NORTH_SEA = next(xy for name, xy in OUTSIDE.items() if name.startswith("Noordzee"))


@pytest.fixture
def category():
    return CategoryFactory(slug="losliggende-tegel", kinds=[Kind.MELDING, Kind.KLACHT, Kind.SUGGESTIE])


def valid(category, /, **overrides) -> dict:
    data = {
        "kind": "melding",
        "category": category.slug,
        "lat": LAT,
        "lon": LON,
        "description": "Losliggende stoeptegel.",
        "impact": 2,
        "reporter_email": "melder@example.org",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not DROP}


DROP = object()


def row_counts() -> tuple:
    return (
        Report.objects.count(),
        ReportEvent.objects.count(),
        ReportPhoto.objects.count(),
        Follower.objects.count(),
        list(ReferenceCounter.objects.values_list("year", "last")),
    )


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@contextlib.contextmanager
def nothing_written():
    before = row_counts()
    yield
    assert row_counts() == before, "a rejected request wrote to the database"
    assert stored_files() == [], "a rejected request left a file behind"


def assert_field_error(response, field: str) -> list[str]:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert field in body, body
    messages = body[field]
    if isinstance(messages, dict):  # a list field's errors per item, e.g. {"photos": {"1": ["..."]}}
        messages = [m for item in messages.values() for m in item]
    assert isinstance(messages, list) and messages, body
    assert all(isinstance(m, str) and m.strip() for m in messages), body
    return messages


# --- JSON bodies -----------------------------------------------------------------------------------------

JSON_CASES = [
    # (id, overrides, field at fault)
    ("no-coordinates", {"lat": DROP, "lon": DROP}, "location"),
    ("lat-text", {"lat": "abc"}, "lat"),
    ("lon-text", {"lon": "twee komma negen"}, "lon"),
    ("lat-nan", {"lat": "NaN"}, "lat"),
    ("lon-infinity", {"lon": "Infinity"}, "lon"),
    ("lat-list", {"lat": [LAT]}, "lat"),
    ("lon-object", {"lon": {"value": LON}}, "lon"),
    ("only-lat", {"lon": DROP}, "lon"),
    ("only-lon", {"lat": DROP}, "lat"),
    ("only-lon-empty-lat", {"lat": None}, "lat"),
    ("lat-out-of-range", {"lat": 91}, "lat"),
    ("lon-out-of-range", {"lon": -181}, "lon"),
    ("lat-lon-swapped", {"lat": LON, "lon": LAT}, "location"),  # (51.23 E, 2.92 N) is in the Gulf of Guinea
    ("location-not-json", {"lat": DROP, "lon": DROP, "location": "{not json"}, "location"),
    ("location-list", {"lat": DROP, "lon": DROP, "location": [LON, LAT]}, "location"),
    (
        "location-linestring",
        {"lat": DROP, "lon": DROP, "location": {"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT]]}},
        "location",
    ),
    (
        "location-one-coordinate",
        {"lat": DROP, "lon": DROP, "location": {"type": "Point", "coordinates": [LON]}},
        "location",
    ),
    (
        "location-text-coordinates",
        {"lat": DROP, "lon": DROP, "location": {"type": "Point", "coordinates": [str(LON), str(LAT)]}},
        "location",
    ),
    (
        "location-out-of-range",
        {"lat": DROP, "lon": DROP, "location": {"type": "Point", "coordinates": [200, LAT]}},
        "location",
    ),
    ("location-no-coordinates", {"lat": DROP, "lon": DROP, "location": {"type": "Point"}}, "location"),
    *[(f"outside-{name}", {"lon": lon, "lat": lat}, "location") for name, (lon, lat) in OUTSIDE.items()],
    (
        "geojson-in-the-sea",
        {"lat": DROP, "lon": DROP, "location": {"type": "Point", "coordinates": list(NORTH_SEA)}},
        "location",
    ),
    ("unknown-category", {"category": "bestaat-niet"}, "category"),
    ("no-category", {"category": DROP}, "category"),
    ("category-as-object", {"category": {"slug": "losliggende-tegel"}}, "category"),
    ("kind-not-accepted", {"kind": "compliment"}, "kind"),
    ("unknown-kind", {"kind": "gerucht"}, "kind"),
    ("no-kind", {"kind": DROP}, "kind"),
    ("impact-0", {"impact": 0}, "impact"),
    ("impact-6", {"impact": 6}, "impact"),
    ("impact-x", {"impact": "x"}, "impact"),
    ("impact-fraction", {"impact": 2.5}, "impact"),
    ("description-too-long", {"description": "x" * (settings.REPORTS_DESCRIPTION_MAX_LENGTH + 1)}, "description"),
    ("description-empty", {"description": ""}, "description"),
    ("description-blank", {"description": "   \n "}, "description"),
    ("description-missing", {"description": DROP}, "description"),
    ("address-too-long", {"address": "Kapellestraat " * 30}, "address"),
    ("complaint-without-email", {"kind": "klacht", "reporter_email": DROP}, "reporter_email"),
    ("complaint-with-blank-email", {"kind": "klacht", "reporter_email": ""}, "reporter_email"),
    ("malformed-email", {"reporter_email": "jan.at.example.org"}, "reporter_email"),
    ("malformed-phone", {"reporter_phone": "bel me maar"}, "reporter_phone"),
    ("name-too-long", {"reporter_name": "J" * 201}, "reporter_name"),
    ("unknown-channel", {"channel": "postduif"}, "channel"),
    ("unknown-language", {"language": "xx"}, "language"),
    ("department-on-a-melding", {"compliment_department": "groendienst"}, "compliment_department"),
    ("staff-member-on-a-melding", {"compliment_staff_member": "Jef"}, "compliment_staff_member"),
    ("department-with-nul", {"compliment_department": "groen\x00dienst"}, "compliment_department"),
    ("department-as-object", {"compliment_department": {"slug": "groendienst"}}, "compliment_department"),
    ("department-as-bool", {"compliment_department": True}, "compliment_department"),
    ("department-superscript-digit", {"compliment_department": "²"}, "compliment_department"),
    ("department-huge-id", {"compliment_department": 10**30}, "compliment_department"),
    ("staff-member-too-long", {"compliment_staff_member": "J" * 201}, "compliment_staff_member"),
    *[(f"staff-channel-{c}", {"channel": c}, "channel") for c in ("staff", "field", "desk", "phone", "email", "post")],
]


@pytest.mark.parametrize(("overrides", "field"), [c[1:] for c in JSON_CASES], ids=[c[0] for c in JSON_CASES])
def test_bad_json_input_is_refused_at_its_field(api_client, category, overrides, field):
    with nothing_written():
        response = api_client.post(URL, valid(category, **overrides), format="json")
    assert_field_error(response, field)


def test_an_inactive_category_is_refused(api_client):
    retired = CategoryFactory(active=False)
    with nothing_written():
        response = api_client.post(URL, valid(retired), format="json")
    assert_field_error(response, "category")


def test_a_logged_in_citizen_may_not_use_a_staff_channel(api_client, category, django_user_model):
    api_client.force_authenticate(django_user_model.objects.create_user("burger", password="x"))
    with nothing_written():
        response = api_client.post(URL, valid(category, channel="staff"), format="json")
    assert_field_error(response, "channel")


def test_a_description_of_exactly_the_maximum_length_is_accepted(api_client, category):
    text = "x" * settings.REPORTS_DESCRIPTION_MAX_LENGTH
    assert api_client.post(URL, valid(category, description=text), format="json").status_code == 201


@pytest.mark.parametrize("raw", ['{"kind": "melding", "lat": NaN}', '{"kind": ', "[1, 2]", "null"])
def test_a_body_that_is_not_a_json_object_is_a_400(api_client, raw):
    with nothing_written():
        response = api_client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()


def test_several_faults_are_reported_together_per_field(api_client, category):
    with nothing_written():
        response = api_client.post(URL, valid(category, impact=9, description="", lat="noord"), format="json")
    for field in ("impact", "description", "lat"):
        assert_field_error(response, field)


# --- Multipart: photos -------------------------------------------------------------------------------------


def post_photos(api_client, category, photos, **overrides):
    data = valid(category, **overrides)
    data["photos"] = photos
    return api_client.post(URL, data, format="multipart")


def padded_jpeg(total_bytes: int) -> bytes:
    """A real JPEG with bytes after its end marker: decoders still read it, so only its size is wrong."""
    jpeg = image_bytes()
    return jpeg + b"\0" * (total_bytes - len(jpeg))


def not_images() -> list:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, format="GIF")
    return [
        pytest.param(upload("foto.jpg", b"Dit is geen foto, maar tekst.\n" * 20), id="text-named-jpg"),
        pytest.param(upload("foto.jpg", svg, "image/svg+xml"), id="svg-named-jpg"),
        pytest.param(upload("foto.jpg", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), id="pdf-named-jpg"),
        pytest.param(upload("foto.jpg", b"MZ\x90\x00" + b"\0" * 200, "application/octet-stream"), id="exe-named-jpg"),
        pytest.param(upload("foto.gif", gif.getvalue(), "image/gif"), id="gif"),
        pytest.param(upload("foto.jpg", image_bytes(size=(400, 300))[:300]), id="truncated-jpeg"),
        pytest.param(upload("leeg.jpg", b""), id="empty-file"),
    ]


@pytest.mark.parametrize("bad", not_images())
def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(api_client, category, bad):
    with nothing_written():
        response = post_photos(api_client, category, [upload("goed.jpg", image_bytes()), bad])
    assert_field_error(response, "photos")


def test_a_photo_over_10_mb_is_refused(api_client, category):
    big = upload("groot.jpg", padded_jpeg(settings.REPORTS_PHOTO_MAX_BYTES + 1))
    with nothing_written():
        response = post_photos(api_client, category, [big])
    (message,) = assert_field_error(response, "photos")
    assert "10" in message


def test_a_photo_of_exactly_10_mb_is_accepted(api_client, category):
    response = post_photos(api_client, category, [upload("groot.jpg", padded_jpeg(settings.REPORTS_PHOTO_MAX_BYTES))])
    assert response.status_code == 201, response.content
    assert ReportPhoto.objects.filter(report__reference=response.json()["reference"]).count() == 1


def test_more_than_five_photos_are_refused(api_client, category):
    photos = [upload(f"foto{i}.jpg", image_bytes()) for i in range(settings.REPORTS_PHOTO_MAX_COUNT + 1)]
    with nothing_written():
        response = post_photos(api_client, category, photos)
    assert_field_error(response, "photos")


def test_five_photos_are_accepted(api_client, category):
    photos = [upload(f"foto{i}.jpg", image_bytes()) for i in range(settings.REPORTS_PHOTO_MAX_COUNT)]
    response = post_photos(api_client, category, photos)
    assert response.status_code == 201, response.content
    assert Report.objects.get(reference=response.json()["reference"]).photos.count() == 5


def test_valid_photos_with_a_point_outside_the_territory_leave_no_file_behind(api_client, category):
    with nothing_written():
        response = post_photos(
            api_client, category, [upload("a.jpg", image_bytes())], lon=NORTH_SEA[0], lat=NORTH_SEA[1]
        )
    assert_field_error(response, "location")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": "NaN"}, "lat"),
        ({"lat": DROP}, "lat"),
        ({"lat": DROP, "lon": DROP, "location": "POINT(2.9 51.2)"}, "location"),
        ({"impact": "0"}, "impact"),
        ({"category": "bestaat-niet"}, "category"),
    ],
    ids=["nan", "only-lon", "wkt-location", "impact-0", "unknown-category"],
)
def test_bad_form_fields_are_refused_at_their_field(api_client, category, overrides, field):
    with nothing_written():
        response = api_client.post(URL, valid(category, **overrides), format="multipart")
    assert_field_error(response, field)


# --- Messages: Dutch by default, English on request -----------------------------------------------------


def test_messages_are_dutch_by_default(api_client, category):
    response = api_client.post(URL, valid(category, kind=DROP), format="json")
    assert assert_field_error(response, "kind") == ["Dit veld is vereist."]


def test_messages_are_english_on_request(api_client, category):
    response = api_client.post(URL, valid(category, kind=DROP), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert assert_field_error(response, "kind") == ["This field is required."]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_project_messages_are_sentences_in_either_language(api_client, category, language):
    sea = api_client.post(
        URL, valid(category, lon=NORTH_SEA[0], lat=NORTH_SEA[1]), format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    complaint = api_client.post(
        URL, valid(category, kind="klacht", reporter_email=DROP), format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    location = api_client.post(
        URL,
        valid(category, lat=DROP, lon=DROP, location={"type": "Point"}),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    for response, field in ((sea, "location"), (complaint, "reporter_email"), (location, "location")):
        (message,) = assert_field_error(response, field)
        assert len(message) > 10


def test_the_location_message_follows_the_request_language(api_client, category):
    """The GeoJSON message is a class attribute: it must be translated per request, not once at import."""
    bad = valid(category, lat=DROP, lon=DROP, location={"type": "Point"})
    english = assert_field_error(api_client.post(URL, bad, format="json", HTTP_ACCEPT_LANGUAGE="en"), "location")
    assert english == ["Give the location as a GeoJSON Point with [longitude, latitude]."]


# --- The other endpoints ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lon": LON, "category": "losliggende-tegel"}, "lat"),
        ({"lat": LAT, "category": "losliggende-tegel"}, "lon"),
        ({"lat": "x", "lon": LON, "category": "losliggende-tegel"}, "lat"),
        ({"lat": "nan", "lon": LON, "category": "losliggende-tegel"}, "lat"),
        ({"lat": 95, "lon": LON, "category": "losliggende-tegel"}, "lat"),
        ({"lat": LAT, "lon": LON}, "category"),
        ({"lat": LAT, "lon": LON, "category": "bestaat-niet"}, "category"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/reports/nearby/", "/api/v1/routing/preview/"])
def test_point_queries_refuse_bad_parameters_at_their_field(api_client, category, path, query, field):
    assert_field_error(api_client.get(path, query), field)


@pytest.mark.parametrize("point", list(OUTSIDE.values()), ids=list(OUTSIDE))
def test_routing_preview_refuses_a_point_outside_the_city(api_client, category, point):
    response = api_client.get("/api/v1/routing/preview/", {"lon": point[0], "lat": point[1], "category": category.slug})
    assert_field_error(response, "location")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bbox": "2.9,51.2,2.95"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "2.95,51.2,2.9,51.25"}, "bbox"),  # min > max
        ({"bbox": "2.9,51.2,2.95,nan"}, "bbox"),
        ({"bbox": "2.9,51.2,200,51.25"}, "bbox"),
        ({"status": "open"}, "status"),
        ({"status": "nieuw,weg"}, "status"),
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": "MjAyNi0wMS0wMXwx"}, "cursor"),  # a position without a time zone
    ],
)
def test_the_public_list_refuses_bad_filters_at_their_field(api_client, query, field):
    assert_field_error(api_client.get(URL, query), field)


def test_the_public_list_refuses_page_numbers_and_says_how_it_pages(api_client):
    """Pages are keyset pages (a cursor in the next link); a client still asking ?page=2 must not silently get
    the first page again."""
    (message,) = assert_field_error(api_client.get(URL, {"page": 99}), "page")
    assert "cursor" in message


@pytest.mark.parametrize("email", ["", "geen-adres", "a@b", "x" * 250 + "@example.org"])
def test_follow_refuses_a_bad_email(api_client, category, email):
    report = ReportFactory(category=category)
    with nothing_written():
        response = api_client.post(f"/api/v1/reports/{report.reference}/follow/", {"email": email}, format="json")
    assert_field_error(response, "email")


def test_follow_refuses_a_closed_report(api_client, category):
    report = ReportFactory(category=category, status=Status.AFGESLOTEN)
    with nothing_written():
        response = api_client.post(
            f"/api/v1/reports/{report.reference}/follow/", {"email": "buur@example.org"}, format="json"
        )
    assert_field_error(response, "reference")


def test_nan_check_is_not_fooled_by_case_or_sign(api_client, category):
    for text in ("nan", "-NaN", "inf", "-Infinity"):
        assert not math.isfinite(float(text))
        response = api_client.post(URL, valid(category, lat=text), format="json")
        assert_field_error(response, "lat")


def test_a_location_given_as_a_form_field_must_be_a_json_point(api_client, category):
    location = json.dumps({"type": "Polygon", "coordinates": [[[LON, LAT], [LON, LAT], [LON, LAT], [LON, LAT]]]})
    with nothing_written():
        response = api_client.post(URL, valid(category, lat=DROP, lon=DROP, location=location), format="multipart")
    assert_field_error(response, "location")


HUGE = "1" + "0" * 400  # a JSON integer too big for a float


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"kind": "melding", "category": "%s", "lat": %s, "lon": 2.9, "description": "x"}', "lat"),
        ('{"kind": "melding", "category": "%s", "lat": 51.2, "lon": -%s, "description": "x"}', "lon"),
        (
            '{"kind": "melding", "category": "%s", "location": {"type": "Point", "coordinates": [%s, 51.2]},'
            ' "description": "x"}',
            "location",
        ),
        ('{"kind": "melding", "category": "%s", "lat": 51.2, "lon": 2.9, "impact": %s, "description": "x"}', "impact"),
    ],
    ids=["lat", "lon", "location", "impact"],
)
def test_a_number_too_big_for_a_float_is_refused_not_a_crash(api_client, category, body, field):
    with nothing_written():
        response = api_client.post(URL, body % (category.slug, HUGE), content_type="application/json")
    assert_field_error(response, field)


@pytest.mark.parametrize("path", ["/api/v1/reports/nearby/", "/api/v1/routing/preview/"])
def test_point_queries_refuse_huge_numbers(api_client, category, path):
    assert_field_error(api_client.get(path, {"lat": "1e400", "lon": LON, "category": category.slug}), "lat")


def test_a_decompression_bomb_is_refused(api_client, category):
    """A tiny file that would decode to 64 megapixels (above the 60 MP limit) is refused before decoding."""
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 100_000
    with nothing_written():
        response = post_photos(api_client, category, [upload("bom.png", bomb.getvalue(), "image/png")])
    assert_field_error(response, "photos")


@pytest.mark.parametrize(
    ("accept_language", "sea_message", "complaint_message"),
    [
        (
            None,
            "Deze locatie ligt buiten het grondgebied van de stad.",
            "Voor een klacht hebben we uw e-mailadres nodig",
        ),
        ("en", "This location lies outside the city's territory.", "A complaint needs an e-mail address"),
        ("fr-BE,fr;q=0.9", "territoire", "plainte"),
    ],
)
def test_project_messages_are_dutch_by_default_and_follow_accept_language(
    api_client, category, accept_language, sea_message, complaint_message
):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    sea = api_client.post(URL, valid(category, lon=NORTH_SEA[0], lat=NORTH_SEA[1]), format="json", **headers)
    complaint = api_client.post(URL, valid(category, kind="klacht", reporter_email=DROP), format="json", **headers)
    assert sea_message in assert_field_error(sea, "location")[0]
    assert complaint_message in assert_field_error(complaint, "reporter_email")[0]


# --- Values PostgreSQL cannot compare: a NUL in a path or a lookup is "not found", never a DataError ---------


def test_a_nul_in_a_tracking_token_is_404(api_client):
    response = api_client.get("/api/v1/track/%00/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_nul_in_a_reference_to_follow_is_404(api_client):
    with nothing_written():
        response = api_client.post("/api/v1/reports/OST%00/follow/", {"email": "a@example.org"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/reports/nearby/", "/api/v1/routing/preview/"])
def test_point_queries_refuse_a_nul_in_the_category(api_client, category, path):
    assert_field_error(api_client.get(path, {"lat": LAT, "lon": LON, "category": "afval\x00"}), "category")


@pytest.mark.parametrize("content_type", ["json", "form"])
def test_a_nul_in_the_category_of_a_new_report_is_a_field_error(api_client, category, content_type):
    data = valid(category, category="\x00")
    with nothing_written():
        # multipart, as the page's form sends it, or JSON
        response = api_client.post(URL, data, **({"format": "json"} if content_type == "json" else {}))
    assert_field_error(response, "category")


# --- A bbox the geography column cannot take as one polygon ------------------------------------------------


@pytest.mark.parametrize(
    "bbox",
    ["-180,-90,180,90", "-90,50,90,52", "2,-90,3,90", "-100,50,100,52"],
    ids=["world", "half-the-globe-wide", "pole-to-pole", "wider-than-half"],
)
@pytest.mark.parametrize(("path", "extra"), [(URL, {}), ("/api/v1/reports/clusters/", {"zoom": 0})])
def test_a_bbox_of_180_degrees_or_more_is_refused_not_a_crash(api_client, bbox, path, extra):
    assert_field_error(api_client.get(path, {"bbox": bbox, **extra}), "bbox")


def test_drf_messages_its_own_catalogue_lacks_are_dutch_too(api_client, category):
    """DRF has no Dutch for "Not a valid string."; our catalogue fills the gap (api/drf_messages.py)."""
    response = api_client.post(URL, valid(category, description=["not", "text"]), format="json")
    assert assert_field_error(response, "description") == ["Geen geldige tekst."]
    english = api_client.post(
        URL, valid(category, description=["not", "text"]), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert assert_field_error(english, "description") == ["Not a valid string."]


# --- Deeply nested JSON: a 400 saying so, on every endpoint that reads a JSON body --------------------------------


@pytest.mark.parametrize("body", ["[" * 2000, "[" * 2000 + "]" * 2000, '{"a":' * 2000 + "1" + "}" * 2000])
def test_deeply_nested_json_is_a_400_on_the_report_endpoint(api_client, category, body):
    before = row_counts()
    response = api_client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]
    assert row_counts() == before


def test_nested_json_in_english(api_client):
    response = api_client.post(
        URL, data="[" * 2000 + "]" * 2000, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON is nested too deeply (at most 20 levels)."


def test_json_nested_less_than_the_recursion_limit_but_too_deep_for_the_api_is_refused(api_client, category):
    body = json.dumps(valid(category, location=json.loads("[" * 500 + "]" * 500)))
    response = api_client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]


def test_deeply_nested_json_is_a_400_on_follow(api_client):
    report = ReportFactory(status=Status.IN_BEHANDELING)
    response = api_client.post(
        f"/api/v1/reports/{report.reference}/follow/", data="[" * 2000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "te diep genest" in response.json()["detail"]
    assert not Follower.objects.exists()


def test_a_deeply_nested_location_in_a_form_is_a_field_error(api_client, category):
    data = valid(category, lat=DROP, lon=DROP, location="[" * 5000)
    response = api_client.post(URL, data=data, format="multipart")
    assert response.status_code == 400
    assert "location" in response.json()
