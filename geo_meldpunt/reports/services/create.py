"""Filing a report: validate, route, store it whole with its first history event and photos, acknowledge it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core import refdata
from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.staff import roles
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.selectors import compliment_departments

from .. import sla
from ..choices import STAFF_REPORTER_CHANNELS
from ..models import (
    PUBLIC_CHANNELS,
    Category,
    Channel,
    IdempotencyKey,
    Kind,
    Report,
    ReportEvent,
    Status,
    deadlines_config,
)
from ..photos import PreparedPhoto
from ..selectors.reference import REGULATION, active_category_cached
from .common import kind_accepted_check
from .filing import Filing, report_store
from .transition import report_transition

if TYPE_CHECKING:
    from geo_meldpunt.clients.models import ClientApplication
    from geo_meldpunt.zones.models import Department

# Kinds that need a place: the problem is somewhere. Suggestions and compliments may have none.
KINDS_NEEDING_LOCATION = (Kind.MELDING, Kind.KLACHT)
# Kinds that need an e-mail address: a complaint must be answered.
KINDS_NEEDING_EMAIL = (Kind.KLACHT,)


def report_validate(
    *,
    kind: str,
    category: Category,
    point: Point | None,
    reporter_email: str,
    channel: str,
    staff: bool,
    compliment_department: Department | None = None,
    compliment_staff_member: str = "",
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
    compliment_check(kind=kind, department=compliment_department, staff_member=compliment_staff_member)


def compliment_check(*, kind: str, department: Department | None, staff_member: str) -> None:
    """Only a compliment names the service and the staff member it is for; the service must take compliments."""
    if kind != Kind.COMPLIMENT:
        if department is not None:
            raise ApplicationError(
                _("Only a compliment names the service it is for; other reports are routed by category and place."),
                field="compliment_department",
                code="compliment_only",
            )
        if staff_member.strip():
            raise ApplicationError(
                _("Only a compliment names a staff member."), field="compliment_staff_member", code="compliment_only"
            )
        return
    if department is not None and not compliment_departments().filter(pk=department.pk).exists():
        if not department.active:
            message = _("“%(department)s” is no longer in use. Choose one of the city's services.")
        else:
            message = _(
                "“%(department)s” is not a city service and takes no compliments. Choose one of the city's services."
            )
        raise ApplicationError(
            message % {"department": department.localized_name()},
            field="compliment_department",
            code="not_for_compliments",
        )


def passes_on_at_once(*, kind: str, department: Department, named: bool) -> bool:
    """A compliment goes straight to the department concerned when that department is known and has a mailbox.

    Known: the reporter named it, or routing found one other than the meldpunt coordinator (a compliment about a
    park goes to the parks service). One that lands with the coordinator by default stays new: the coordinator
    finds the service and passes it on. Without a mailbox the department reads it in the back office, and a
    handler passes it on by hand, so "passed on" always means that the department was sent it.
    """
    if kind != Kind.COMPLIMENT or not department.email:
        return False
    return named or not department.is_coordinator


class AlreadyFiled(Exception):  # noqa: N818 - an outcome, not an error
    """The idempotency key given to report_create filed a report before: `key` is its row (report_create_once)."""

    def __init__(self, key: IdempotencyKey | None) -> None:
        super().__init__("idempotency key already used")
        self.key = key


# A process whose reference data is stale reloads it and files again; the last try writes without the version
# check, with data read a moment before (as before the caches: a category read, then the insert).
ATTEMPTS = 3


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
    compliment_department: Department | None = None,
    compliment_staff_member: str = "",
    client_application: ClientApplication | None = None,
    media_url: str = "",
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> Report:
    """Validate, route and store a new report with its first history event and photos.

    A compliment that names its department (`compliment_department`, and perhaps `compliment_staff_member`) goes
    to that department whatever its category or place; a compliment whose department is known is passed on at
    once (status doorgegeven, see passes_on_at_once). `client_application`: the third-party application whose
    API key files it (Open311; channel api); `media_url`: a link to its picture held elsewhere.
    `idempotency_key`, `fingerprint`: see report_create_once, which catches AlreadyFiled.

    Stored whole or not at all: the report, its event, photos, the key and the acknowledgement (or a compliment's
    thanks and forward) in the outbox, in one transaction (filing.py: one statement, or two round trips); the
    e-mail is sent after commit. The category, the regulation and the e-mail templates come from the process's
    memory, checked by the write itself (core/refdata.py): an admin change applies to the very next report.
    """
    staff = roles.is_employee(created_by)
    if staff and channel in STAFF_REPORTER_CHANNELS:
        reporter_name = reporter_name or roles.display_name(created_by)
        reporter_email = reporter_email or created_by.email
    for attempt in range(ATTEMPTS):
        version = refdata.known_version() if attempt < ATTEMPTS - 1 else None
        if attempt:
            # The caller's category (and department) may be the stale copy: read them as they are now.
            category, compliment_department = _reread(category, compliment_department)
        report_validate(
            kind=kind,
            category=category,
            point=point,
            reporter_email=reporter_email,
            channel=channel,
            staff=staff,
            compliment_department=compliment_department,
            compliment_staff_member=compliment_staff_member,
        )
        if compliment_department is not None:
            decision = routing.route_compliment(department=compliment_department, point=point)
        else:
            try:
                decision = routing.route(category=category, point=point)
            except Category.DoesNotExist:
                # Routing reads the category as it is now: a cached one that is gone (deleted since, or the
                # reference data reloaded with new ids) is stale data, whatever the version says yet.
                if version is None:
                    raise
                refdata.caches_drop()
                continue
        # Today's date rather than created_at's: the same day, known before the insert, so no second write.
        deadlines = sla.deadlines_for(
            kind=kind,
            category_days=category.answer_days,
            category_working_days=category.working_days,
            received=timezone.localdate(),
            config=REGULATION.get() if version is not None else deadlines_config(),
        )
        report = Report(
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
            compliment_staff_member=compliment_staff_member.strip(),
            created_by=created_by,
            client_application=client_application,
            media_url=media_url,
            department=decision.department,
            zone=decision.zone,
            routing_rule=decision.rule,
            routing_reason=decision.reason,
            acknowledge_due=deadlines.acknowledge_due,
            answer_due=deadlines.answer_due,
        )
        event = ReportEvent(
            event_type=ReportEvent.Type.CREATED,
            to_status=report.status,
            department=decision.department,
            actor=created_by,
            note=decision.reason,
        )
        named = compliment_department is not None
        passes_on = passes_on_at_once(kind=kind, department=decision.department, named=named)
        stored = report_store(
            Filing(
                report=report,
                event=event,
                version=version,
                photos=photos,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                # Through the one choke point, so the history shows the step and the forward goes out with it.
                pass_on=_pass_on if passes_on else None,
            )
        )
        if stored.report is not None:
            return stored.report
        if version is not None and stored.version != version:
            refdata.version_seen(stored.version)  # the caches reload on their next use
            continue  # stale: nothing was written
        raise AlreadyFiled(IdempotencyKey.objects.filter(key=idempotency_key).first())
    raise AssertionError("the last attempt writes without a version check")  # pragma: no cover


def _reread(category: Category, department: Department | None) -> tuple[Category, Department | None]:
    """The category (by its slug, as the caller named it) and the named department as they are in the database.

    Inactive ones too (from the database), so that report_validate says why; one deleted since is unknown, as
    the input's fields say.
    """
    fresh = active_category_cached(category.slug)  # reloads the process's categories (one query)
    if fresh is None:
        fresh = Category.objects.select_related("parent", "department").filter(slug=category.slug).first()
    if fresh is None:
        raise ApplicationError(_("Unknown category “{value}”.").format(value=category.slug), field="category")
    if department is None:
        return fresh, None
    fresh_department = type(department).objects.filter(pk=department.pk).first()
    if fresh_department is None:
        raise ApplicationError(
            _("Unknown department “{value}”.").format(value=department.slug), field="compliment_department"
        )
    return fresh, fresh_department


def _pass_on(report: Report) -> Report:
    return report_transition(report=report, to=Status.DOORGEGEVEN, by=roles.SYSTEM)
