"""The admin's "Data protection": the record (read-only) and the page where the coordinator handles a reporter's
request (what is held, export as JSON, erasure), each through geo_meldpunt.privacy.services."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .models import PrivacyRecord
from .services import reporter_erase, reporter_erase_preview, reporter_export


class ReporterRequestForm(forms.Form):
    email = forms.EmailField(label=_("The reporter's e-mail address"))
    reason = forms.CharField(
        label=_("request"), max_length=300, required=False, help_text=_("e.g. the request's file number")
    )
    confirm = forms.BooleanField(
        label=_("I confirm the erasure: it cannot be undone."),
        required=False,
    )


@admin.register(PrivacyRecord)
class PrivacyRecordAdmin(admin.ModelAdmin):
    """The record of what was done with reporters' data: read-only, for everyone who may see it."""

    list_display = ["created_at", "action", "via", "actor_name", "reason", "reports", "followers", "surveys", "emails"]
    list_filter = ["action", "via"]
    search_fields = ["references", "reason", "actor_name"]
    date_hierarchy = "created_at"
    change_list_template = "privacy/admin/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("verzoek/", self.admin_site.admin_view(self.reporter_request), name="privacy_reporter_request"),
            *super().get_urls(),
        ]

    def reporter_request(self, request):
        """A reporter's request: "show" counts what is held, "export" downloads it as JSON, "erase" clears it."""
        if not request.user.has_perm("privacy.handle_reporter_request"):
            raise PermissionDenied
        form = ReporterRequestForm(request.POST or None)
        held = None
        if request.method == "POST" and form.is_valid():
            email, reason = form.cleaned_data["email"], form.cleaned_data["reason"]
            action = request.POST.get("action")
            if action == "export":
                data, _record = reporter_export(
                    email=email, by=request.user, via=PrivacyRecord.Via.ADMIN, reason=reason
                )
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
                )
                response["Content-Disposition"] = 'attachment; filename="meldpunt-gegevens.json"'
                return response
            if action == "erase":
                if not form.cleaned_data["confirm"]:
                    form.add_error("confirm", _("Tick this box to erase."))
                else:
                    record = reporter_erase(email=email, by=request.user, via=PrivacyRecord.Via.ADMIN, reason=reason)
                    self.message_user(
                        request,
                        _(
                            "Erased: %(reports)d reports, %(followers)d follows, %(surveys)d surveys, "
                            "%(emails)d e-mails."
                        )
                        % {
                            "reports": record.reports,
                            "followers": record.followers,
                            "surveys": record.surveys,
                            "emails": record.emails,
                        },
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:privacy_privacyrecord_changelist"))
            held = reporter_erase_preview(email=email)
        context = {
            **self.admin_site.each_context(request),
            "title": _("A reporter's request"),
            "form": form,
            "held": held,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "privacy/admin/reporter_request.html", context)
