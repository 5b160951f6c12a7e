"""The hotspots page's filters (period, category) and the structural-action form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.hotspots.periods import default_period
from geo_meldpunt.reports.models import Category

# A period longer than this is refused: detection over it would read too much for a page.
MAX_PERIOD_DAYS = 5 * 366
DESCRIPTION_MAX_LENGTH = 2000


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.localized_name()


class DescribedErrors:
    """Each field with an error points at its message (`aria-describedby`, id `<field id>-error` in the template)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                attrs = self.fields[name].widget.attrs  # type: ignore[attr-defined]
                attrs["aria-invalid"] = "true"
                described = [attrs.get("aria-describedby", ""), f"{self[name].id_for_label}-error"]  # type: ignore[index]
                attrs["aria-describedby"] = " ".join(d for d in described if d)


class HotspotFilterForm(DescribedErrors, forms.Form):
    """GET filters. Invalid values get a field error and the default period is shown meanwhile."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    category = CategoryChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.none(), empty_label=_("All categories")
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(active=True).order_by("name_nl")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period comes before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("start", _("Choose a period of at most five years."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """[start, end) to detect over: the chosen dates, else the last HOTSPOTS_PERIOD_MONTHS months."""
        default_start, default_end = default_period(self.today, settings.HOTSPOTS_PERIOD_MONTHS)
        if not self.is_valid():
            return default_start, default_end
        start = self.cleaned_data.get("start") or default_start
        last = self.cleaned_data.get("end")
        end = last + dt.timedelta(days=1) if last else default_end
        if start >= end:
            return default_start, default_end
        return start, end

    def is_default(self) -> bool:
        """No filter chosen (or only invalid ones): the default period of every category, the weekly snapshot's."""
        if not self.is_bound or not self.is_valid():
            return True
        return not any(self.cleaned_data.get(name) for name in ("start", "end", "category"))

    def chosen_category(self) -> Category | None:
        return self.cleaned_data.get("category") if self.is_valid() else None


class ActionForm(DescribedErrors, forms.Form):
    date = forms.DateField(
        label=_("Date of the action"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("What was done"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "id_description-hint"}),
        help_text=_("A camera, a bin moved, a street redesigned: what should make the reports go down."),
    )
