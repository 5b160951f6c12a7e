"""Writes of reports. Each service is one transaction: a report is stored whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones import routing

from .models import (
    OPEN_STATUSES,
    PUBLIC_CHANNELS,
    Category,
    Channel,
    Follower,
    Kind,
    Report,
    ReportEvent,
    ReportPhoto,
)
from .photos import PreparedPhoto
from .references import reference_next

# Kinds that need a place: the problem is somewhere. Suggestions and compliments may have none.
KINDS_NEEDING_LOCATION = (Kind.MELDING, Kind.KLACHT)
# Kinds that need an e-mail address: a complaint must be answered.
KINDS_NEEDING_EMAIL = (Kind.KLACHT,)


def report_validate(
    *, kind: str, category: Category, point: Point | None, reporter_email: str, channel: str, staff: bool
) -> None:
    """Domain rules about a new report; raises ApplicationError naming the field at fault."""
    if not category.active:
        raise ApplicationError(_("This category is no longer in use."), field="category")
    if not category.accepts(kind):
        raise ApplicationError(
            _("The category “%(category)s” does not accept a %(kind)s. Choose another category.")
            % {"category": category.localized_name(), "kind": Kind(kind).label},
            field="kind",
            code="kind_not_accepted",
        )
    if point is None and kind in KINDS_NEEDING_LOCATION:
        raise ApplicationError(_("Show on the map where it is."), field="location", code="required")
    if not reporter_email and kind in KINDS_NEEDING_EMAIL:
        raise ApplicationError(
            _("A complaint needs an e-mail address so that we can answer it."),
            field="reporter_email",
            code="required",
        )
    if channel not in PUBLIC_CHANNELS and not staff:
        raise ApplicationError(
            _("Only city staff who are logged in can enter reports from this channel."),
            field="channel",
            code="staff_only",
        )


@transaction.atomic
def report_create(
    *,
    kind: str,
    category: Category,
    point: Point | None,
    description: str,
    impact: int | None = None,
    channel: str = Channel.WEB,
    language: str = "nl",
    address: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    photos: Sequence[PreparedPhoto] = (),
    created_by=None,
) -> Report:
    """Validate, route and store a new report with its first history event and photos."""
    staff = bool(created_by is not None and created_by.is_staff)
    report_validate(
        kind=kind, category=category, point=point, reporter_email=reporter_email, channel=channel, staff=staff
    )
    decision = routing.route(category=category, point=point)
    report = Report.objects.create(
        reference=reference_next(),
        kind=kind,
        category=category,
        point=point,
        address=address,
        description=description,
        impact=impact,
        channel=channel,
        language=language,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        created_by=created_by,
        department=decision.department,
        zone=decision.zone,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
    )
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.CREATED,
        to_status=report.status,
        department=decision.department,
        actor=created_by,
        note=decision.reason,
    )
    _photos_store(report=report, photos=photos)
    return report


def _photos_store(*, report: Report, photos: Sequence[PreparedPhoto]) -> None:
    """Write the photos' files and rows. Call inside the report's transaction.

    A rollback takes back the rows but not files already written to storage, so on any failure the files
    written so far are removed before the error goes on: a refused report leaves no photo behind.
    """
    written: list[ReportPhoto] = []
    try:
        for photo in photos:
            instance = ReportPhoto(report=report, image=photo.content, size=photo.size)
            written.append(instance)
            instance.save()
    except BaseException:
        for instance in written:
            if instance.image.name and instance.image.storage.exists(instance.image.name):
                instance.image.delete(save=False)
        raise


@transaction.atomic
def report_reroute(
    *,
    report: Report,
    category: Category | None = None,
    point: Point | None = None,
    address: str | None = None,
    by=None,
) -> Report:
    """Change a report's category and/or location and route it again (None leaves a value as it is).

    Locks the row so two handlers moving the same report do not overwrite each other; appends a
    "routed" event that says where it went and why. The kind must still fit the new category.
    """
    locked = Report.objects.select_for_update().select_related("category", "department").get(pk=report.pk)
    new_category = category or locked.category
    new_point = point if point is not None else locked.point
    if not new_category.accepts(locked.kind):
        raise ApplicationError(
            _("The category “%(category)s” does not accept a %(kind)s. Choose another category.")
            % {"category": new_category.localized_name(), "kind": Kind(locked.kind).label},
            field="category",
            code="kind_not_accepted",
        )
    decision = routing.route(category=new_category, point=new_point)
    previous_department = locked.department
    locked.category = new_category
    locked.point = new_point
    if address is not None:
        locked.address = address
    locked.department = decision.department
    locked.zone = decision.zone
    locked.routing_rule = decision.rule
    locked.routing_reason = decision.reason
    locked.save(
        update_fields=[
            "category", "point", "address", "department", "zone", "routing_rule", "routing_reason", "updated_at"
        ]
    )  # fmt: skip
    ReportEvent.objects.create(
        report=locked,
        event_type=ReportEvent.Type.ROUTED,
        department=decision.department,
        actor=by,
        note=decision.reason,
        # The reporter sees a change of department, not every internal correction of a pin.
        public=decision.department != previous_department,
    )
    return locked


def report_follow(*, report: Report, email: str, language: str = "nl") -> tuple[Follower, bool]:
    """Make `email` a follower of an open report; returns (follower, created). Following twice is harmless."""
    if report.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("This report is already closed; file a new report if the problem is back."),
            field="reference",
            code="closed",
        )
    email = email.strip().lower()
    existing = Follower.objects.filter(report=report, email=email).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            follower = Follower.objects.create(report=report, email=email, language=language)
            with translation.override(settings.LANGUAGE_CODE):
                ReportEvent.objects.create(
                    report=report,
                    event_type=ReportEvent.Type.FOLLOWED,
                    note=_("Someone else reported this too."),
                )
    except IntegrityError:  # the same person followed at the same moment from another request
        return Follower.objects.get(report=report, email=email), False
    return follower, True
