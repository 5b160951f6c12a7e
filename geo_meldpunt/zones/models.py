from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.utils.translation import gettext_lazy as _

from geo_meldpunt.core.models import TimeStampedModel, TranslatedNameModel


class Department(TranslatedNameModel, TimeStampedModel):
    """A city service that handles reports, or an external body the city forwards them to."""

    slug = models.SlugField(unique=True)
    is_external = models.BooleanField(
        _("external body"),
        default=False,
        help_text=_("Reports are forwarded; the reporter is told who took over."),
    )
    is_coordinator = models.BooleanField(
        _("meldpunt coordinator"), default=False, help_text=_("Receives what no routing rule covers.")
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class ZoneType(models.TextChoices):
    TERRITORY = "territory", _("territory")
    DEELGEMEENTE = "deelgemeente", _("deelgemeente")
    WIJK = "wijk", _("neighbourhood")
    BEACH = "beach", _("beach")
    PORT = "port", _("port")
    REGIONAL_ROAD = "regional_road", _("regional-road corridor")


# When a point lies in several zones and no rule names one, the report records the most specific:
# a wijk says more to a handler than "the territory".
ZONE_TYPE_SPECIFICITY: dict[str, int] = {
    ZoneType.REGIONAL_ROAD: 6,
    ZoneType.PORT: 5,
    ZoneType.BEACH: 4,
    ZoneType.WIJK: 3,
    ZoneType.DEELGEMEENTE: 2,
    ZoneType.TERRITORY: 1,
}


def zone_valid_on(day, *, prefix: str = "") -> models.Q:
    """Zones in force on `day`: valid_from on or before it (or none), valid_to after it (or none).

    `prefix` reaches a zone through a relation, e.g. "zone__" from a ZonePart.
    """
    return (models.Q(**{f"{prefix}valid_from__isnull": True}) | models.Q(**{f"{prefix}valid_from__lte": day})) & (
        models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gt": day})
    )


def zone_valid_on_sql(alias: str) -> str:
    """zone_valid_on in SQL, for statements written by hand: the zone table under `alias`, the day `%(day)s`."""
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %(day)s)"
        f" AND ({alias}.valid_to IS NULL OR {alias}.valid_to > %(day)s)"
    )


class ZoneQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(zone_valid_on(day))


class Zone(TimeStampedModel):
    """An area of the city. Lookups go through `ZonePart`, its subdivided copy."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    zone_type = models.CharField(max_length=20, choices=ZoneType.choices, db_index=True)
    geom = models.MultiPolygonField(srid=4326)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text=_("First day the zone no longer applies."))
    approximate = models.BooleanField(default=False, help_text=_("Demo geometry, not an official boundary."))
    source = models.CharField(max_length=300, blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["zone_type", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_zone_type_display()})"


class ZonePart(models.Model):
    """A piece of a zone from ST_Subdivide: few vertices each, so a covers test on the GiST index is cheap.

    Rebuilt by `zone_save` whenever a zone's geometry changes; never edited by hand.
    """

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="parts")
    zone_type = models.CharField(max_length=20, choices=ZoneType.choices)
    geom = models.PolygonField(srid=4326, spatial_index=False)

    class Meta:
        indexes = [GistIndex(fields=["geom"], name="zones_zonepart_geom_gist")]


class RoutingRule(TimeStampedModel):
    """Category (or its parent, or any) + place (a zone, a zone type, or anywhere) -> department.

    The highest priority wins; among equal priorities the most specific rule wins (see routing.py).
    """

    category = models.ForeignKey(
        "reports.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules"
    )
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules")
    zone_type = models.CharField(max_length=20, choices=ZoneType.choices, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="routing_rules")
    priority = models.IntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(zone__isnull=True) | models.Q(zone_type=""),
                name="routing_rule_zone_or_zone_type",
            )
        ]

    def __str__(self) -> str:
        place = self.zone.name if self.zone is not None else (self.zone_type or "*")
        cat = self.category.slug if self.category is not None else "*"
        return f"{cat} @ {place} -> {self.department.slug} ({self.priority})"
