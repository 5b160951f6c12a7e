"""The outbox: e-mails are rows first, messages in the broker second, sent mail last.

Why a row before a message: the row is written in the caller's transaction, so it exists exactly when the
change that caused it was committed. The Celery message is queued after commit (STYLE rule 6): a worker never
looks for a row that is not there yet, and a rolled-back change sends nothing. When the broker loses a message
(Redis down at commit time, restarted without persistence) the row is still queued, and the sweep
(`emails_requeue_stale`, run by beat) queues it again. Nothing is lost.

Sending is in two steps, each its own transaction. First the row is locked and marked "sending" with the attempt
counted and stamped (`sending_since`), and committed; then the SMTP conversation; then the row is marked sent (or
queued again, or failed). A second message for the same row (late acknowledgement, the sweep) finds it sending or
sent and skips it.

What is guaranteed, precisely. SMTP has no idempotency: a worker killed after the server accepted the message (the
end of DATA) but before it heard the answer or committed "sent" cannot know whether the message went out. Such a
row stays "sending"; once NOTIFICATIONS_SENDING_GRACE_S have passed the sweep queues it again and it is sent again,
**with the same Message-ID** (`OutgoingEmail.message_id`, made from the row). So:

- every e-mail is delivered at least once (a row is sent, failed for good, or still being tried);
- every delivery of one e-mail carries one Message-ID, different from every other e-mail's: the recipient's mail
  server and mail program see a resend as the same message (duplicates are dropped by Message-ID), so what the
  recipient sees is exactly once;
- a second delivery happens only for a conversation cut off by a dying worker (or one that outlasted the grace
  period): at most one more delivery per such attempt, never for a conversation whose end was committed.

An attempt cut off counts as an attempt: an e-mail that kills its worker every time is marked failed after
NOTIFICATIONS_MAX_ATTEMPTS instead of being tried for ever.
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
    email = email_draft(key=key, to=to, language=language, context=context, report=report, dedupe_key=dedupe_key)
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutgoingEmail.objects.get(dedupe_key=dedupe_key)  # queued at the same moment elsewhere
    transaction.on_commit(partial(enqueue, email.pk))
    return email


def email_queue_new(*, key: str, to: str, language: str, context: dict, report=None, dedupe_key: str) -> OutgoingEmail:
    """As email_queue, for a dedupe key that names a row the caller's transaction has just created (a new
    follower): nothing can have been queued under it yet, so no lookup and no savepoint, one INSERT."""
    email = email_draft(key=key, to=to, language=language, context=context, report=report, dedupe_key=dedupe_key)
    email.save(force_insert=True)
    transaction.on_commit(partial(enqueue, email.pk))
    return email


def email_draft(
    *, key: str, to: str, language: str, context: dict, report=None, dedupe_key: str = "", cached: bool = False
) -> OutgoingEmail:
    """E-mail `key` for `to`, rendered, as a queued row not yet saved.

    For email_queue, and for report_create, which inserts it in its own statement and calls enqueue(id) after its
    commit (the same guarantee: the row exists exactly when the report does). `cached`: see render_email.
    """
    rendered = render_email(key=key, language=language, context=context, cached=cached)
    return OutgoingEmail(
        report=report,
        template_key=key,
        to=to,
        language=rendered.language,
        subject=rendered.subject,
        body=rendered.body,
        dedupe_key=dedupe_key,
        queued_at=timezone.now(),
    )


def report_email_draft(
    *, key: str, report, to: str, language: str, dedupe_key: str, extra: dict | None = None, cached: bool = False
) -> OutgoingEmail:
    """As report_email_queue, not yet saved (email_draft)."""
    context = report_context(report, language) | (extra or {})
    return email_draft(
        key=key, to=to, language=language, context=context, report=report, dedupe_key=dedupe_key, cached=cached
    )


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
    can queue it again). The steps and what they guarantee: the module's docstring.
    """
    email = _attempt_begin(email_id)
    if email is None:
        return "skipped"
    if email.status == OutgoingEmail.Status.FAILED:
        return "failed"
    error: Exception | None = None
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
            email.status = OutgoingEmail.Status.QUEUED
            email.queued_at = timezone.now()
            error = exc
    else:
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
    _attempt_end(email)
    if error is not None:
        raise error
    return str(email.status)


