"""Who gets which e-mail when something happens to a report. Mail only: no business rule lives here.

The workflow calls these inside its transaction; they write outgoing messages (an outbox) in that same
transaction and queue their sending after commit, so no message is lost when a worker or the broker is down.
Every e-mail is stored on the report (`report.emails`, OutgoingEmail rows), whether it went out yet or not.

Each e-mail carries a dedupe key (per report, or per history event), so a second call for the same creation or
the same event queues nothing new: calling twice is harmless.

Who gets what:
- created: the reporter gets an acknowledgement (reference, department, expected answer date), when they left
  an e-mail address. A compliment's reporter is thanked instead, and told whether it went to the service
  already (`passed_on`): one whose department is known is passed on in the same transaction (doorgegeven, below).
- doorverwezen: the reporter is told which external body took it over.
- wacht_op_melder: the reporter is told what is needed (the step's note).
- a new follower: only the request to confirm their address (follow_confirmation_notify); nothing else until they
  have confirmed it.
- beantwoord: the answer to the reporter and to every confirmed follower (each in their own language). A follower's
  e-mail knows only what the public map shows (contexts.follower_context): never the reporter's tracking link,
  description or name. The satisfaction question that follows is a step of report_transition
  (feedback.services.survey_create queues its own e-mail).
- niet_ontvankelijk: the reporter is told that the city cannot handle it, and why (the step's note, which the
  workflow requires). Not for a compliment: declaring one inadmissible sends nothing.
- doorgegeven (a compliment passed on, at creation or by a handler): its forward to the department's mailbox,
  once per report.
- heropend: nothing is sent (report_transition withdraws an unanswered satisfaction question).
Reporters and followers read their own language (report.language, follower.language); departments and the
coordinator read NOTIFICATIONS_STAFF_LANGUAGE.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from geo_meldpunt.reports.choices import STAFF_REPORTER_CHANNELS
from geo_meldpunt.reports.models import Kind, Status

from .contexts import follower_context, public_url
from .models import OutgoingEmail, TemplateKey
from .outbox import email_queue, email_queue_new, report_email_draft, report_email_queue


def follow_confirmation_notify(*, follower) -> OutgoingEmail:
    """The request to a new follower to confirm their e-mail address: a link, the report's reference and category,
    nothing of the report's reporter or text (anyone may have typed this address). Once per follower."""
    report = follower.report
    # The follower row is new in this transaction: nothing is queued under its key yet.
    return email_queue_new(
        key=TemplateKey.FOLLOW_CONFIRMATION,
        to=follower.email,
        language=follower.language,
        context={
            "reference": report.reference,
            "category": report.category.localized_name(follower.language),
            "confirm_url": public_url(reverse("follow-confirm", kwargs={"token": follower.token})),
        },
        report=report,
        dedupe_key=f"{TemplateKey.FOLLOW_CONFIRMATION}:{follower.pk}",
    )


def report_created_notify(*, report) -> list[OutgoingEmail]:
    """Acknowledgement to the reporter (or thanks for a compliment). Returns the messages.

    A compliment's forward to its department is not sent here but with the step to doorgegeven, which
    report_create takes first when the department is known: the thanks then says it was passed on.
    """
    if not report_created_mails(report):
        return []
    key, extra = _created_template(report)
    return [_to_reporter(report, key, dedupe=f"{report.pk}", extra=extra)]


def report_created_mails(report) -> bool:
    """Whether a new report's reporter is mailed (report_created_notify, report_created_drafts): known before the
    report is stored, so report_create knows whether its write has a second statement."""
    # An employee reporting in their own city (a warden, a colleague on /meld/) needs no acknowledgement, nor
    # thanks for a compliment to colleagues; answers later still reach them.
    return bool(report.reporter_email) and report.channel not in STAFF_REPORTER_CHANNELS


def report_created_drafts(*, report) -> list[OutgoingEmail]:
    """What report_created_notify queues, rendered but not saved, for report_create to insert in its own write.

    Each draft's dedupe key names the new report, so nothing can have been queued under it before: no lookup. The
    admin's templates come from the process's cache (the creating statement checks their version).
    """
    if not report_created_mails(report):
        return []
    key, extra = _created_template(report)
    return [
        report_email_draft(
            key=key,
            report=report,
            to=report.reporter_email,
            language=report.language,
            dedupe_key=f"{key}:{report.pk}",
            extra=extra,
            cached=True,
        )
    ]


