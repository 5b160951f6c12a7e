"""report_create: validated, routed and stored whole, or not at all."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage

from geo_meldpunt.core.errors import ApplicationError, OutsideTerritory
from geo_meldpunt.notifications import dispatch
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Kind, ReferenceCounter, Report, ReportEvent, ReportPhoto, Status
from geo_meldpunt.reports.photos import photo_prepare
from geo_meldpunt.reports.services import report_create
from geo_meldpunt.zones.models import ZoneType
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    RoutingRuleFactory,
    image_bytes,
    point_at,
    upload,
)

pytestmark = pytest.mark.django_db

HERE = point_at(*WAPENPLEIN)


def rows() -> tuple:
    return (
        Report.objects.count(),
        ReportEvent.objects.count(),
        ReportPhoto.objects.count(),
        list(ReferenceCounter.objects.values_list("last", flat=True)),
    )


def create(**kwargs) -> Report:
    values = {"kind": Kind.MELDING, "category": CategoryFactory(), "point": HERE, "description": "Gat in de weg."}
    values.update(kwargs)
    return report_create(**values)


def test_a_report_is_stored_with_its_routing_and_first_event():
    category = CategoryFactory()
    handler = DepartmentFactory()
    rule = RoutingRuleFactory(category=category, zone_type=ZoneType.WIJK, department=handler)

    report = create(category=category, impact=5, reporter_email="a@example.org", language="en")

    report.refresh_from_db()
    assert report.status == Status.NIEUW
    assert report.department == handler
    assert report.routing_rule == rule
    assert report.zone.slug == "centrum"
    assert report.routing_reason
    assert report.language == "en"
    assert report.tracking_token and len(report.tracking_token) >= 32
    (event,) = report.events.all()
    assert (event.event_type, event.to_status, event.department, event.note) == (
        ReportEvent.Type.CREATED,
        Status.NIEUW,
        handler,
        report.routing_reason,
    )


def test_tracking_tokens_differ():
    assert create().tracking_token != create().tracking_token


@pytest.mark.parametrize("kind", [Kind.SUGGESTIE, Kind.COMPLIMENT])
def test_a_suggestion_or_compliment_may_have_no_place(kind):
    assert create(kind=kind, point=None).point is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"point": None}, "location"),
        ({"kind": Kind.KLACHT, "point": None, "reporter_email": "a@example.org"}, "location"),
        ({"kind": Kind.KLACHT}, "reporter_email"),
        ({"channel": "field"}, "channel"),
        ({"point": point_at(2.97, 51.24)}, "location"),  # Bredene
    ],
    ids=["melding-without-place", "klacht-without-place", "klacht-without-email", "staff-channel", "outside"],
)
def test_domain_rules_name_the_field_and_write_nothing(kwargs, field):
    category = CategoryFactory()
    before = rows()
    with pytest.raises(ApplicationError) as refused:
        create(category=category, **kwargs)
    assert refused.value.field == field
    assert refused.value.message
    assert rows() == before


def test_outside_the_territory_is_an_outside_territory_error():
    with pytest.raises(OutsideTerritory):
        create(point=point_at(2.9, 51.25))


def test_a_kind_the_category_does_not_accept_is_refused():
    with pytest.raises(ApplicationError) as refused:
        create(category=CategoryFactory(kinds=[Kind.SUGGESTIE]))
    assert refused.value.field == "kind"


def test_an_inactive_category_is_refused():
    with pytest.raises(ApplicationError) as refused:
        create(category=CategoryFactory(active=False))
    assert refused.value.field == "category"


def test_staff_may_use_a_staff_channel():
    warden = get_user_model().objects.create_user("wacht", is_staff=True)
    assert create(channel="field", created_by=warden).created_by == warden


def stored_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_failure_while_storing_photos_leaves_nothing_behind(settings, monkeypatch):
    photos = [photo_prepare(upload(f"{i}.jpg", image_bytes())) for i in range(3)]
    before = rows()
    real_save = FileSystemStorage._save
    calls = []

    def failing_save(self, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")  # two files are written, the third fails
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)

    with pytest.raises(OSError):
        create(photos=photos)

    assert len(calls) == 3
    assert rows() == before, "no report, event, photo row or reference number is kept"
    assert stored_files(settings) == [], "no photo file is kept"


def test_a_failure_after_the_photos_were_stored_leaves_nothing_behind(settings, monkeypatch):
    photos = [photo_prepare(upload(f"{i}.jpg", image_bytes())) for i in range(2)]
    before = rows(), OutgoingEmail.objects.count()

    def failing_drafts(**kwargs):
        raise RuntimeError("the template engine broke")  # after the photo rows, before the outbox row and COMMIT

    monkeypatch.setattr(dispatch, "report_created_drafts", failing_drafts)

    with pytest.raises(RuntimeError):
        create(photos=photos, reporter_email="melder@example.org")

    assert (rows(), OutgoingEmail.objects.count()) == before
    assert stored_files(settings) == []