def _attempt_begin(email_id: int) -> OutgoingEmail | None:
    """Step one: mark the e-mail "sending" with this attempt counted and stamped, and commit, before any SMTP.

    Returns the row to send, or None when there is nothing to do (sent, failed, gone, or being sent right now by
    another worker). A row found "sending" for longer than NOTIFICATIONS_SENDING_GRACE_S was cut off: it is taken
    over, or failed when its attempts are spent.
    """
    now = timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return None
        if email.status == OutgoingEmail.Status.SENDING:
            if not _sending_cut_off(email, now):
                return None  # a conversation is going on now; if it is cut off, the sweep comes back
            logger.warning("e-mail %s cut off while sending (since %s): sent again", email.pk, email.sending_since)
            if email.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                email.last_error = f"cut off while sending, {email.attempts} times"
                logger.error("e-mail %s was cut off %s times; given up", email.pk, email.attempts)
                email.save(update_fields=["status", "last_error"])
                return email
        elif email.status != OutgoingEmail.Status.QUEUED:
            return None
        email.status = OutgoingEmail.Status.SENDING
        email.attempts += 1
        email.sending_since = now
        email.save(update_fields=["status", "attempts", "sending_since"])
    return email


def _sending_cut_off(email: OutgoingEmail, now: dt.datetime) -> bool:
    grace = dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_GRACE_S)
    return email.sending_since is None or email.sending_since < now - grace


def _attempt_end(email: OutgoingEmail) -> None:
    """Step three: store what the conversation of step two came to.

    A failure is stored only while the row is still this attempt's: after the grace period another worker may have
    taken it over (and perhaps sent it). A success is always stored: the message did go out.
    """
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        ours = locked.status == OutgoingEmail.Status.SENDING and locked.sending_since == email.sending_since
        if email.status != OutgoingEmail.Status.SENT and not ours:
            return
        email.save(update_fields=["status", "last_error", "queued_at", "sent_at"])


def _deliver(email: OutgoingEmail) -> None:
    headers = {"Auto-Submitted": "auto-generated"}  # RFC 3834: no out-of-office replies to the meldpunt
    if email.report is not None:
        headers["X-Meldpunt-Reference"] = email.report.reference
    message = EmailMessage(
        subject=email.subject,
        body=email.body,  # text/plain only: no HTML part, so nothing is turned into a link (see text.py)
        from_email=settings.NOTIFICATIONS_FROM_EMAIL,
        to=[email.to],
        # One Message-ID per outbox row, the same on every attempt (the module's docstring).
        headers=headers | {"Message-ID": email.message_id},
        connection=get_connection(fail_silently=False),
    )
    message.send()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def emails_requeue_stale(*, older_than: dt.timedelta | None = None, limit: int = 500) -> int:
    """Queue again every e-mail still queued `older_than` after it was last handed to the broker, and every one cut
    off while sending (still "sending" NOTIFICATIONS_SENDING_GRACE_S after its attempt began). Returns how many."""
    if older_than is None:
        older_than = dt.timedelta(minutes=settings.NOTIFICATIONS_REQUEUE_AFTER_MINUTES)
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_GRACE_S)
    stale = Q(status=OutgoingEmail.Status.QUEUED) & (Q(queued_at__lt=now - older_than) | Q(queued_at__isnull=True))
    cut_off = Q(status=OutgoingEmail.Status.SENDING, sending_since__lt=now - grace)
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(stale | cut_off)
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
    """Queue a failed (or stuck) e-mail again, with a fresh count of attempts (admin action). Sent ones stay sent,
    and so does one being sent now (within NOTIFICATIONS_SENDING_GRACE_S of its attempt): it is never doubled."""
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status == OutgoingEmail.Status.SENT:
            return locked
        if locked.status == OutgoingEmail.Status.SENDING and not _sending_cut_off(locked, timezone.now()):
            return locked
        locked.status = OutgoingEmail.Status.QUEUED
        locked.attempts = 0
        locked.queued_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "queued_at"])
        transaction.on_commit(partial(enqueue, locked.pk))
    return locked