def _created_template(report) -> tuple[str, dict | None]:
    if report.kind == Kind.COMPLIMENT:
        return TemplateKey.COMPLIMENT_THANKS, {"passed_on": report.status == Status.DOORGEGEVEN}
    return TemplateKey.ACKNOWLEDGEMENT, None


def report_transitioned_notify(*, report, event) -> list[OutgoingEmail]:
    """Messages for a status change (forwarded, waiting for the reporter, answered, ...). Returns the messages.

    `event` is the history row the transition appended: its `to_status` says what happened, its `note` is the
    text for the reporter when the step's note is public (an internal note is never mailed), its `department`
    the body a report was forwarded to.
    """
    to_status = event.to_status or report.status
    note = event.note if event.public else ""
    dedupe = f"{report.pk}:{event.pk}"
    emails: list[OutgoingEmail] = []
    if to_status == Status.DOORVERWEZEN and report.reporter_email:
        body = event.department or report.department
        extra = {
            "body_name": body.localized_name(report.language),
            "body_phone": body.phone,
            "note": note,
        }
        emails.append(_to_reporter(report, TemplateKey.FORWARDED, dedupe=dedupe, extra=extra))
    elif to_status == Status.WACHT_OP_MELDER and report.reporter_email:
        emails.append(_to_reporter(report, TemplateKey.WAITING_FOR_REPORTER, dedupe=dedupe, extra={"note": note}))
    elif to_status == Status.NIET_ONTVANKELIJK and report.kind != Kind.COMPLIMENT and report.reporter_email:
        # The reason is staff-typed, like an answer: shown as written (plain text), not defanged.
        emails.append(_to_reporter(report, TemplateKey.INADMISSIBLE, dedupe=dedupe, extra={"reason": note}))
    elif to_status == Status.BEANTWOORD:
        emails.extend(_answer(report=report, answer=note or getattr(report, "answer", ""), dedupe=dedupe))
    elif to_status == Status.DOORGEGEVEN and report.kind == Kind.COMPLIMENT:
        forward = _compliment_forward(report)
        if forward is not None:
            emails.append(forward)
    return emails


def _answer(*, report, answer: str, dedupe: str) -> list[OutgoingEmail]:
    emails: list[OutgoingEmail] = []
    if report.reporter_email:
        emails.append(_to_reporter(report, TemplateKey.ANSWER, dedupe=dedupe, extra={"answer": answer}))
    reporter = report.reporter_email.strip().lower()
    # Only followers who confirmed their address: anyone can type anyone's address.
    followers = report.followers.filter(confirmed_at__isnull=False).exclude(email__iexact=reporter)
    for follower in followers.order_by("id"):
        # Anyone may follow a public report: the follower's context holds only what the public map shows, so
        # even a template edited to name {{ tracking_url }} or {{ description }} shows nothing of the reporter's.
        emails.append(
            email_queue(
                key=TemplateKey.ANSWER_FOLLOWER,
                to=follower.email,
                language=follower.language,
                context=follower_context(report, follower.language) | {"answer": answer},
                report=report,
                dedupe_key=f"{TemplateKey.ANSWER_FOLLOWER}:{dedupe}:{follower.pk}",
            )
        )
    return emails


def _to_reporter(report, key: str, *, dedupe: str, extra: dict | None = None) -> OutgoingEmail:
    return report_email_queue(
        key=key,
        report=report,
        to=report.reporter_email,
        language=report.language,
        dedupe_key=f"{key}:{dedupe}",
        extra=extra,
    )


def _compliment_forward(report) -> OutgoingEmail | None:
    """The compliment to its department's mailbox, once per report; None when the department has no e-mail."""
    if not report.department.email:
        return None
    return report_email_queue(
        key=TemplateKey.COMPLIMENT_FORWARD,
        report=report,
        to=report.department.email,
        language=settings.NOTIFICATIONS_STAFF_LANGUAGE,
        dedupe_key=f"{TemplateKey.COMPLIMENT_FORWARD}:{report.pk}",
    )
