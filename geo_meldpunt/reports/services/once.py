"""Filing a report at most once per client key (the `Idempotency-Key` of POST /api/v1/reports/)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError

from ..models import IdempotencyKey, Report
from .create import AlreadyFiled, report_create


def report_create_once(*, idempotency_key: str, fingerprint: str, **fields) -> tuple[Report, bool]:
    """File a report unless this key already filed one; returns (report, created).

    `fingerprint` stands for the request's content: the same key with another fingerprint is refused rather than
    answered with a report the client did not describe. The key row goes in first, in the report's own statement
    (filing.create_statement): a concurrent request with the same key waits on the unique index until that
    transaction ends, so twenty retries at once still make one report. A refused filing (bad input) writes no key,
    so the corrected request may use the key; but a key that did file answers as such whatever the input says.
    """
    try:
        report = report_create(**fields, idempotency_key=idempotency_key, fingerprint=fingerprint)
    except AlreadyFiled as filed:
        return _filed_before(filed.key, fingerprint), False
    except ApplicationError:
        key = _key_row(idempotency_key)
        if key is None:
            raise
        return _filed_before(key, fingerprint), False
    return report, True


def _key_row(idempotency_key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(key=idempotency_key).first()


def _filed_before(key: IdempotencyKey | None, fingerprint: str) -> Report:
    if key is None or key.fingerprint != fingerprint or key.report_id is None:
        raise ApplicationError(
            _("This idempotency key was already used for another report. Use a new key for a new report."),
            field="idempotency_key",
            code="idempotency_key_reused",
        )
    # One query with what the answer shows; not the zone's polygon.
    return Report.objects.select_related("category", "department", "zone").defer("zone__geom").get(pk=key.report_id)


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Remove keys older than REPORTS_IDEMPOTENCY_KEY_DAYS; returns how many. A repeat after that files anew."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.REPORTS_IDEMPOTENCY_KEY_DAYS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
