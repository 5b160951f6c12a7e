"""Charts drawn on the server as SVG: the geometry is computed here (pure), the markup is a template
(maps/insight/_bar_chart.html, _column_chart.html). No chart library, no script: the page prints and works without
JavaScript. Each chart stands beside a table with the same figures, which is what screen readers read.

Colours: the period shown in the primary blue, the previous period in grey (both at least 4.5:1 on white) and
thinner, so the two read apart without colour as well.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
ROW_HEIGHT = 30
LABEL_CHARS = 26
PLOT_HEIGHT = 180


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    current_width: float
    previous_width: float | None
    current_text: str
    previous_text: str
    value_x: float  # where the value's text starts: just after the longer of the two bars


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    has_previous: bool


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    items: list[tuple[str, float | None, float | None]], *, texts: list[tuple[str, str]], scale_max: float | None = None
) -> BarChart:
    """Horizontal bars: `items` (label, current, previous or None), `texts` the values as shown beside the bars.
    `scale_max` fixes the scale (100 for percentages); by default the largest value fills the width."""
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = scale_max or max([v for _label, c, p in items for v in (c, p) if v is not None] + [1])
    has_previous = any(p is not None for _label, _c, p in items)
    bars = []
    for n, ((label, current, previous), (current_text, previous_text)) in enumerate(zip(items, texts, strict=True)):
        current_width = round(room * (current or 0) / largest, 1)
        previous_width = None if previous is None else round(room * previous / largest, 1)
        bars.append(
            Bar(
                label=_short(label),
                y=n * ROW_HEIGHT,
                current_width=current_width,
                previous_width=previous_width,
                current_text=current_text,
                previous_text=previous_text,
                value_x=LABEL_WIDTH + max(current_width, previous_width or 0) + 6,
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(len(bars), 1) * ROW_HEIGHT + 4,
        label_width=LABEL_WIDTH,
        bars=bars,
        has_previous=has_previous,
    )


@dataclass(frozen=True)
class Column:
    x: float
    previous_x: float
    label: str  # empty when the axis has no room for this step's label
    current_height: float
    previous_height: float | None

    @property
    def current_y(self) -> float:
        return round(PLOT_HEIGHT - self.current_height, 1)

    @property
    def previous_y(self) -> float | None:
        return None if self.previous_height is None else round(PLOT_HEIGHT - self.previous_height, 1)


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    plot_height: int
    column_width: float  # of the period's column; the previous period's is half as wide
    previous_width: float
    left: int
    columns: list[Column]
    top: str  # the value of the top gridline


def column_chart(steps: list[tuple[str, int, int | None]], *, top_text: str = "") -> ColumnChart:
    """Columns per step (label, current, previous or None), the previous period's beside each, thinner."""
    plot_height = PLOT_HEIGHT
    left = 40
    room = WIDTH - left - 10
    largest = max([v for _label, c, p in steps for v in (c, p) if v is not None] + [1])
    step_width = room / max(len(steps), 1)
    every = 1 if len(steps) <= 12 else 5
    columns = [
        Column(
            x=round(left + n * step_width + step_width * 0.1, 1),
            previous_x=round(left + n * step_width + step_width * 0.55, 1),
            label=label if n % every == 0 else "",
            current_height=round(plot_height * current / largest, 1),
            previous_height=None if previous is None else round(plot_height * previous / largest, 1),
        )
        for n, (label, current, previous) in enumerate(steps)
    ]
    return ColumnChart(
        width=WIDTH,
        height=plot_height + 30,
        plot_height=plot_height,
        column_width=round(step_width * 0.45, 1),
        previous_width=round(step_width * 0.3, 1),
        left=left,
        columns=columns,
        top=top_text or str(largest),
    )
