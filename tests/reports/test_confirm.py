"""Confirming an open report on the spot: a city employee adds what they saw (a note, photos) instead of filing
the same problem again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports.models import ReportEvent, Status
from geo_meldpunt.reports.photos import photo_prepare
from geo_meldpunt.reports.services import Forbidden, report_observation_add
from geo_meldpunt.staff.groups import FIELD_STAFF, PHONE_DESK
from tests.factories import CategoryFactory, ReportFactory, image_bytes
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db


def prepared_photo(name="foto.jpg"):
    return photo_prepare(SimpleUploadedFile(name, image_bytes(size=(80, 60)), content_type="image/jpeg"))


def test_a_note_and_photos_are_added_as_an_internal_note_in_the_history():
    warden = staff_user(FIELD_STAFF)
    report = ReportFactory(category=CategoryFactory())
    version = report.version

    event = report_observation_add(
        report=report, by=warden, note="  Nog steeds daar.  ", photos=[prepared_photo(), prepared_photo()]
    )

    assert report.photos.count() == 2
    assert (event.event_type, event.actor, event.public) == (ReportEvent.Type.NOTE, warden, False)
    assert event.note == "Ter plaatse bevestigd. 2 foto's toegevoegd.\nNog steeds daar."
    report.refresh_from_db()
    assert (report.status, report.version) == (Status.NIEUW, version)  # nothing a handler has open goes stale


def test_photos_alone_are_enough():
    event = report_observation_add(report=ReportFactory(), by=staff_user(PHONE_DESK), photos=[prepared_photo()])

    assert event.note == "Ter plaatse bevestigd. 1 foto toegevoegd."


def test_an_empty_observation_is_refused_at_the_note():
    report = ReportFactory()

    with pytest.raises(ApplicationError) as refused:
        report_observation_add(report=report, by=staff_user(FIELD_STAFF), note="   ")

    assert (refused.value.field, refused.value.code) == ("note", "required")
    assert not report.events.filter(event_type=ReportEvent.Type.NOTE).exists()


def test_a_closed_report_is_refused():
    report = ReportFactory(status=Status.AFGESLOTEN)

    with pytest.raises(ApplicationError) as refused:
        report_observation_add(report=report, by=staff_user(FIELD_STAFF), note="Weer stuk.")

    assert refused.value.code == "closed"


def test_a_report_in_a_private_category_of_someone_else_is_forbidden_and_nothing_is_stored(django_user_model):
    private = ReportFactory(category=CategoryFactory(is_public=False))
    public = ReportFactory(category=CategoryFactory())
    citizen = django_user_model.objects.create_user(username="burger")

    with pytest.raises(Forbidden):
        report_observation_add(report=private, by=staff_user(FIELD_STAFF), note="Gezien.", photos=[prepared_photo()])
    with pytest.raises(Forbidden):
        report_observation_add(report=public, by=citizen, note="Gezien.")

    assert private.photos.count() == 0
    assert not ReportEvent.objects.filter(event_type=ReportEvent.Type.NOTE).exists()
