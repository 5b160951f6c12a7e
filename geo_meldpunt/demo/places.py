"""Where demo reports lie: hotspots that lean towards the centre, points drawn around them, only inside the territory.

Real reports cluster (a dumping spot, a dark street, the busy centre), so a uniform spread would flatter every
map and benchmark. PostGIS decides which points are inside, for a whole batch in one query; no geometry is
ever looped over in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import Zone, ZoneType, zone_valid_on_sql

from .tunables import (
    DEMO_BACKGROUND_SHARE,
    DEMO_CITY_CENTRE,
    DEMO_COORD_DECIMALS,
    DEMO_HOTSPOT_SIGMA_M,
    DEMO_HOTSPOTS,
    DEMO_HOTSPOTS_IN_CENTRE,
    METRES_PER_DEGREE_LAT,
)

BBox = tuple[float, float, float, float]

# One statement per batch: the GiST index on zones_zonepart finds the few parts near each point, ST_Covers
# (not contains: a point on a shared border lies in both zones) settles it. Only points inside a territory
# zone come back, with the sorted ids of every zone valid today that covers them.
COVERING_SQL = f"""
SELECT p.i, array_agg(DISTINCT zp.zone_id ORDER BY zp.zone_id)
FROM unnest(%(lon)s::float8[], %(lat)s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
JOIN zones_zonepart zp ON ST_Covers(zp.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
JOIN zones_zone z ON z.id = zp.zone_id
WHERE {zone_valid_on_sql("z")}
GROUP BY p.i
HAVING bool_or(zp.zone_type = 'territory')
ORDER BY p.i
"""


@dataclass(frozen=True)
class Hotspots:
    """Where reports cluster, and how strongly; drawn once per run."""

    spots: np.ndarray  # (H, 5): lon, lat, sigma_lon, sigma_lat (degrees), category index
    p: np.ndarray  # chance of each of the H hotspots, then of the uniform background


def covering(lon: np.ndarray, lat: np.ndarray, day: dt.date) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Indexes of the points inside the territory, and the zone ids covering each of them."""
    with connection.cursor() as cursor:
        cursor.execute(COVERING_SQL, {"lon": lon.tolist(), "lat": lat.tolist(), "day": day})
        rows = cursor.fetchall()
    idx = np.fromiter((r[0] - 1 for r in rows), dtype=np.int64, count=len(rows))
    return idx, [tuple(r[1]) for r in rows]


def extent(zones: QuerySet[Zone]) -> BBox:
    """The bounding box (xmin, ymin, xmax, ymax) of these zones, in degrees."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM zones_zone "
            "WHERE id = ANY(%s)) s",
            [list(zones.values_list("id", flat=True))],
        )
        xmin, ymin, xmax, ymax = cursor.fetchone()
    return float(xmin), float(ymin), float(xmax), float(ymax)


def hotspots_place(
    rng: np.random.Generator,
    *,
    day: dt.date,
    zones: dict[int, routing.CoveringZone],
    bbox: BBox,
    category_p: np.ndarray,
) -> Hotspots:
    """DEMO_HOTSPOTS hotspots inside the territory, part of them in the centre zone, each with a category."""
    centre = _centre_zone(day, zones)
    in_centre = 0
    lon_c = lat_c = np.empty(0)
    if centre is not None:  # a city without a zone around DEMO_CITY_CENTRE spreads all hotspots
        in_centre = round(DEMO_HOTSPOTS * DEMO_HOTSPOTS_IN_CENTRE)
        lon_c, lat_c = _sample_inside(rng, in_centre, extent(Zone.objects.filter(pk=centre)), day, centre)
    lon_t, lat_t = _sample_inside(rng, DEMO_HOTSPOTS - in_centre, bbox, day, None)
    lon = np.concatenate([lon_c, lon_t])
    lat = np.concatenate([lat_c, lat_t])
    lo, hi = np.log(DEMO_HOTSPOT_SIGMA_M[0]), np.log(DEMO_HOTSPOT_SIGMA_M[1])
    sigma_m = np.exp(rng.uniform(lo, hi, size=len(lon)))
    sigma_lat = sigma_m / METRES_PER_DEGREE_LAT
    sigma_lon = sigma_m / (METRES_PER_DEGREE_LAT * np.cos(np.radians(lat)))
    category = rng.choice(len(category_p), size=len(lon), p=category_p)
    spots = np.column_stack([lon, lat, sigma_lon, sigma_lat, category])
    # Some spots draw many more reports than others; the centre draws the most.
    intensity = rng.lognormal(0.0, 0.6, size=len(lon))
    intensity[:in_centre] *= 2.0
    intensity *= (1 - DEMO_BACKGROUND_SHARE) / intensity.sum()
    return Hotspots(spots=spots, p=np.append(intensity, DEMO_BACKGROUND_SHARE))


def points_draw(
    rng: np.random.Generator, *, count: int, hotspots: Hotspots, bbox: BBox, day: dt.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, ...]], int]:
    """`count` points inside the territory: (lon, lat, hotspot index or -1, zone sets, candidates drawn)."""
    lons, lats, spots, sets = [], [], [], []
    found = drawn = 0
    h = len(hotspots.spots)
    for _attempt in range(100):
        if found >= count:
            break
        m = int((count - found) * 1.3) + 16
        spot = rng.choice(h + 1, size=m, p=hotspots.p)
        spot[spot == h] = -1
        lon = rng.uniform(bbox[0], bbox[2], size=m)
        lat = rng.uniform(bbox[1], bbox[3], size=m)
        near = spot >= 0
        hs = hotspots.spots[spot[near]]
        lon[near] = hs[:, 0] + rng.normal(size=near.sum()) * hs[:, 2]
        lat[near] = hs[:, 1] + rng.normal(size=near.sum()) * hs[:, 3]
        lon, lat = _round(lon), _round(lat)
        idx, zone_sets = covering(lon, lat, day)
        lons.append(lon[idx])
        lats.append(lat[idx])
        spots.append(spot[idx])
        sets.extend(zone_sets)
        found += len(idx)
        drawn += m
    if found < count:
        raise ApplicationError("Too few demo points fall inside the territory.")
    return (
        np.concatenate(lons)[:count],
        np.concatenate(lats)[:count],
        np.concatenate(spots)[:count],
        sets[:count],
        drawn,
    )


def _centre_zone(day: dt.date, zones: dict[int, routing.CoveringZone]) -> int | None:
    """The most specific zone (wijk, then deelgemeente) covering the historic centre, if any."""
    lon, lat = DEMO_CITY_CENTRE
    idx, zone_sets = covering(np.array([lon]), np.array([lat]), day)
    if not len(idx):
        return None
    for zone_type in (ZoneType.WIJK, ZoneType.DEELGEMEENTE):
        for zone_id in zone_sets[0]:
            if zones[zone_id].zone_type == zone_type:
                return zone_id
    return None


def _sample_inside(
    rng: np.random.Generator, n: int, bbox: BBox, day: dt.date, zone_id: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """`n` uniform points in `bbox` inside the territory (and inside `zone_id` when given)."""
    if n <= 0:
        return np.empty(0), np.empty(0)
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    found = 0
    for _attempt in range(100):
        if found >= n:
            break
        lon = _round(rng.uniform(bbox[0], bbox[2], size=max(4 * n, 64)))
        lat = _round(rng.uniform(bbox[1], bbox[3], size=max(4 * n, 64)))
        idx, zone_sets = covering(lon, lat, day)
        if zone_id is not None:
            idx = idx[[zone_id in zs for zs in zone_sets]] if len(idx) else idx
        lons.append(lon[idx])
        lats.append(lat[idx])
        found += len(idx)
    if found < n:
        raise ApplicationError("Could not place demo hotspots inside the territory.")
    return np.concatenate(lons)[:n], np.concatenate(lats)[:n]


def _round(values: np.ndarray) -> np.ndarray:
    return np.round(values, DEMO_COORD_DECIMALS)
