from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _


class Fold(models.Func):
    """A street name as search compares it: lower case, accents off, punctuation turned into single spaces.

    `geocoding_fold` is an IMMUTABLE SQL wrapper around unaccent (created by migration 0001), so PostgreSQL can
    keep it in a generated column and index it; the query side folds the typed text with the same function.
    """

    function = "geocoding_fold"
    output_field = models.CharField()


class Address(models.Model):
    """A known address with its position: what the local geocoder searches and names.

    `housenumber` is one number ("12", "12A"), a stretch of the street ("1-59", both ends included) or blank
    for the street as a whole. Rows are matched by street, house number and postcode when reference data is
    loaded again.
    """

    street = models.CharField(_("street"), max_length=200)
    housenumber = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    municipality = models.CharField(_("municipality"), max_length=100)
    # Geography, like reports: ST_DWithin in metres on the GiST index for reverse geocoding.
    point = models.PointField(geography=True, srid=4326)
    approximate = models.BooleanField(default=False, help_text=_("Demo position, not a surveyed one."))
    source = models.CharField(max_length=300, blank=True)
    # Kept by PostgreSQL, so no writer (loader, admin, import) can forget it; trigram-indexed for search.
    street_folded = models.GeneratedField(
        expression=Fold(models.F("street")), output_field=models.CharField(max_length=200), db_persist=True
    )

    class Meta:
        ordering = ["street", "housenumber"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(fields=["street", "housenumber", "postcode"], name="address_unique"),
        ]
        indexes = [
            GinIndex(fields=["street_folded"], opclasses=["gin_trgm_ops"], name="address_street_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.housenumber}".strip() + f", {self.postcode} {self.municipality}"
