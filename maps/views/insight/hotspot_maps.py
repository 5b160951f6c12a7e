"""The small map of a hotspot, drawn on the server as SVG: no script, no tile server, and it prints.

The reports are dots at their places in metres around the hotspot's centre (Lambert 72, from the detection query),
inside the circle that holds them all, with a scale bar and north up. Coordinates only: no report is named.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

SIZE = 220  # px, square
MARGIN = 18
NICE_LENGTHS = (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def _scale_length(metres_per_px: float) -> int:
    """The longest round length whose bar is at most a third of the map."""
    fitting = [n for n in NICE_LENGTHS if n / metres_per_px <= SIZE / 3]
    return fitting[-1] if fitting else NICE_LENGTHS[0]


def hotspot_svg(*, points: list[tuple[float, float]], radius_m: int, label: str) -> dict:
    """What maps/insight/_hotspot_map.html draws: dots, the circle, the scale bar, in pixels."""
    half = SIZE / 2
    reach = max(float(radius_m), 10.0) * 1.15  # a little air around the circle
    px_per_m = (half - MARGIN) / reach
    dots = [{"x": round(half + dx * px_per_m, 1), "y": round(half - dy * px_per_m, 1)} for dx, dy in points]
    length = _scale_length(1 / px_per_m)
    return {
        "size": SIZE,
        "centre": half,
        "circle_r": round(radius_m * px_per_m, 1),
        "dots": dots,
        "scale": {"x1": 10, "x2": round(10 + length * px_per_m, 1), "y": SIZE - 12, "label": f"{length} m"},
        "label": label,
        "north": _("N"),
    }
