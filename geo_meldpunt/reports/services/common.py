"""What the report services share: their errors, the row lock, the version check, the kind-and-category rule,
storing photos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.staff.roles import SYSTEM

from ..models import Category, Kind, Report, ReportPhoto
from ..photos import PreparedPhoto


class Conflict(ApplicationError):
    """Someone else changed the report after the caller read it. Interfaces answer 409."""


class Forbidden(ApplicationError):
    """The actor's role does not allow this on this report. Interfaces answer 403."""


def report_lock(report: Report) -> Report:
    """The report's row, locked until the transaction ends, read afresh (another handler may have changed it).

    `of=("self",)`: lock the report only, not the category and department rows joined to it.
    """
    return Report.objects.select_for_update(of=("self",)).select_related("category", "department").get(pk=report.pk)


def version_check(locked: Report, expected_version: int | None) -> None:
    """Refuse with Conflict when the caller acted on an older version than the locked row's."""
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this report just now. Reload it to see what changed, then try again."),
            code="conflict",
        )


def kind_accepted_check(*, category: Category, kind: str, field: str) -> None:
    """The one rule for "this category accepts this kind", for new reports and for a change of category.

    `field` names the input at fault: the kind on a new report, the category when a handler changes it.
    """
    if not category.accepts(kind):
        raise ApplicationError(
            _("The category “%(category)s” does not accept a %(kind)s. Choose another category.")
            % {"category": category.localized_name(), "kind": Kind(kind).label},
            field=field,
            code="kind_not_accepted",
        )


def actor_of(by: Any) -> Any:
    """The user a history event names; none for the system itself."""
    return None if by is SYSTEM else by


def photos_store(*, report: Report, photos: Sequence[PreparedPhoto]) -> None:
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
