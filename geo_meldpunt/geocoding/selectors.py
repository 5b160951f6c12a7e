"""Reads of the address table. Spatial filters use the GiST index on the geography column, name search the
trigram index on the folded street name."""

from __future__ import annotations

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.zones.models import Zone, ZonePart, ZoneType

from .models import Address, Fold


def addresses_in_city() -> QuerySet[Address]:
    """Addresses inside a territory zone valid today: an official register may also hold the neighbours' streets.

    covers, not contains: an address on the border belongs to the city.
    """
    territory = ZonePart.objects.filter(
        zone_type=ZoneType.TERRITORY,
        zone__in=Zone.objects.valid_on(timezone.localdate()),
        geom__covers=Cast(OuterRef("point"), GeometryField(srid=WGS84)),
    )
    return Address.objects.filter(Exists(territory))


def address_streets_matching(*, text: str, limit: int) -> list[tuple[str, str]]:
    """(street, postcode) of the streets whose name matches `text` best, at most `limit`.

    Matching ignores case, accents and punctuation (both sides go through geocoding_fold). A street matches when
    its name contains the text; only when none does, streets with a part that looks like it (pg_trgm word
    similarity, which forgives a typo: "kapelstraat"). Ranked: the exact name, then names starting with the text,
    then by word similarity, then by similarity of the whole name (so "kerk" puts Kerkstraat before longer names
    holding "kerk").
    """
    folded = Fold(Value(text))
    rows = (
        addresses_in_city()
        .filter(Q(street_folded__contains=folded) | Q(street_folded__trigram_word_similar=folded))
        .annotate(
            exact=Case(When(street_folded=folded, then=Value(1)), default=Value(0), output_field=IntegerField()),
            prefix=Case(
                When(street_folded__startswith=folded, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            contains=Case(
                When(street_folded__contains=folded, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            # The stubs say str; Django takes any expression here.
            word_similarity=TrigramWordSimilarity(folded, "street_folded"),  # type: ignore[arg-type]
            similarity=TrigramSimilarity("street_folded", folded),  # type: ignore[arg-type]
        )
        .order_by("-exact", "-prefix", "-contains", "-word_similarity", "-similarity", "street", "postcode")
        .values_list("street", "postcode", "contains", "exact", "prefix", "word_similarity", "similarity")
        .distinct()[:limit]
    )
    # Containing names sort first: when there are any, the merely similar ones are noise ("Kapellestraat" would
    # also bring Verstellestraat).
    any_contains = any(contains for _street, _postcode, contains, *_rank in rows)
    return [(street, postcode) for street, postcode, contains, *_rank in rows if contains or not any_contains]


def addresses_on_streets(streets: list[tuple[str, str]]) -> list[Address]:
    """Every known address of these (street, postcode) pairs, in one query."""
    if not streets:
        return []
    which = Q()
    for street, postcode in streets:
        which |= Q(street=street, postcode=postcode)
    return list(addresses_in_city().filter(which).order_by("street", "postcode", "id"))


def address_nearest(*, point: Point, radius_m: float) -> Address | None:
    """The nearest address within `radius_m` metres, with `distance` (metres on the spheroid).

    ST_DWithin on geography uses the spatial index; ordering by distance then only sorts those few rows.
    """
    return (
        addresses_in_city()
        .filter(point__dwithin=(point, D(m=radius_m)))
        .annotate(distance=Distance("point", point))
        .order_by("distance", "id")
        .first()
    )
