"""Filing a report at most once per client key (the `Idempotency-Key` of POST /api/v1/reports/)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError

from ..models import IdempotencyKey, Report
from .create import report_create


@transaction.atomic
def report_create_once(*, idempotency_key: str, fingerprint: str, **fields) -> tuple[Report, bool]:
    """File a report unless this key already filed one; returns (report, created).

    `fingerprint` stands for the request's content: the same key with another fingerprint is refused rather than
    answered with a report the client did not describe. The key row goes in first: a concurrent request with the
    same key blocks on the unique index until this transaction ends, so twenty retries at once still make one
    report. A refused filing (bad input) rolls the key back with it, so the corrected request may use the key.
    """
    key, created = IdempotencyKey.objects.get_or_create(key=idempotency_key, defaults={"fingerprint": fingerprint})
    if not created:
        if key.fingerprint != fingerprint or key.report_id is None:
            raise ApplicationError(
                _("This idempotency key was already used for another report. Use a new key for a new report."),
                field="idempotency_key",
                code="idempotency_key_reused",
            )
        return Report.objects.select_related("category", "department").get(pk=key.report_id), False
    report = report_create(**fields)
    key.report = report
    key.save(update_fields=["report"])
    return report, True


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Remove keys older than REPORTS_IDEMPOTENCY_KEY_DAYS; returns how many. A repeat after that files anew."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.REPORTS_IDEMPOTENCY_KEY_DAYS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
