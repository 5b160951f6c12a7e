"""Why a hotspot is one, in a sentence built from its figures (pure)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Trend


def why(*, reports: int, category: str, months: int, radius_m: int, trend: str) -> str:
    """'12 reports "Sluikstort" in 7 different months within 40 m, rising' (in the active language)."""
    counted = ngettext("%(reports)d report “%(category)s”", "%(reports)d reports “%(category)s”", reports) % {
        "reports": reports,
        "category": category,
    }
    spread = ngettext(
        "in %(months)d month within %(radius)d m",
        "in %(months)d different months within %(radius)d m",
        months,
    ) % {"months": months, "radius": radius_m}
    return _("%(counted)s %(spread)s, %(trend)s") % {
        "counted": counted,
        "spread": spread,
        "trend": Trend(trend).label,
    }
