"""The work photos cost is bounded per request (issue 11): a PNG of 59 MP sent five times, a decompression bomb and
a JPEG of 100 MP are refused quickly with "too many pixels" (never "not a photo"), without decoding them; a phone's
12 MP JPEG still works, five at once; a 48 MP JPEG is decoded at reduced size. Memory is measured in a subprocess
(its peak resident size, VmHWM), so the test run's own memory does not blur it."""

import json
import subprocess
import sys
import time

import pytest
from django.conf import settings

from geo_meldpunt.reports.models import Report
from tests.factories import WAPENPLEIN, CategoryFactory, image_bytes, upload
from tests.photo_samples import jpeg_claiming, jpeg_of, png_7700, png_of_zeros

pytestmark = pytest.mark.django_db

LON, LAT = WAPENPLEIN


def post_report(api_client, photos, **extra):
    return api_client.post(
        "/api/v1/reports/",
        {
            "kind": "melding",
            "category": CategoryFactory().slug,
            "lat": LAT,
            "lon": LON,
            "description": "Kapotte bank.",
            "photos": photos,
        },
        format="multipart",
        **extra,
    )


def test_five_pngs_of_7700_by_7700_are_refused_quickly_as_too_many_pixels(api_client):
    data = png_7700()
    assert len(data) < 400_000  # small on the wire, 59 MP once decoded
    started = time.monotonic()
    response = post_report(api_client, [upload(f"tegel{i}.png", data, "image/png") for i in range(5)])
    elapsed = time.monotonic() - started

    assert response.status_code == 400
    messages = response.json()["photos"]
    assert any("te veel pixels" in m for m in messages), messages
    assert not any("geen foto" in m for m in messages)
    assert elapsed < 3.0
    assert not Report.objects.exists()


def test_the_refusal_is_in_english_on_request(api_client):
    response = post_report(api_client, [upload("tegel.png", png_7700(), "image/png")], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["photos"] == [
        "The photo “tegel.png” has too many pixels (at most 16 megapixels for this format)."
    ]


@pytest.mark.parametrize(
    "name, data",
    [
        ("bomb.png", lambda: png_of_zeros(12_000, 12_000)),  # 144 MP: above the meldpunt's 60 MP, Pillow only warns
        ("bom.png", lambda: png_of_zeros(20_000, 20_000)),  # 400 MP: Pillow itself refuses to open it
    ],
)
def test_a_decompression_bomb_is_refused_quickly_as_too_many_pixels(api_client, name, data):
    payload = data()
    assert len(payload) < settings.REPORTS_PHOTO_MAX_BYTES
    started = time.monotonic()
    response = post_report(api_client, [upload(name, payload, "image/png")])
    assert response.status_code == 400
    assert "te veel pixels" in response.json()["photos"][0]
    assert time.monotonic() - started < 3.0


def test_a_jpeg_above_60_megapixels_is_refused_as_too_many_pixels(api_client):
    response = post_report(api_client, [upload("groot.jpg", jpeg_claiming(10_000, 10_000))])
    assert response.status_code == 400
    assert "te veel pixels" in response.json()["photos"][0]


def test_five_12_megapixel_phone_photos_are_accepted(api_client):
    data = jpeg_of(4032, 3024)
    response = post_report(api_client, [upload(f"IMG_{i}.jpg", data) for i in range(5)])
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert sorted((p.width, p.height) for p in report.photos.all()) == [(2560, 1920)] * 5


def test_a_48_megapixel_jpeg_is_accepted_and_stored_at_the_largest_side(api_client):
    response = post_report(api_client, [upload("IMG_48MP.jpg", jpeg_of(8000, 6000))])
    assert response.status_code == 201, response.content
    (photo,) = Report.objects.get(reference=response.json()["reference"]).photos.all()
    assert (photo.width, photo.height) == (2560, 1920)


def test_the_request_budget_refuses_the_photo_that_would_exceed_it(api_client, settings):
    settings.REPORTS_PHOTO_REQUEST_MAX_PIXELS = 5_000_000
    photos = [upload(f"scherm{i}.png", image_bytes(fmt="PNG", size=(2000, 1000)), "image/png") for i in range(3)]
    response = post_report(api_client, photos)
    assert response.status_code == 400
    assert response.json()["photos"] == [
        "Samen hebben de foto's te veel pixels; “scherm2.png” is er een te veel. Stuur minder of kleinere foto's."
    ]
    assert not Report.objects.exists()


_MEASURE = r"""
import io, json, os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "geo_meldpunt.settings.test"
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports.photos import PhotoBudget, photo_prepare

def hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

payloads = [open(path, "rb").read() for path in sys.argv[1:]]
before = hwm_kb()
budget, outcomes = PhotoBudget(), []
for i, data in enumerate(payloads):
    try:
        photo_prepare(SimpleUploadedFile(f"p{i}", data), budget=budget)
        outcomes.append("ok")
    except ApplicationError as error:
        outcomes.append(error.code)
print(json.dumps({"growth_mb": (hwm_kb() - before) / 1024, "outcomes": outcomes}))
"""


def peak_memory_growth(tmp_path, payloads: list[bytes]) -> dict:
    """Prepare these photos as one request in a fresh Python process: its peak memory growth and the outcomes."""
    paths = []
    for i, data in enumerate(payloads):
        path = tmp_path / f"photo{i}"
        path.write_bytes(data)
        paths.append(str(path))
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *paths],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_memory_stays_bounded_for_the_pngs_and_the_bomb(tmp_path):
    measured = peak_memory_growth(tmp_path, [png_7700()] * 5 + [png_of_zeros(20_000, 20_000)])
    assert measured["outcomes"] == ["too_many_pixels"] * 6
    assert measured["growth_mb"] < 30, measured  # nothing decoded: the data read, a header parsed


def test_memory_for_five_phone_photos_stays_that_of_a_few(tmp_path):
    """Photos are decoded one at a time and only the re-encoded copy is kept: 12 MP of RGB is 36 MB decoded, so five
    kept would be 180 MB; a 48 MP JPEG decodes at half its size, to the same 12 MP."""
    five = peak_memory_growth(tmp_path, [jpeg_of(4032, 3024)] * 5 + [jpeg_of(8000, 6000)])
    assert five["outcomes"] == ["ok"] * 6
    assert five["growth_mb"] < 130, five
