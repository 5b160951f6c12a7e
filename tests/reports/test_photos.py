"""Stored photos: re-encoded without EXIF (no GPS position, no camera serial), turned upright, PNG kept."""

import io

import pytest
from PIL import Image

from geo_meldpunt.reports.models import Report
from geo_meldpunt.reports.photos import photo_prepare
from tests.factories import EXIF_CAMERA_SERIAL, WAPENPLEIN, CategoryFactory, image_bytes, upload

pytestmark = pytest.mark.django_db

LON, LAT = WAPENPLEIN
BLUE = (0, 0, 255)


def file_report(api_client, *photos) -> Report:
    response = api_client.post(
        "/api/v1/reports/",
        {
            "kind": "melding",
            "category": CategoryFactory().slug,
            "lat": LAT,
            "lon": LON,
            "description": "Kapotte bank.",
            "photos": list(photos),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Report.objects.get(reference=response.json()["reference"])


def stored(report) -> list[tuple[bytes, Image.Image]]:
    result = []
    for photo in report.photos.order_by("id"):
        with photo.image.open("rb") as f:
            data = f.read()
        result.append((data, Image.open(io.BytesIO(data))))
    return result


def is_blue(pixel) -> bool:
    r, g, b = pixel[:3]
    return b > 200 and r < 60 and g < 60


def test_the_uploaded_photo_really_carries_gps_and_a_serial():
    """Guard for the tests below: the test photo has the data they look for."""
    data = image_bytes(gps=True)
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif.get_ifd(0x8825)  # GPSInfo
    assert EXIF_CAMERA_SERIAL.encode() in data


def test_the_stored_copy_has_no_exif_no_gps_no_serial(api_client):
    report = file_report(api_client, upload("IMG_0001.jpg", image_bytes(gps=True, size=(120, 90))))

    ((data, image),) = stored(report)

    assert image.format == "JPEG"
    assert "exif" not in image.info
    exif = image.getexif()
    assert len(exif) == 0
    assert not exif.get_ifd(0x8825)
    assert b"Exif" not in data
    assert EXIF_CAMERA_SERIAL.encode() not in data
    assert b"TestCam" not in data


def test_the_exif_orientation_is_applied_before_it_is_dropped(api_client):
    # Orientation 6: the camera was held upright; viewers turn the 64x32 pixels 90 degrees clockwise.
    report = file_report(api_client, upload("staand.jpg", image_bytes(size=(64, 32), orientation=6, gps=True)))

    ((_data, image),) = stored(report)

    assert image.size == (32, 64)
    assert (report.photos.get().width, report.photos.get().height) == (32, 64)
    # The blue marker in the sensor's top-left corner is now at the top right, as a viewer showed it.
    assert is_blue(image.getpixel((image.width - 2, 1)))
    assert not is_blue(image.getpixel((1, 1)))
    assert len(image.getexif()) == 0


def test_a_png_stays_a_png_with_its_transparency_and_without_metadata(api_client):
    png = image_bytes(fmt="PNG", mode="RGBA", color=(10, 200, 10, 100), size=(40, 30), gps=True)
    assert "exif" in Image.open(io.BytesIO(png)).info

    report = file_report(api_client, upload("scherm.png", png, "image/png"))

    ((data, image),) = stored(report)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.size == (40, 30)
    assert image.getpixel((39, 29)) == (10, 200, 10, 100)
    assert "exif" not in image.info
    assert EXIF_CAMERA_SERIAL.encode() not in data
    assert report.photos.get().image.name.endswith(".png")


def test_a_webp_is_stored_as_jpeg(api_client):
    report = file_report(api_client, upload("foto.webp", image_bytes(fmt="WEBP"), "image/webp"))
    ((_data, image),) = stored(report)
    assert image.format == "JPEG"


def test_a_photo_named_png_but_holding_a_jpeg_is_judged_by_content(api_client):
    report = file_report(api_client, upload("foto.png", image_bytes(gps=True), "image/png"))
    ((data, image),) = stored(report)
    assert image.format == "JPEG"
    assert report.photos.get().image.name.endswith(".jpg")
    assert b"Exif" not in data


def test_a_large_photo_is_scaled_down(settings, api_client):
    settings.REPORTS_PHOTO_MAX_SIDE = 100
    report = file_report(api_client, upload("groot.jpg", image_bytes(size=(400, 200))))
    ((_data, image),) = stored(report)
    assert image.size == (100, 50)


def test_photo_prepare_strips_a_cmyk_jpeg_to_rgb():
    cmyk = io.BytesIO()
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(cmyk, format="JPEG")
    prepared = photo_prepare(upload("druk.jpg", cmyk.getvalue()))
    assert Image.open(io.BytesIO(prepared.content.read())).mode == "RGB"
    assert prepared.size == prepared.content.size
