"""Admin: e-mail templates are edited here; the outbox is read-only, with one action to queue e-mails again."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template import TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .contexts import FOLLOWER_FIELDS
from .models import EmailTemplate, OutgoingEmail
from .rendering import shipped_default, template_check

# What each template may use, shown under the form. Reporter-typed values are shown as text, never as links.
REPORT_VARIABLES = (
    "reference, kind, category, department, description, address, reporter_name, created_at, "
    "expected_answer_date, tracking_url, meldpunt_phone"
)
# A follower (anyone may follow a public report) gets only what the public map shows: contexts.FOLLOWER_FIELDS.
FOLLOWER_VARIABLES = ", ".join(FOLLOWER_FIELDS)
TEMPLATE_VARIABLES = {
    "acknowledgement": REPORT_VARIABLES,
    "forwarded": f"{REPORT_VARIABLES}, body_name, body_phone, note",
    "waiting_for_reporter": f"{REPORT_VARIABLES}, note",
    "answer": f"{REPORT_VARIABLES}, answer",
    "inadmissible": f"{REPORT_VARIABLES}, reason",
    "answer_follower": f"{FOLLOWER_VARIABLES}, answer",
    "follow_confirmation": "reference, category, confirm_url",
    "satisfaction_question": f"{REPORT_VARIABLES}, survey_url, expires_at, link_days",
    "ombudsman_details": f"{REPORT_VARIABLES}, score, ombudsman.name, ombudsman.email, ombudsman.phone, ombudsman.url",
    "compliment_thanks": f"{REPORT_VARIABLES}, staff_member, passed_on (true when the department has it already)",
    "compliment_forward": f"{REPORT_VARIABLES}, staff_member",
    "department_digest": (
        "department, on, overdue, near (lists of items: reference, kind, category, deadline, due, days_late, url)"
    ),
    "coordinator_breaches": (
        "on, breaches (list of items: reference, kind, category, department, deadline, due, days_late, url)"
    ),
}


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["key", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100, "style": "font-family: monospace"})}

    def clean(self):
        cleaned = super().clean() or {}
        for field in ("subject", "body"):
            try:
                template_check(cleaned.get(field) or "")
            except TemplateSyntaxError as exc:
                self.add_error(field, str(exc))
        return cleaned


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ["key", "language", "subject", "updated_at"]
    list_filter = ["key", "language"]
    search_fields = ["subject", "body"]
    actions = ["reset_to_default"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        key = obj.key if obj else None
        variables = TEMPLATE_VARIABLES.get(key or "", "")
        form.base_fields["body"].help_text = _(
            "Plain text with Django template syntax, e.g. {{ reference }} or {%% if note %%}…{%% endif %%}. "
            "Nothing is escaped and nothing becomes a link. Variables: %(variables)s"
        ) % {"variables": variables or _("see the list per e-mail in notifications/admin.py")}
        return form

    @admin.action(description=_("Reset to the shipped text"))
    def reset_to_default(self, request, queryset):
        done = 0
        for template in queryset:
            default = shipped_default(template.key, template.language)
            if default:
                template.subject, template.body = default
                template.save(update_fields=["subject", "body", "updated_at"])
                done += 1
        self.message_user(request, ngettext("%d template reset.", "%d templates reset.", done) % done)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template_key", "to", "language", "status", "attempts", "sent_at", "report"]
    list_filter = ["status", "template_key", "language"]
    search_fields = ["to", "subject", "report__reference"]
    list_select_related = ["report"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "report", "template_key", "to", "language", "subject", "body", "status", "attempts", "last_error",
        "dedupe_key", "created_at", "queued_at", "sending_since", "sent_at",
    ]  # fmt: skip
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False  # e-mails are written by the services only

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what the city told whom

    @admin.action(description=_("Queue again (failed or stuck e-mails)"))
    def requeue(self, request, queryset):
        count = 0
        for email in queryset.exclude(status=OutgoingEmail.Status.SENT):
            outbox.email_requeue(email=email)
            count += 1
        self.message_user(
            request, ngettext("%d e-mail queued again.", "%d e-mails queued again.", count) % count, messages.SUCCESS
        )
