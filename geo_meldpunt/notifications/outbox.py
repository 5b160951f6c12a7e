"""The outbox: e-mails are rows first, messages in the broker second, sent mail last.

Why a row before a message: the row is written in the caller's transaction, so it exists exactly when the
change that caused it was committed. The Celery message is queued after commit (STYLE rule 6): a worker never
looks for a row that is not there yet, and a rolled-back change sends nothing. When the broker loses a message
(Redis down at commit time, restarted without persistence) the row is still queued, and the sweep
(`emails_requeue_stale`, run by beat) queues it again. Nothing is lost.

Sending is idempotent: the row is locked while it is sent and a row already sent is skipped, so a message
delivered twice (late acknowledgement, the sweep) sends one e-mail. What remains is at-least-once: a worker that
dies after the SMTP server accepted the message but before its commit sends it again on the next try.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .contexts import report_context
from .models import OutgoingEmail
from .rendering import render_email

logger = logging.getLogger(__name__)


def email_queue(*, key: str, to: str, language: str, context: dict, report=None, dedupe_key: str = "") -> OutgoingEmail:
    """Render e-mail `key` for `to` and store it as queued; its sending is queued after the caller's commit.

    Call inside the transaction of the change that causes the e-mail. With `dedupe_key`, an e-mail queued
    before under the same key is returned instead of a second one (a digest of the same day).
    """
    if dedupe_key:
        existing = OutgoingEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    rendered = render_email(key=key, language=language, context=context)
    try:
        with transaction.atomic():
            email = OutgoingEmail.objects.create(
                report=report,
                template_key=key,
                to=to,
                language=rendered.language,
                subject=rendered.subject,
                body=rendered.body,
                dedupe_key=dedupe_key,
                queued_at=timezone.now(),
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutgoingEmail.objects.get(dedupe_key=dedupe_key)  # queued at the same moment elsewhere
    transaction.on_commit(partial(enqueue, email.pk))
    return email


def report_email_queue(
    *, key: str, report, to: str, language: str, dedupe_key: str, extra: dict | None = None
) -> OutgoingEmail:
    """Queue e-mail `key` about `report` for `to`: the report's context in `language` (contexts.report_context),
    plus `extra`. The one way an e-mail to the reporter or to staff about a report is queued; call inside the
    changing transaction. Never for a follower: their context is contexts.follower_context (see dispatch._answer)."""
    context = report_context(report, language) | (extra or {})
    return email_queue(key=key, to=to, language=language, context=context, report=report, dedupe_key=dedupe_key)


def enqueue(email_id: int) -> bool:
    """Hand e-mail `email_id` to the broker. Never raises: the row is safe, the sweep tries again later.

    Runs after commit, often at the end of a web request whose change is already stored: a broker that is
    down must not turn that request into an error page. Any exception is caught on purpose (Redis, kombu and
    socket errors have no common base class); it is logged.
    """
    from .tasks import send_email  # tasks import this module

    try:
        send_email.delay(email_id)
    except Exception:  # noqa: BLE001 - see the docstring
        logger.warning("e-mail %s could not be queued; the outbox sweep will queue it again", email_id, exc_info=True)
        return False
    return True


def email_send(*, email_id: int) -> str:
    """Send outgoing e-mail `email_id` now, once. Returns what happened: "sent", "skipped" or "failed".

    Raises the transport's error (smtplib.SMTPException, OSError) when trying again may help; the task retries
    with backoff. The attempt and the error are stored before the error goes on. A recipient the server refuses,
    or NOTIFICATIONS_MAX_ATTEMPTS attempts in all, mark the e-mail failed for good (logged as an error; the admin
    can queue it again).
    """
    error: Exception | None = None
    with transaction.atomic():
        # The row lock makes a second delivery of the same message wait, then see "sent" and skip.
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutgoingEmail.Status.QUEUED:
            return "skipped"
        email.attempts += 1
        try:
            _deliver(email)
        except smtplib.SMTPRecipientsRefused as exc:
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = _describe(exc)
            logger.error("e-mail %s to %s refused by the server: %s", email.pk, email.to, email.last_error)
        except (smtplib.SMTPException, OSError) as exc:
            email.last_error = _describe(exc)
            if email.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                logger.error("e-mail %s failed %s times; given up: %s", email.pk, email.attempts, email.last_error)
            else:
                # The retry goes back to the broker now: the sweep counts from here.
                email.queued_at = timezone.now()
                error = exc
        else:
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["status", "attempts", "last_error", "queued_at", "sent_at"])
    if error is not None:
        raise error
    return str(email.status)


def _deliver(email: OutgoingEmail) -> None:
    headers = {"Auto-Submitted": "auto-generated"}  # RFC 3834: no out-of-office replies to the meldpunt
    if email.report is not None:
        headers["X-Meldpunt-Reference"] = email.report.reference
    message = EmailMessage(
        subject=email.subject,
        body=email.body,  # text/plain only: no HTML part, so nothing is turned into a link (see text.py)
        from_email=settings.NOTIFICATIONS_FROM_EMAIL,
        to=[email.to],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    message.send()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def emails_requeue_stale(*, older_than: dt.timedelta | None = None, limit: int = 500) -> int:
    """Queue again every e-mail still queued `older_than` after it was last handed to the broker. Returns how many."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES)
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutgoingEmail.Status.QUEUED)
            .filter(Q(queued_at__lt=now - older_than) | Q(queued_at__isnull=True))
            .order_by("queued_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutgoingEmail.objects.filter(pk__in=ids).update(queued_at=now)
        for email_id in ids:
            transaction.on_commit(partial(enqueue, email_id))
    if ids:
        logger.info("queued %s stale e-mail(s) again", len(ids))
    return len(ids)


def email_requeue(*, email: OutgoingEmail) -> OutgoingEmail:
    """Queue a failed (or stuck) e-mail again, with a fresh count of attempts (admin action). Sent ones stay sent."""
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status == OutgoingEmail.Status.SENT:
            return locked
        locked.status = OutgoingEmail.Status.QUEUED
        locked.attempts = 0
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "queued_at"])
        transaction.on_commit(partial(enqueue, locked.pk))
    return locked
