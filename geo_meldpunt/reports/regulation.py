"""The city's deadline regulation: the one-row model edited in the admin, and the deadlines in force.

A model module of the reports app (models.py imports it, so Django registers the model there). Every deadline
computed anywhere (report_create, report_transition, Report.expected_answer_date, the bulk fill) reads
deadlines_config(): the admin-edited row, or the documented defaults when it does not exist.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.core.models import TimeStampedModel

from . import sla
from .choices import Kind

# The key of the regulation's only row.
REGULATION_ROW = 1
# A report stores its due dates when it is created, so a change of the regulation applies to new reports only.
_FUTURE_ONLY = _("A change applies to reports created afterwards; existing reports keep their deadlines.")


class Regulation(TimeStampedModel):
    """The deadlines of the city's regulation that do not follow a category: one row, edited in the admin.

    A melding's answer deadline is its category's (Category.answer_days); a compliment gets thanks, no answer.
    Without the row (never created, or deleted) settings.REPORTS_DEADLINES applies, over sla.DEFAULT_DEADLINES.
    """

    # A fixed key and a check: a second row cannot exist, so "the regulation" is never ambiguous.
    id = models.PositiveSmallIntegerField(primary_key=True, default=REGULATION_ROW, editable=False)
    acknowledge_working_days = models.PositiveIntegerField(
        _("acknowledgement deadline (working days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=format_lazy(
            "{} {}",
            _("Every kind of report is acknowledged within this many working days (weekends and Belgian public "
              "holidays do not count)."),
            _FUTURE_ONLY,
        ),
    )  # fmt: skip
    klacht_days = models.PositiveIntegerField(
        _("complaint answer deadline (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_FUTURE_ONLY,
    )
    klacht_working_days = models.BooleanField(
        _("complaint deadline counts working days"),
        help_text=_("Off: calendar days."),
    )
    suggestie_days = models.PositiveIntegerField(
        _("suggestion answer deadline (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_FUTURE_ONLY,
    )
    suggestie_working_days = models.BooleanField(
        _("suggestion deadline counts working days"),
        help_text=_("Off: calendar days."),
    )

    class Meta:
        verbose_name = _("deadline regulation")
        verbose_name_plural = _("deadline regulation")
        constraints = [models.CheckConstraint(condition=models.Q(id=REGULATION_ROW), name="regulation_single_row")]

    def __str__(self) -> str:
        return str(_("Deadlines for complaints, suggestions and acknowledgements"))

    def as_config(self) -> dict[str, Any]:
        """The deadlines in the shape of settings.REPORTS_DEADLINES, which sla.py reads."""
        return {
            "acknowledge_working_days": self.acknowledge_working_days,
            Kind.KLACHT.value: {"days": self.klacht_days, "working_days": self.klacht_working_days},
            Kind.SUGGESTIE.value: {"days": self.suggestie_days, "working_days": self.suggestie_working_days},
        }


def deadlines_settings() -> Mapping[str, Any]:
    """The documented defaults: settings.REPORTS_DEADLINES over sla.DEFAULT_DEADLINES. No database.

    The data migration that creates the regulation starts from these; a migration that runs before that table
    exists passes them to reports_deadlines_fill.
    """
    return getattr(settings, "REPORTS_DEADLINES", None) or sla.DEFAULT_DEADLINES


def deadlines_config() -> Mapping[str, Any]:
    """The city's deadlines: the regulation edited in the admin (one query by primary key).

    Without its row, the documented defaults (deadlines_settings()). Every deadline computed anywhere starts here.
    """
    regulation = Regulation.objects.filter(pk=REGULATION_ROW).first()
    return regulation.as_config() if regulation is not None else deadlines_settings()
