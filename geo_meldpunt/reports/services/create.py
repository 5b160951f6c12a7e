"""Filing a report: validate, route, store it whole with its first history event and photos, acknowledge it."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications import dispatch
from geo_meldpunt.staff import roles
from geo_meldpunt.zones import routing

from .. import sla
from ..choices import STAFF_REPORTER_CHANNELS
from ..models import PUBLIC_CHANNELS, Category, Channel, Kind, Report, ReportEvent, deadlines_config
from ..photos import PreparedPhoto
from ..references import reference_next
from .common import kind_accepted_check, photos_store

# Kinds that need a place: the problem is somewhere. Suggestions and compliments may have none.
KINDS_NEEDING_LOCATION = (Kind.MELDING, Kind.KLACHT)
# Kinds that need an e-mail address: a complaint must be answered.
KINDS_NEEDING_EMAIL = (Kind.KLACHT,)


def report_validate(
    *, kind: str, category: Category, point: Point | None, reporter_email: str, channel: str, staff: bool
) -> None:
    """Domain rules about a new report; raises ApplicationError naming the field at fault."""
    if channel == Channel.LEGACY:
        raise ApplicationError(
            _("Old signal cards come in through the legacy import only."), field="channel", code="import_only"
        )
    if not category.active:
        raise ApplicationError(_("This category is no longer in use."), field="category")
    kind_accepted_check(category=category, kind=kind, field="kind")
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
    """Validate, route and store a new report with its first history event and photos.

    One transaction: the report is stored whole or not at all. The acknowledgement (or a compliment's forward)
    is written to the outbox in it and sent after commit.
    """
    staff = roles.is_employee(created_by)
    if staff and channel in STAFF_REPORTER_CHANNELS:
        reporter_name = reporter_name or roles.display_name(created_by)
        reporter_email = reporter_email or created_by.email
    report_validate(
        kind=kind, category=category, point=point, reporter_email=reporter_email, channel=channel, staff=staff
    )
    decision = routing.route(category=category, point=point)
    # Today's date rather than created_at's: the same day, known before the insert, so no second write.
    deadlines = sla.deadlines_for(
        kind=kind,
        category_days=category.answer_days,
        category_working_days=category.working_days,
        received=timezone.localdate(),
        config=deadlines_config(),
    )
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
        acknowledge_due=deadlines.acknowledge_due,
        answer_due=deadlines.answer_due,
    )
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.CREATED,
        to_status=report.status,
        department=decision.department,
        actor=created_by,
        note=decision.reason,
    )
    photos_store(report=report, photos=photos)
    dispatch.report_created_notify(report=report)
    return report
