"""Celery tasks of data protection (scheduled in CELERY_BEAT_SCHEDULE): entry points, like views."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="privacy.anonymise_closed_reports")
def anonymise_closed_reports() -> int:
    """Daily: clear the contact data of reports closed longer than PRIVACY_CONTACT_RETENTION_DAYS ago."""
    return services.contact_data_anonymise().pk
