"""A member of staff on the spot confirms an open report instead of filing it again: what they saw (a note,
photos) goes into the report's file. Following it is report_follow (merge.py), with their own e-mail address."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geo_meldpunt.core.errors import ApplicationError

from .. import permissions
from ..models import OPEN_STATUSES, Report, ReportEvent
from ..photos import PreparedPhoto
from .common import Forbidden, photos_store, report_lock
from .transition import note_append


@transaction.atomic
def report_observation_add(
    *, report: Report, by: Any, note: str = "", photos: Sequence[PreparedPhoto] = ()
) -> ReportEvent:
    """Add what `by` saw on the spot to an open report: the photos, and an internal note in its history that
    says it was confirmed on the spot (with `note`, when given). Returns the history event.

    Refuses with Forbidden when `by` may not confirm the report (permissions.can_confirm), with ApplicationError
    when the report is no longer open (field "reference") or the observation is empty (field "note"). The row is
    locked, so a handler's step and the observation are ordered; the report's version does not change (no
    handler's open form is made stale by a photo).
    """
    locked = report_lock(report)
    if not permissions.can_confirm(by, locked):
        raise Forbidden(_("Your role does not allow you to add to this report."), code="forbidden")
    if locked.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Report %(reference)s is no longer being handled; file a new report if the problem is back.")
            % {"reference": locked.reference},
            field="reference",
            code="closed",
        )
    note = note.strip()
    if not note and not photos:
        raise ApplicationError(_("Add a photo or write a note."), field="note", code="required")
    if len(photos) > settings.REPORTS_PHOTO_MAX_COUNT:
        raise ApplicationError(
            _("Add at most %(max)s photos at once.") % {"max": settings.REPORTS_PHOTO_MAX_COUNT},
            field="photos",
            code="max_length",
        )
    photos_store(report=locked, photos=photos)
    # The history is read by the city's staff: in its working language, whatever the page's.
    with translation.override(settings.LANGUAGE_CODE):
        header = _("Confirmed on the spot.")
        if photos:
            header += " " + ngettext("%(count)s photo added.", "%(count)s photos added.", len(photos)) % {
                "count": len(photos)
            }
    return note_append(report=locked, by=by, text=f"{header}\n{note}" if note else header)
