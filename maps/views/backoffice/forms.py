"""The back office's forms: the queue's filters and one form per action on a report.

Every action form carries the version of the report its user saw (`version`); the services refuse with a
Conflict when someone changed the report since, and the page shows the fresh report with the typed text kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.reports.models import OPEN_STATUSES, Category, Kind, Status
from geo_meldpunt.zones.models import Department, Zone, ZoneType

from . import selectors
from .selectors import QueueFilters

NOTE_MAX_LENGTH = 5000

STATUS_OPEN = "open"
STATUS_ALL = "all"
DEADLINE_CHOICES = [
    ("", _("Any deadline")),
    ("overdue", _("Overdue only")),
    ("due_soon", _("Due soon (not overdue yet)")),
]


class QueueFilterForm(forms.Form):
    """GET filters of a queue. Unknown values fall back to the defaults instead of an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    zone = forms.ChoiceField(label=_("Zone"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=DEADLINE_CHOICES)

    def __init__(
        self,
        data: Any,
        *,
        categories: list[Category],
        zones: list[Zone],
        departments: list[Department] | None,
    ) -> None:
        super().__init__(data)
        self._categories = {c.slug: c for c in categories}
        self._zones = {z.slug: z for z in zones}
        self._departments = {d.slug: d for d in departments or []}
        self._choices(
            "status",
            [
                (STATUS_OPEN, _("Open")),
                (STATUS_ALL, _("All statuses")),
                *((s.value, str(s.label).capitalize()) for s in Status),
            ],
        )
        self._choices("kind", [("", _("All kinds")), *((k.value, str(k.label).capitalize()) for k in Kind)])
        self._choices("category", [("", _("All categories")), *_category_choices(categories)])
        self._choices("zone", [("", _("The whole city")), *_zone_choices(zones)])
        if departments is None:
            del self.fields["department"]
        else:
            self._choices(
                "department", [("", _("All departments")), *((d.slug, d.localized_name()) for d in departments)]
            )

    def _choices(self, name: str, choices: list) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> QueueFilters:
        """The chosen filters; a value that is not offered counts as "any"."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or STATUS_OPEN
        statuses: tuple[str, ...] = (
            tuple(OPEN_STATUSES) if status == STATUS_OPEN else () if status == STATUS_ALL else (status,)
        )
        return QueueFilters(
            statuses=statuses,
            kind=data.get("kind", ""),
            category=self._categories.get(data.get("category", "")),
            zone=self._zones.get(data.get("zone", "")),
            department=self._departments.get(data.get("department", "")),
            deadline=data.get("deadline", ""),
        )

    def is_filtered(self) -> bool:
        f = self.filters()
        return bool(f.statuses != tuple(OPEN_STATUSES) or f.kind or f.category or f.zone or f.department or f.deadline)

    def full_clean(self) -> None:
        super().full_clean()
        # Drop values that are not offered (an old bookmark), keeping the others.
        for name in list(self.errors):
            self.cleaned_data[name] = ""
        self._errors = ErrorDict()


def _category_choices(categories: list[Category]) -> list:
    """Top-level categories as option groups: the group itself ("all of ...") and its children."""
    children: dict[int, list[Category]] = {}
    for c in categories:
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)
    groups = []
    for c in categories:
        if c.parent_id is None:
            options = [(c.slug, _("%(name)s (all)") % {"name": c.localized_name()})]
            options += [(child.slug, child.localized_name()) for child in children.get(c.pk, [])]
            groups.append((c.localized_name(), options))
    return groups


def _zone_choices(zones: list[Zone]) -> list:
    by_type: dict[str, list[Zone]] = {}
    for z in zones:
        by_type.setdefault(z.zone_type, []).append(z)
    return [
        (str(ZoneType(zone_type).label).capitalize(), [(z.slug, z.name) for z in members])
        for zone_type, members in by_type.items()
    ]


def queue_filter_form(data: Any, *, on: dt.date, with_department: bool) -> QueueFilterForm:
    """The filter form with its choices read once (categories, zones and, for the coordinator, departments)."""
    return QueueFilterForm(
        data,
        categories=list(selectors.categories_for_filter()),
        zones=list(selectors.zones_for_filter(on=on)),
        departments=list(selectors.departments_all()) if with_department else None,
    )


# --- Actions on one report ---------------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """The version of the report as its user saw it: a stale one makes the service refuse with a conflict."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class TransitionForm(VersionedForm):
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)
    department = forms.ModelChoiceField(
        queryset=selectors.external_bodies(), to_field_name="slug", required=False, label=_("External body")
    )


class ReassignForm(VersionedForm):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), to_field_name="slug", label=_("New department")
    )
    reason = forms.CharField(max_length=NOTE_MAX_LENGTH, widget=forms.Textarea, label=_("Reason"))

    def __init__(self, *args: Any, current: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.reassignment_departments(exclude=current)  # type: ignore[attr-defined]


class MergeForm(VersionedForm):
    into = forms.CharField(required=False, max_length=24, label=_("Nearby report"))
    into_reference = forms.CharField(required=False, max_length=24, label=_("Or type its reference"))

    def clean(self) -> dict:
        data = super().clean() or {}
        reference = (data.get("into_reference") or data.get("into") or "").strip().upper()
        if not reference:
            self.add_error("into_reference", _("Choose the report this one duplicates, or type its reference."))
        data["reference"] = reference
        return data


class NoteForm(VersionedForm):
    text = forms.CharField(max_length=NOTE_MAX_LENGTH, widget=forms.Textarea, label=_("Internal note"))
