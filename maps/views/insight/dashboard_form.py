"""The dashboard's filters (GET): the period (a week, month or year and a day in it) and kind, category,
department, zone and channel, all combinable. A value that is not offered counts as "any" (an old bookmark still
opens the page), a day that is no date as today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.reports.choices import Channel, Kind
from geo_meldpunt.stats.filters import MONTH, UNITS, WEEK, YEAR, Period, ReportFilter
from geo_meldpunt.stats.labels import Lookups
from geo_meldpunt.zones.models import ZoneType

UNIT_LABELS = {WEEK: _("Week"), MONTH: _("Month"), YEAR: _("Year")}


class InsightFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[(u, UNIT_LABELS[u]) for u in UNITS])
    on = forms.DateField(
        label=_("Containing the day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    zone = forms.ChoiceField(label=_("Zone"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, data: Any, *, lookups: Lookups, today: dt.date) -> None:
        # Unbound fields show the defaults the figures use: this month, today.
        data = data.copy()
        data.setdefault("period", MONTH)
        data.setdefault("on", today.isoformat())
        super().__init__(data)
        self.today = today
        self.lookups = lookups
        self._categories = {c.slug: c for c in lookups.categories}
        self._departments = {d.slug: d for d in lookups.departments}
        self._zones = {z.slug: z for z in lookups.zones}
        self._choices("kind", [("", _("All kinds")), *((k.value, str(k.label).capitalize()) for k in Kind)])
        parents = {c.pk: c for c in lookups.categories if c.parent_id is None}
        self._choices(
            "category",
            [
                ("", _("All categories")),
                *(
                    (
                        c.slug,
                        c.localized_name()
                        if c.parent_id is None
                        else f"{parents[c.parent_id].localized_name()} – {c.localized_name()}"
                        if c.parent_id in parents
                        else c.localized_name(),
                    )
                    for c in sorted(
                        lookups.categories,
                        key=lambda c: (
                            parents[c.parent_id].localized_name() if c.parent_id in parents else c.localized_name(),
                            c.parent_id is not None,
                            c.localized_name(),
                        ),
                    )
                ),
            ],
        )
        self._choices(
            "department", [("", _("All departments")), *((d.slug, d.localized_name()) for d in lookups.departments)]
        )
        self._choices(
            "zone",
            [
                ("", _("The whole city")),
                *((z.slug, f"{z.name} ({ZoneType(z.zone_type).label})") for z in lookups.zones),
            ],
        )
        self._choices("channel", [("", _("All channels")), *((c.value, str(c.label).capitalize()) for c in Channel)])

    def _choices(self, name: str, choices: list) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def full_clean(self) -> None:
        super().full_clean()
        for name in list(self.errors):
            self.cleaned_data[name] = None if name == "on" else ""
        self._errors = ErrorDict()

    def _data(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}

    def period_chosen(self) -> Period:
        data = self._data()
        return Period.containing(data.get("on") or self.today, data.get("period") or MONTH)

    def report_filter(self) -> ReportFilter:
        data = self._data()
        category = self._categories.get(data.get("category") or "")
        department = self._departments.get(data.get("department") or "")
        zone = self._zones.get(data.get("zone") or "")
        return ReportFilter(
            kind=data.get("kind") or "",
            category_id=category.pk if category else None,
            department_id=department.pk if department else None,
            zone_id=zone.pk if zone else None,
            channel=data.get("channel") or "",
        )

    def is_filtered(self) -> bool:
        return self.report_filter() != ReportFilter()
