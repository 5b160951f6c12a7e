"""The imported cards in the admin: their list, and the upload of a register, the same import as the command.

A coordinator (or administrator) uploads the register and its mapping file; a dry run by default, with the
summary, the rejected rows with their reasons and the rejects file to download; "import" writes. The files live
in a temporary folder for the length of the request only.
"""

from __future__ import annotations

import base64
import csv
import io
import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports.models import Channel
from geo_meldpunt.staff.roles import is_coordinator

from .importing import legacy_reports_import
from .mapping import mapping_load
from .models import ImportedReport

# Rejected rows shown on the page; the rejects file holds them all.
REJECTS_SHOWN = 200


class LegacyImportForm(forms.Form):
    register = forms.FileField(
        label=gettext_lazy("Register"),
        help_text=gettext_lazy("The old cards: a CSV file or an Excel workbook (.xlsx)."),
    )
    mapping = forms.FileField(
        label=gettext_lazy("Mapping file"),
        help_text=gettext_lazy("Which column holds which field (.json or .toml); see docs/legacy-import.md."),
    )
    commit = forms.BooleanField(
        label=gettext_lazy("Import for real"),
        required=False,
        help_text=gettext_lazy("Without it, a dry run: nothing is written."),
    )

    def clean_register(self):
        upload = self.cleaned_data["register"]
        if Path(upload.name).suffix.lower() not in (".csv", ".txt", ".xlsx"):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload

    def clean_mapping(self):
        upload = self.cleaned_data["mapping"]
        if Path(upload.name).suffix.lower() not in (".json", ".toml"):
            raise forms.ValidationError(_("Upload a .json or .toml mapping file."))
        return upload


@admin.register(ImportedReport)
class ImportedReportAdmin(admin.ModelAdmin):
    """Read-only list of the imported cases; "add" is the upload of a register."""

    list_display = ["original_reference", "reference", "created_at", "kind", "category", "status", "department"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["original_reference", "reference", "address", "description"]
    list_select_related = ["category", "department"]
    date_hierarchy = "created_at"
    exclude = ["point"]
    change_list_template = "legacy/admin/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel=Channel.LEGACY)

    # Who may: the coordinator and the administrator (staff.roles), as for the rest of the configuration.
    def has_module_permission(self, request):
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request.user)

    def has_add_permission(self, request):
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # handled in the back office, through the report services

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        upload = path("import/", self.admin_site.admin_view(self.import_view), name="legacy_importedreport_import")
        return [upload, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:legacy_importedreport_import"))

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LegacyImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = _import_uploaded(form.cleaned_data, by=request.user)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                form = LegacyImportForm()  # the next upload starts as a dry run again
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import old cards"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "legacy/admin/import.html", context)


def _import_uploaded(data: dict, *, by) -> dict:
    """Run the import on the uploaded files, in a temporary folder removed afterwards."""
    register, mapping_upload = data["register"], data["mapping"]
    with tempfile.TemporaryDirectory(prefix="meldpunt-legacy-") as folder:
        # The names keep their extensions: they say CSV or workbook, JSON or TOML.
        register_path = Path(folder) / f"register{Path(register.name).suffix.lower()}"
        mapping_path = Path(folder) / f"mapping{Path(mapping_upload.name).suffix.lower()}"
        for upload, target in ((register, register_path), (mapping_upload, mapping_path)):
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        rejects_path = Path(folder) / "rejects.csv"
        mapping = mapping_load(mapping_path)
        summary = legacy_reports_import(
            path=register_path,
            mapping=mapping,
            commit=data["commit"],
            rejects_path=rejects_path,
            by=by,
            source_name=register.name,
        )
        rejects_bytes = rejects_path.read_bytes()
    reader = csv.DictReader(io.StringIO(rejects_bytes.decode("utf-8-sig"), newline=""), delimiter=summary.delimiter)
    reference = mapping.column("original_reference") or ""
    # The line, the card's number and the reason: the whole row is in the file to download.
    rows = [(row.get(_("line"), ""), row.get(reference, ""), row.get(_("reason"), "")) for row in reader]
    summary.rejects_path = None  # a temporary path, gone: the page offers the file itself
    return {
        "summary": summary,
        "lines": summary.lines(),
        "rejects_rows": rows[:REJECTS_SHOWN],
        "rejects_more": max(len(rows) - REJECTS_SHOWN, 0),
        "rejects_name": f"{Path(register.name).stem}-rejects.csv",
        "rejects_data": base64.b64encode(rejects_bytes).decode("ascii"),
    }
