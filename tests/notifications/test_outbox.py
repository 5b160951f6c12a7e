"""The outbox: sending once, retrying on SMTP failure, re-queueing what the broker lost, templates and languages."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from geo_meldpunt.notifications.models import EmailTemplate, OutgoingEmail, TemplateKey
from geo_meldpunt.notifications.outbox import email_queue, email_requeue, email_send, emails_requeue_stale
from geo_meldpunt.notifications.rendering import DEFAULTS_DIR, render_email
from geo_meldpunt.notifications.tasks import send_email
from tests.notifications.backends import FailingBackend

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "tests.notifications.backends.FailingBackend"
CONTEXT = {"reference": "OST-2026-000042", "kind": "melding", "category": "Wegdek", "department": "Wegendienst"}


def queue(**kwargs) -> OutgoingEmail:
    values = {"key": TemplateKey.ACKNOWLEDGEMENT, "to": "melder@example.org", "language": "nl", "context": CONTEXT}
    values.update(kwargs)
    return email_queue(**values)


@pytest.fixture
def failing_backend(settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    yield FailingBackend
    FailingBackend.failures = 0


def test_an_e_mail_is_sent_once_however_often_its_message_arrives():
    email = queue()
    assert email_send(email_id=email.pk) == "sent"
    assert email_send(email_id=email.pk) == "skipped"
    assert send_email.apply(args=[email.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert email.sent_at is not None


def test_the_task_retries_after_an_smtp_failure_and_then_sends(failing_backend):
    failing_backend.failures = 1
    email = queue()

    result = send_email.apply(args=[email.pk])  # runs here; Celery's retry runs again at once

    assert result.get() == "sent"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutgoingEmail.Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_failed_attempt_is_recorded_and_the_error_goes_to_celery(failing_backend):
    failing_backend.failures = 1
    email = queue()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []


def test_after_its_retries_an_e_mail_stays_queued_for_the_sweep(failing_backend, settings):
    failing_backend.failures = 100
    email = queue()
    result = send_email.apply(args=[email.pk])
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == settings.NOTIFICATIONS_SEND_MAX_RETRIES + 1


def test_after_the_maximum_number_of_attempts_an_e_mail_is_failed_until_requeued(
    failing_backend, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    failing_backend.failures = 2
    email = queue()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_send(email_id=email.pk)
    assert email_send(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 2)

    with django_capture_on_commit_callbacks() as callbacks:
        email_requeue(email=email)
    assert len(callbacks) == 1
    assert email_send(email_id=email.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_refused_recipient_is_failed_at_once(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    email = queue()
    assert email_send(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert email.attempts == 1 and "SMTPRecipientsRefused" in email.last_error


class RefusingBackend(mail.backends.locmem.EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"melder@example.org": (550, b"No such user")})


def test_e_mails_the_broker_lost_are_queued_again(django_capture_on_commit_callbacks):
    stale, fresh, sent = queue(), queue(), queue()
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    OutgoingEmail.objects.filter(pk__in=[stale.pk, sent.pk]).update(queued_at=long_ago)
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=OutgoingEmail.Status.SENT)

    with django_capture_on_commit_callbacks() as callbacks:
        assert emails_requeue_stale() == 1
    assert len(callbacks) == 1
    stale.refresh_from_db()
    assert stale.queued_at > long_ago
    with django_capture_on_commit_callbacks():
        assert emails_requeue_stale() == 0  # just queued again: not before another interval
    assert fresh.status == OutgoingEmail.Status.QUEUED


def cut_off(email: OutgoingEmail, *, ago: dt.timedelta, attempts: int = 1) -> None:
    """As a worker killed during the SMTP conversation leaves an e-mail: sending, its attempt counted."""
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING, attempts=attempts, sending_since=timezone.now() - ago
    )


def test_an_e_mail_cut_off_while_sending_is_sent_again_after_the_grace_period_under_its_message_id(
    settings, django_capture_on_commit_callbacks
):
    email, other = queue(), queue()
    grace = dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_GRACE_S)
    cut_off(email, ago=grace / 2)
    assert email_send(email_id=email.pk) == "skipped"  # perhaps still in its conversation: never doubled
    with django_capture_on_commit_callbacks():
        assert emails_requeue_stale() == 0

    cut_off(email, ago=grace + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert emails_requeue_stale() == 1
    assert len(callbacks) == 1
    assert email_send(email_id=email.pk) == "sent"
    assert email_send(email_id=other.pk) == "sent"

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 2)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].message()["Message-ID"] == email.message_id  # the same on every attempt
    assert mail.outbox[1].message()["Message-ID"] == other.message_id != email.message_id


def test_an_e_mail_cut_off_as_often_as_attempts_are_allowed_is_failed(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    email = queue()
    cut_off(email, ago=dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_GRACE_S + 1), attempts=2)
    assert email_send(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and "cut off" in email.last_error
    assert mail.outbox == []


def test_the_admin_cannot_queue_again_an_e_mail_being_sent(settings, django_capture_on_commit_callbacks):
    email = queue()
    cut_off(email, ago=dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        email_requeue(email=email)
    assert callbacks == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENDING, 1)


def test_a_dedupe_key_queues_an_e_mail_once():
    first = queue(dedupe_key="digest:2026-05-04:7")
    second = queue(dedupe_key="digest:2026-05-04:7")
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1


# --- Templates --------------------------------------------------------------------------------------------


def test_every_e_mail_has_a_shipped_text_in_every_language():
    for key in TemplateKey.values:
        for language in ("nl", "fr", "en", "de"):
            assert (DEFAULTS_DIR / language / f"{key}.txt").is_file(), (key, language)


@pytest.mark.parametrize("key", TemplateKey.values)
@pytest.mark.parametrize("language", ["nl", "fr", "en", "de"])
def test_every_template_renders_cleanly(key, language):
    context = CONTEXT | {
        "description": "Gat in de weg & een <b>put</b>",
        "address": "Kerkstraat 1",
        "reporter_name": "Jan",
        "expected_answer_date": dt.date(2026, 5, 4),
        "tracking_url": "http://127.0.0.1:8000/volg/abc/",
        "body_name": "Fluvius",
        "body_phone": "078 35 35 34",
        "note": "Een foto graag.",
        "answer": "Hersteld.",
        "reason": "Dit is privaat terrein.",
        "survey_url": "http://127.0.0.1:8000/tevredenheid/xyz/",
        "expires_at": timezone.now(),
        "link_days": 14,
        "ombudsman": {"name": "Ombudsdienst", "email": "ombudsdienst@oostende.be", "phone": "059 25 86 86", "url": ""},
        "score": 1,
        "on": dt.date(2026, 5, 4),
        "overdue": [{"reference": "OST-1", "due": dt.date(2026, 5, 1), "days_late": 3, "url": "http://x/1"}],
        "near": [],
        "breaches": [{"reference": "OST-1", "due": dt.date(2026, 5, 1), "days_late": 3, "url": "http://x/1"}],
    }
    rendered = render_email(key=key, language=language, context=context)
    assert rendered.language == language
    assert rendered.subject and "\n" not in rendered.subject
    assert "{{" not in rendered.body and "{%" not in rendered.body and "\n\n\n" not in rendered.body
    if key in ("acknowledgement", "answer", "compliment_forward"):
        # Plain text: shown as typed, not HTML-escaped.
        assert "Gat in de weg & een <b>put</b>" in rendered.body


def test_a_template_edited_in_the_admin_is_used():
    EmailTemplate.objects.update_or_create(
        key=TemplateKey.ACKNOWLEDGEMENT,
        language="fr",
        defaults={"subject": "Reçu {{ reference }}", "body": "Texte de la ville pour {{ reference }}."},
    )
    rendered = render_email(key=TemplateKey.ACKNOWLEDGEMENT, language="fr", context=CONTEXT)
    assert (rendered.subject, rendered.body) == ("Reçu OST-2026-000042", "Texte de la ville pour OST-2026-000042.\n")


def test_a_language_without_a_template_falls_back_to_dutch():
    rendered = render_email(key=TemplateKey.ACKNOWLEDGEMENT, language="es", context=CONTEXT)
    assert rendered.language == "nl"
    assert "Bedankt voor uw melding" in rendered.body


def test_the_shipped_templates_are_in_the_database_for_the_admin():
    # Written by the data migration (pytest-django runs these tests before any test that flushes the database).
    assert EmailTemplate.objects.filter(key=TemplateKey.ANSWER, language="de").exists()
    assert EmailTemplate.objects.count() == len(TemplateKey.values) * 4
