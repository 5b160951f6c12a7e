"""The insight pages' figures as tables (with their chart): one place that turns the stats selectors' answers into
rows, used by the dashboard, the yearly report and the CSV exports, so a download holds exactly what the page
shows. Each selector runs at most once per request (cached_property), and only when a table needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo_meldpunt.reports.choices import Channel, Kind
from geo_meldpunt.stats import dashboard
from geo_meldpunt.stats import quality as stats_quality
from geo_meldpunt.stats.filters import YEAR, Period, ReportFilter
from geo_meldpunt.stats.labels import Lookups

from .charts import BarChart, ColumnChart, bar_chart, column_chart


@dataclass(frozen=True)
class Cell:
    text: str  # as the page shows it (localised)
    value: Any  # as the CSV holds it (plain number or text, empty for none)
    numeric: bool = True


def number(value: int | None) -> Cell:
    if value is None:
        return Cell("–", "")
    return Cell(formats.number_format(value, force_grouping=True), value)


def percent(share: float | None) -> Cell:
    if share is None:
        return Cell("–", "")
    return Cell(formats.number_format(share * 100, decimal_pos=1) + " %", round(share * 100, 1))


def days(value: float | None) -> Cell:
    if value is None:
        return Cell("–", "")
    return Cell(formats.number_format(value, decimal_pos=1), round(value, 1))


def change(current: int, previous: int | None) -> Cell:
    if previous is None:
        return Cell("–", "")
    diff = current - previous
    text = formats.number_format(diff, force_grouping=True)
    return Cell(("+" + text) if diff > 0 else text.replace("-", "−"), diff)


def text(value: str) -> Cell:
    return Cell(value, value, numeric=False)


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    bar: BarChart | None = None
    columns: ColumnChart | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


DIMENSION_TITLES = {
    dashboard.KIND: gettext_lazy("Reports per kind"),
    dashboard.CATEGORY: gettext_lazy("Reports per category"),
    dashboard.DEPARTMENT: gettext_lazy("Reports per department"),
    dashboard.ZONE: gettext_lazy("Reports per zone"),
    dashboard.CHANNEL: gettext_lazy("Reports per channel"),
}
DIMENSION_HEADERS = {
    dashboard.KIND: gettext_lazy("Kind"),
    dashboard.CATEGORY: gettext_lazy("Category"),
    dashboard.DEPARTMENT: gettext_lazy("Department"),
    dashboard.ZONE: gettext_lazy("Zone"),
    dashboard.CHANNEL: gettext_lazy("Channel"),
}
# Export names (the URL's <slug>.csv) of the dimension tables.
DIMENSION_SLUGS = {
    "per-kind": dashboard.KIND,
    "per-category": dashboard.CATEGORY,
    "per-department": dashboard.DEPARTMENT,
    "per-zone": dashboard.ZONE,
    "per-channel": dashboard.CHANNEL,
}


def period_label(first: dt.date, last: dt.date, unit: str) -> str:
    if unit == YEAR:
        return str(first.year)
    if first.day == 1 and (last + dt.timedelta(days=1)).day == 1:
        return formats.date_format(first, "F Y")
    return f"{formats.date_format(first, 'j M Y')} – {formats.date_format(last, 'j M Y')}"


class Figures:
    """Every figure of one period and filter, computed on demand."""

    def __init__(self, *, period: Period, report_filter: ReportFilter, lookups: Lookups, now: dt.datetime) -> None:
        self.period = period
        self.report_filter = report_filter
        self.lookups = lookups
        self.now = now
        self.today = timezone.localtime(now).date()
        self._categories = {c.pk: c for c in lookups.categories}
        self._departments = {d.pk: d for d in lookups.departments}
        self._zones = {z.pk: z for z in lookups.zones}

    # --- Selectors, once each ----------------------------------------------------------------------------
    @cached_property
    def counts(self) -> dashboard.Counts:
        return dashboard.report_counts(period=self.period, report_filter=self.report_filter)

    @cached_property
    def trend(self) -> list[dashboard.TrendStep]:
        return dashboard.report_trend(period=self.period, report_filter=self.report_filter)

    @cached_property
    def quality(self) -> stats_quality.Quality:
        return stats_quality.report_timeliness(period=self.period, report_filter=self.report_filter, today=self.today)

    @cached_property
    def backlog(self) -> tuple[stats_quality.Backlog, list[stats_quality.Backlog]]:
        return stats_quality.open_backlog(report_filter=self.report_filter, now=self.now)

    @cached_property
    def satisfaction(self) -> stats_quality.Satisfaction:
        return stats_quality.satisfaction_scores(period=self.period, report_filter=self.report_filter)

    # --- Labels -------------------------------------------------------------------------------------------
    @property
    def current_label(self) -> str:
        return period_label(self.period.first, self.period.last, self.period.unit)

    @property
    def previous_label(self) -> str:
        return period_label(self.period.previous_first, self.period.previous_last, self.period.unit)

    def label(self, dimension: str, key: Any) -> str:
        if dimension == dashboard.KIND:
            return str(Kind(key).label).capitalize() if key in Kind.values else str(key)
        if dimension == dashboard.CHANNEL:
            return str(Channel(key).label).capitalize() if key in Channel.values else str(key)
        if dimension == dashboard.ZONE and key is None:
            return _("No zone recorded")
        if dimension == dashboard.ZONE:
            zone = self._zones.get(key)
            return str(key) if zone is None else zone.name
        named = (self._categories if dimension == dashboard.CATEGORY else self._departments).get(key)
        return str(key) if named is None else named.localized_name()

    def department_name(self, pk: int | None) -> str:
        return self.label(dashboard.DEPARTMENT, pk)

    # --- Tables -------------------------------------------------------------------------------------------
    def table(self, slug: str) -> Table | None:
        if slug in DIMENSION_SLUGS:
            return self.dimension_table(DIMENSION_SLUGS[slug])
        builders: dict[str, Callable[[], Table]] = {
            "trend": self.trend_table,
            "timeliness-per-department": lambda: self.timeliness_table(dashboard.DEPARTMENT),
            "timeliness-per-category": lambda: self.timeliness_table(dashboard.CATEGORY),
            "backlog": self.backlog_table,
            "satisfaction": self.satisfaction_table,
        }
        builder = builders.get(slug)
        return None if builder is None else builder()

    def dimension_table(self, dimension: str) -> Table:
        counts = self.counts.by[dimension]
        slug = next(s for s, d in DIMENSION_SLUGS.items() if d == dimension)
        labels = [self.label(dimension, c.key) for c in counts]
        return Table(
            slug=slug,
            title=str(DIMENSION_TITLES[dimension]),
            headers=[str(DIMENSION_HEADERS[dimension]), self.current_label, self.previous_label, _("Change")],
            rows=[
                [text(label), number(c.current), number(c.previous), change(c.current, c.previous)]
                for label, c in zip(labels, counts, strict=True)
            ],
            total=[
                text(_("Total")),
                number(self.counts.total),
                number(self.counts.previous_total),
                change(self.counts.total, self.counts.previous_total),
            ],
            bar=bar_chart(
                [(label, c.current, c.previous) for label, c in zip(labels, counts, strict=True)],
                texts=[(number(c.current).text, number(c.previous).text) for c in counts],
            ),
        )

    def _step_label(self, day: dt.date | None) -> str:
        if day is None:
            return ""
        return formats.date_format(day, "M Y" if self.period.unit == YEAR else "D j M")

    def trend_table(self) -> Table:
        steps = self.trend
        return Table(
            slug="trend",
            title=_("Reports received through the period"),
            headers=[self.current_label, _("Reports"), self.previous_label, _("Reports")],
            rows=[
                [
                    text(self._step_label(s.first)),
                    number(s.current),
                    text(self._step_label(s.previous_first)),
                    number(s.previous),
                ]
                for s in steps
            ],
            columns=column_chart(
                [
                    (formats.date_format(s.first, "M" if self.period.unit == YEAR else "j"), s.current, s.previous)
                    for s in steps
                ]
            ),
        )

    def timeliness_table(self, dimension: str) -> Table:
        q = self.quality
        items = q.by_department if dimension == dashboard.DEPARTMENT else q.by_category
        with_previous = dimension == dashboard.DEPARTMENT

        def row(label: str, t: stats_quality.Timeliness, before: stats_quality.Timeliness | None) -> list[Cell]:
            cells = [
                text(label),
                number(t.received),
                percent(t.acknowledged_share),
                percent(t.answered_share),
            ]
            if with_previous:
                cells.append(percent(before.answered_share if before else None))
            cells += [days(t.median_days), days(t.p90_days), number(t.answered), percent(t.referred_share)]
            return cells

        headers = [
            str(DIMENSION_HEADERS[dimension]),
            _("Received"),
            _("Acknowledged on time"),
            _("Answered on time"),
        ]
        if with_previous:
            headers.append(_("Answered on time, %(period)s") % {"period": self.previous_label})
        headers += [
            _("Median handling time (days)"),
            _("90th percentile (days)"),
            _("Answered"),
            _("Referred to the ombudsman"),
        ]
        labels = [self.label(dimension, t.key) for t in items]
        return Table(
            slug=f"timeliness-per-{dimension}",
            title=_("Deadlines met per department")
            if dimension == dashboard.DEPARTMENT
            else _("Deadlines met per category"),
            headers=headers,
            rows=[
                row(label, t, q.previous_by_department.get(t.key) if with_previous and t.key is not None else None)
                for label, t in zip(labels, items, strict=True)
            ],
            total=row(_("Total"), q.total, q.previous_total),
            bar=bar_chart(
                [
                    (
                        label,
                        None if t.answered_share is None else t.answered_share * 100,
                        None,
                    )
                    for label, t in zip(labels, items, strict=True)
                ],
                texts=[(percent(t.answered_share).text, "") for t in items],
                scale_max=100,
            ),
            note=_(
                "Of the reports received in the period whose outcome is known: acknowledged or answered, or late. "
                "Time waiting for the reporter does not count (the deadline moved by it)."
            ),
        )

    def backlog_table(self) -> Table:
        total, departments = self.backlog

        def row(label: str, b: stats_quality.Backlog) -> list[Cell]:
            return [
                text(label),
                number(b.open),
                number(b.overdue),
                number(b.under_week),
                number(b.week_to_month),
                number(b.month_to_quarter),
                number(b.over_quarter),
                days(b.median_age_days),
                days(b.oldest_age_days),
            ]

        return Table(
            slug="backlog",
            title=_("Open reports and their age"),
            headers=[
                _("Department"),
                _("Open"),
                _("Overdue"),
                _("Under 7 days"),
                _("7 to 30 days"),
                _("30 to 90 days"),
                _("90 days or more"),
                _("Median age (days)"),
                _("Oldest (days)"),
            ],
            rows=[row(self.department_name(b.key), b) for b in departments],
            total=row(_("Total"), total),
            bar=bar_chart(
                [(self.department_name(b.key), b.open, None) for b in departments],
                texts=[(number(b.open).text, "") for b in departments],
            ),
            note=_("Open today, whatever the period; the other filters apply."),
        )

    def satisfaction_table(self) -> Table:
        s = self.satisfaction
        answered = sum(s.current.values())
        before = sum(s.previous.values())
        labels = [_("%(score)s of 5") % {"score": score} for score in stats_quality.SCORES]
        return Table(
            slug="satisfaction",
            title=_("Satisfaction"),
            headers=[_("Score"), self.current_label, _("Share"), self.previous_label, _("Share")],
            rows=[
                [
                    text(label),
                    number(s.current[score]),
                    percent(s.current[score] / answered if answered else None),
                    number(s.previous[score]),
                    percent(s.previous[score] / before if before else None),
                ]
                for label, score in zip(labels, stats_quality.SCORES, strict=True)
            ],
            total=[
                text(_("Total")),
                number(answered),
                percent(1 if answered else None),
                number(before),
                percent(1 if before else None),
            ],
            bar=bar_chart(
                [
                    (label, s.current[score], s.previous[score])
                    for label, score in zip(labels, stats_quality.SCORES, strict=True)
                ],
                texts=[
                    (number(s.current[score]).text, number(s.previous[score]).text) for score in stats_quality.SCORES
                ],
            ),
            note=_("Answers to the satisfaction question about the reports received in the period."),
        )

    # --- Headline figures ---------------------------------------------------------------------------------
    def headlines(self, *, open_now: bool = True) -> list[dict[str, Cell | str]]:
        """The key figures beside the previous period's; `open_now`: with today's open backlog (one more query)."""
        q = self.quality
        s = self.satisfaction
        figures: list[dict[str, Cell | str]] = [
            {
                "label": _("Reports received"),
                "value": number(self.counts.total),
                "before": number(self.counts.previous_total),
            },
            {
                "label": _("Acknowledged on time"),
                "value": percent(q.total.acknowledged_share),
                "before": percent(q.previous_total.acknowledged_share),
            },
            {
                "label": _("Answered on time"),
                "value": percent(q.total.answered_share),
                "before": percent(q.previous_total.answered_share),
            },
            {
                "label": _("Median handling time (days)"),
                "value": days(q.total.median_days),
                "before": days(q.previous_total.median_days),
            },
            {
                "label": _("Mean satisfaction (of 5)"),
                "value": days(s.mean),
                "before": days(s.previous_mean),
            },
            {
                "label": _("Answered reports referred to the ombudsman"),
                "value": percent(q.total.referred_share),
                "before": percent(q.previous_total.referred_share),
            },
        ]
        if open_now:
            total, _departments = self.backlog
            figures.append({"label": _("Open now"), "value": number(total.open), "before": ""})
        return figures
