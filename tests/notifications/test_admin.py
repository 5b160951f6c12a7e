"""The admin: e-mail templates are editable (and checked), the outbox is a read-only record."""

import pytest
from django.urls import reverse

from geo_meldpunt.notifications.models import EmailTemplate, OutgoingEmail, TemplateKey
from geo_meldpunt.notifications.rendering import shipped_default
from tests.notifications.helpers import new_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "notifications_emailtemplate",
        "notifications_outgoingemail",
        "feedback_satisfactionsurvey",
        "feedback_ombudsmanreferral",
    ],
)
def test_changelists_open(admin_client, name):
    new_report()
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_template_is_edited_and_its_syntax_checked(admin_client):
    template, _ = EmailTemplate.objects.update_or_create(
        key=TemplateKey.ANSWER, language="nl", defaults={"subject": "x", "body": "y"}
    )
    change = reverse("admin:notifications_emailtemplate_change", args=[template.pk])
    page = admin_client.get(change).content.decode()
    assert "tracking_url" in page  # the variables this e-mail may use

    data = {"key": TemplateKey.ANSWER, "language": "nl", "subject": "Antwoord {{ reference }}", "body": "{% if x %}"}
    response = admin_client.post(change, data)
    assert response.status_code == 200  # form shown again with the error
    template.refresh_from_db()
    assert template.body == "y"

    data["body"] = "Beste,\n\n{{ answer }}\n"
    assert admin_client.post(change, data).status_code == 302
    template.refresh_from_db()
    assert template.subject == "Antwoord {{ reference }}"

    admin_client.post(
        reverse("admin:notifications_emailtemplate_changelist"),
        {"action": "reset_to_default", "_selected_action": [template.pk]},
    )
    template.refresh_from_db()
    assert (template.subject, template.body) == shipped_default(TemplateKey.ANSWER, "nl")


def test_the_outbox_cannot_be_edited_or_emptied_but_failed_e_mails_can_be_queued_again(
    admin_client, django_capture_on_commit_callbacks
):
    report = new_report()
    email = report.emails.get()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED, attempts=60)
    assert admin_client.get(reverse("admin:notifications_outgoingemail_add")).status_code == 403
    assert admin_client.get(reverse("admin:notifications_outgoingemail_delete", args=[email.pk])).status_code == 403

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(
            reverse("admin:notifications_outgoingemail_changelist"),
            {"action": "requeue", "_selected_action": [email.pk]},
        )
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 0)
    assert len(callbacks) == 1
