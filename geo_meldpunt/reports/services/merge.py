"""One problem, one report: following an open report instead of filing a duplicate, and merging duplicates.

Which open reports a new one probably duplicates is a read: duplicates.py. These are the writes that follow.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications import dispatch

from .. import permissions
from ..models import OPEN_STATUSES, Follower, Kind, Report, ReportEvent, Status
from ..selectors.public import follower_by_token
from .common import actor_of, version_check
from .transition import report_transition


def report_follow(
    *, report: Report, email: str, language: str = "nl", confirmed: bool = False
) -> tuple[Follower, bool]:
    """Make `email` a follower of an open report; returns (follower, created). Following twice is harmless.

    Following a merged duplicate follows the report it was merged into (`follower.report` says which). A follower
    gets mail only once the address is confirmed: a new, unconfirmed follower is sent the request to confirm it
    (follower_confirm), and nothing else. `confirmed`: the caller vouches for the address (an employee's own
    account address); no request is sent.
    """
    for _hop in range(5):  # a survivor may itself be merged later; a short chain, never a loop in practice
        if report.merged_into_id is None:
            break
        report = Report.objects.get(pk=report.merged_into_id)
    if report.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("This report is already closed; file a new report if the problem is back."),
            field="reference",
            code="closed",
        )
    email = email.strip().lower()
    existing = Follower.objects.filter(report=report, email=email).first()
    if existing:
        if confirmed and existing.confirmed_at is None:
            Follower.objects.filter(pk=existing.pk).update(confirmed_at=timezone.now())
            existing.refresh_from_db()
        return existing, False
    try:
        with transaction.atomic():
            follower = Follower.objects.create(
                report=report, email=email, language=language, confirmed_at=timezone.now() if confirmed else None
            )
            with translation.override(settings.LANGUAGE_CODE):
                ReportEvent.objects.create(
                    report=report,
                    event_type=ReportEvent.Type.FOLLOWED,
                    note=_("Someone else reported this too."),
                )
            if not confirmed:
                dispatch.follow_confirmation_notify(follower=follower)
    except IntegrityError:  # the same person followed at the same moment from another request
        return Follower.objects.get(report=report, email=email), False
    return follower, True


def follower_confirm(*, token: str) -> Follower | None:
    """Confirm the follower whose link this is (the link mailed by report_follow); None for an unknown token.
    Confirming twice is harmless: the first moment is kept."""
    follower = follower_by_token(token=token)
    if follower is not None and follower.confirmed_at is None:
        Follower.objects.filter(pk=follower.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        follower.refresh_from_db()
    return follower


@transaction.atomic
def report_merge(*, report: Report, into: Report, by: Any, expected_version: int | None = None) -> Report:
    """Merge `report`, a duplicate, into `into`, which goes on. Returns the merged duplicate.

    The duplicate goes to `samengevoegd` through report_transition (table, role, event, notifications); its
    reporter (when they left an e-mail address) and its followers become followers of `into`, so they hear
    its outcome. Both rows are locked, in id order, so two merges cannot deadlock.
    """
    if report.pk == into.pk:
        raise ApplicationError(_("A report cannot be merged into itself."), field="into", code="invalid")
    rows = Report.objects.select_for_update(of=("self",)).filter(pk__in=[report.pk, into.pk]).order_by("pk")
    locked = {r.pk: r for r in rows}
    duplicate, survivor = locked[report.pk], locked[into.pk]
    version_check(duplicate, expected_version)
    # A report the handler may not see answers like one that does not exist: nothing about it leaks.
    if not permissions.can_view(by, survivor):
        raise ApplicationError(
            _("No report has the reference %(reference)s.") % {"reference": survivor.reference},
            field="into",
            code="not_found",
        )
    if survivor.status not in OPEN_STATUSES or survivor.kind == Kind.COMPLIMENT:
        raise ApplicationError(
            _("Report %(reference)s is no longer being handled; merge into an open report.")
            % {"reference": survivor.reference},
            field="into",
            code="closed",
        )
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    with translation.override(settings.LANGUAGE_CODE):
        note = _("This report is about the same problem as %(reference)s and was merged into it.") % {
            "reference": survivor.reference
        }
        survivor_note = _("Report %(reference)s was merged into this one.") % {"reference": duplicate.reference}
    merged = report_transition(
        report=duplicate, to=Status.SAMENGEVOEGD, by=by, note=note, expected_version=expected_version
    )

    # Followers carry their confirmation over; the duplicate's reporter counts as confirmed: the meldpunt mails
    # that address already (the acknowledgement of their own report).
    emails = {f.email.lower(): (f.language, f.confirmed_at) for f in duplicate.followers.all()}
    if duplicate.reporter_email:
        emails[duplicate.reporter_email.strip().lower()] = (duplicate.language, timezone.now())
    emails.pop(survivor.reporter_email.strip().lower(), None)  # already hears the outcome as its reporter
    Follower.objects.bulk_create(
        [
            Follower(report=survivor, email=email, language=language, confirmed_at=confirmed_at)
            for email, (language, confirmed_at) in sorted(emails.items())
        ],
        ignore_conflicts=True,  # already following the survivor
    )
    ReportEvent.objects.create(
        report=survivor,
        event_type=ReportEvent.Type.MERGED,
        actor=actor_of(by),
        department=survivor.department,
        note=survivor_note,
        public=False,
    )
    return merged
