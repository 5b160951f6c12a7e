"""Who handles a report: routing it again after a change of category or place, or reassigning it by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones import routing

from .. import permissions
from ..models import OPEN_STATUSES, Category, Report, ReportEvent
from .common import Forbidden, actor_of, kind_accepted_check, report_lock, version_check

if TYPE_CHECKING:
    from geo_meldpunt.zones.models import Department


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
    locked = report_lock(report)
    new_category = category or locked.category
    new_point = point if point is not None else locked.point
    kind_accepted_check(category=new_category, kind=locked.kind, field="category")
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
    locked.version += 1
    locked.save(
        update_fields=[
            "category", "point", "address", "department", "zone", "routing_rule", "routing_reason", "version",
            "updated_at",
        ]
    )  # fmt: skip
    ReportEvent.objects.create(
        report=locked,
        event_type=ReportEvent.Type.ROUTED,
        department=decision.department,
        actor=actor_of(by),
        note=decision.reason,
        # The reporter sees a change of department, not every internal correction of a pin.
        public=decision.department != previous_department,
    )
    return locked


@transaction.atomic
def report_reassign(
    *, report: Report, department: Department, by: Any, reason: str, expected_version: int | None = None
) -> Report:
    """Give the report to another (city) department, overriding its routing; the status stays as it is.

    For the coordinator, or a handler of the report's current department. The reason is required: it goes into
    the report's routing reason and an internal history event. External bodies take reports over by forwarding.
    """
    locked = report_lock(report)
    version_check(locked, expected_version)
    if not permissions.can_reassign(by, locked):
        raise Forbidden(_("Your role does not allow you to reassign this report."), code="forbidden")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the reassignment."), field="reason", code="required")
    if locked.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Only a report that is still being handled can be reassigned."), field="department", code="closed"
        )
    if department.pk == locked.department_id or not department.active:
        raise ApplicationError(_("Choose another active department."), field="department", code="invalid")
    if department.is_external:
        raise ApplicationError(
            _("An external body takes a report over by forwarding, not by reassignment."),
            field="department",
            code="external",
        )
    previous = locked.department
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the city's language
        locked.routing_reason = _("Reassigned from %(from)s to %(to)s: %(reason)s") % {
            "from": previous.localized_name(),
            "to": department.localized_name(),
            "reason": reason,
        }
    locked.department = department
    locked.routing_rule = None
    locked.version += 1
    locked.save(update_fields=["department", "routing_rule", "routing_reason", "version", "updated_at"])
    ReportEvent.objects.create(
        report=locked,
        event_type=ReportEvent.Type.REASSIGNED,
        actor=actor_of(by),
        department=department,
        note=reason,
        public=False,
    )
    return locked
