"""Stored aggregates of reports per grid cell, kept up to date by PostgreSQL triggers on reports_report.

The cells are the slippy-map tiles of EPSG:3857 (see grid.py): cell (grid, ix, iy) is tile z=grid, x=ix,
y=iy (y counted from the north, as map tiles are). Only the grids in CellState.grids are stored; a coarser cell is
the sum of the finer ones inside it (ix >> k, iy >> k). Reports without a point are in no cell.

The triggers and SQL functions are defined in migrations 0001 and 0002 (docs/design.md, "Counts per cell"): every
writer, COPY included, keeps the cells equal to a fresh count when its transaction commits (each statement queues
its changes, a deferred trigger folds them into the cells at COMMIT). Nothing in Python writes these tables except
the rebuild and the map sweep (upkeep.py), which call the same SQL functions.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusGroup(models.TextChoices):
    """reports.choices.OPEN_STATUSES, SOLVED_STATUSES and every other status; SQL: stats_status_group(status)."""

    OPEN = "open", _("open")
    SOLVED = "solved", _("solved")
    OTHER = "other", _("other")


class HeatCell(models.Model):
    """Reports per cell, kind, category, status group and month of creation (local time): planners' heatmaps."""

    grid = models.PositiveSmallIntegerField()
    ix = models.IntegerField()
    iy = models.IntegerField()
    kind = models.CharField(max_length=20)
    category = models.ForeignKey("reports.Category", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    status_group = models.CharField(max_length=10, choices=StatusGroup.choices)
    # The first day of the month of created_at in CellState.time_zone (Europe/Brussels).
    month = models.DateField()
    # Rows reaching 0 are kept (a later report in the same cell reuses them); reads skip them.
    n = models.IntegerField(default=0)
    # Felt impact (1-5): how many reports had a score, and the scores' sum, for impact-weighted heatmaps.
    impact_n = models.IntegerField(default=0)
    impact_sum = models.IntegerField(default=0)
    # Sums of the reports' longitudes and latitudes: their mean position is lon_sum / n, lat_sum / n.
    lon_sum = models.FloatField(default=0)
    lat_sum = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "ix", "iy", "kind", "category", "status_group", "month"], name="heatcell_key"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.grid}/{self.ix}/{self.iy} {self.kind} {self.category_id} {self.status_group} {self.month}: {self.n}"
        )


# MapCell.category_id of the rows that hold every public category together.
PUBLIC_CATEGORIES = 0


class MapCell(models.Model):
    """What the public map shows per cell and category: open reports and reports solved since
    CellState.solved_since (the map keeps solved reports MAPS_RECENTLY_SOLVED_DAYS after their last change).

    No month and no kind: city-wide clusters read one row per cell and group (category 0), or per cell, category
    and group when the map filters on a category.
    """

    grid = models.PositiveSmallIntegerField()
    ix = models.IntegerField()
    iy = models.IntegerField()
    # A category's id, or 0 (PUBLIC_CATEGORIES) for every category shown publicly together: the map without a
    # category filter reads one row per cell and group. A trigger on reports_category keeps those rows when a
    # category's is_public changes.
    category_id = models.BigIntegerField()
    status_group = models.CharField(max_length=10, choices=StatusGroup.choices)
    n = models.IntegerField(default=0)
    lon_sum = models.FloatField(default=0)
    lat_sum = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "ix", "iy", "category_id", "status_group"], name="mapcell_key")
        ]

    def __str__(self) -> str:
        return f"{self.grid}/{self.ix}/{self.iy} {self.category_id} {self.status_group}: {self.n}"


class CellState(models.Model):
    """One row (id 1) the triggers read: which grids are stored, the time zone of months, and since when a solved
    report counts in MapCell. Written by the migration, the rebuild (grids, time zone) and the map sweep."""

    grids = ArrayField(models.PositiveSmallIntegerField())  # grid.GRIDS when last rebuilt
    time_zone = models.CharField(max_length=60)
    solved_since = models.DateTimeField()

    def __str__(self) -> str:
        return f"grids {self.grids}, {self.time_zone}, solved since {self.solved_since:%Y-%m-%d %H:%M}"
