"""Demo reports in bulk: clustered like real ones, routed exactly like live ones, inserted with COPY.

A million reports must take minutes, not hours, so nothing here goes through `report_create` row by row.
What each report would get from it is reproduced in bulk instead:

- PostGIS answers which zones cover each point, for a whole batch in one query (ST_Covers on the subdivided
  `ZonePart` table); points outside the territory are drawn again.
- `routing.decide` (pure) turns category + covering zones into the department, zone, rule and reason that
  `report_create` stores. A decision depends only on the category and the set of zones, so it is computed once
  per pair (a few hundred pairs for a million reports).
- References are reserved per year with `reference_reserve`, numbered in `created_at` order, in the
  transaction that inserts them, so live reports created meanwhile never collide and a failed batch leaves
  no gap.
- Reports and their 'created' event go in with COPY, one transaction per batch.

What differs from live data, on purpose: routing uses the zones and rules in force today (as `route` does),
not those of the report's own date; a report's history holds only its 'created' event, whatever its status;
and while a batch is written (about a second for 50,000) the reference counters of its years stay locked,
so a live report created at that moment waits for the batch to commit. The texts are in demo_texts.py.

Demo reports are recognised by their tracking token, which starts with DEMO_TOKEN_PREFIX ('-' is in the
token alphabet, so the prefix leaves a token as unguessable as a live one: 144 random bits follow it).
Contact details are fake: a fraction carries an address at example.org, reserved for examples (RFC 2606).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import ZONE_TYPE_SPECIFICITY, Department, RoutingRule, Zone, ZonePart, ZoneType

from .demo_texts import description_texts, topics_for
from .models import PUBLIC_CHANNELS, Category, Channel, Kind, Report, ReportEvent, Status
from .references import format_reference, reference_reserve
from .services import KINDS_NEEDING_EMAIL, reports_deadlines_fill

# --- Tunables ---------------------------------------------------------------------------------------------
# Tracking tokens of demo reports start with this; `demo_report_count` and --ensure count on it.
DEMO_TOKEN_PREFIX = "demo-"
# Staff account that enters the demo reports of staff-only channels (phone, field, desk...), as report_create
# requires a logged-in staff member for those. It has no usable password.
DEMO_STAFF_USERNAME = "demo-medewerker"
# Wapenplein, the historic centre (lon, lat): hotspots lean towards the zone that covers it.
DEMO_CITY_CENTRE = (2.9196, 51.2297)
DEMO_HOTSPOTS = 40
# Share of hotspots placed in the centre zone; the others fall anywhere in the territory.
DEMO_HOTSPOTS_IN_CENTRE = 0.4
# Spread (one standard deviation) of a hotspot, drawn log-uniformly between these (metres).
DEMO_HOTSPOT_SIGMA_M = (50.0, 400.0)
# Share of reports spread uniformly over the territory rather than around a hotspot.
DEMO_BACKGROUND_SHARE = 0.2
# Chance that a report near a hotspot has the hotspot's own category (a dumping spot, a dark street).
DEMO_HOTSPOT_CATEGORY_SHARE = 0.4
DEMO_HISTORY_DAYS = 730
DEMO_BATCH_SIZE = 50_000
# Coordinates are rounded to 1e-7 degree (about 1 cm): the routed point is exactly the stored one.
DEMO_COORD_DECIMALS = 7

METRES_PER_DEGREE_LAT = 111_320.0

KIND_WEIGHTS: dict[str, float] = {Kind.MELDING: 0.85, Kind.KLACHT: 0.07, Kind.SUGGESTIE: 0.05, Kind.COMPLIMENT: 0.03}
# Community wardens and the phone desk bring in a large share (DOMAIN.md: 1,786 of 6,494 in the first year).
CHANNEL_WEIGHTS: dict[str, float] = {
    Channel.WEB: 0.44,
    Channel.API: 0.05,
    Channel.PHONE: 0.15,
    Channel.FIELD: 0.20,
    Channel.STAFF: 0.06,
    Channel.EMAIL: 0.06,
    Channel.DESK: 0.03,
    Channel.POST: 0.01,
}
# Chance that the reporter left an e-mail address, per channel (a complaint or an e-mail always has one).
EMAIL_SHARE: dict[str, float] = {Channel.WEB: 0.5, Channel.API: 0.4}
EMAIL_SHARE_OTHER = 0.1
IMPACT_WEIGHTS = (0.12, 0.25, 0.33, 0.19, 0.11)
# Reports per hour of the local day: few at night, a peak in the morning rounds and after work.
HOUR_WEIGHTS = (1, 0.5, 0.3, 0.3, 0.4, 1, 3, 6, 9, 10, 10, 9, 8, 8, 9, 9, 9, 8, 8, 7, 6, 4, 3, 2)
# Status by age: recent reports are open, old ones mostly answered or closed. (upper bound in days, weights)
STATUS_BY_AGE = (
    (2, {Status.NIEUW: 0.6, Status.ONTVANGEN: 0.35, Status.IN_BEHANDELING: 0.05}),
    (
        14,
        {
            Status.NIEUW: 0.05,
            Status.ONTVANGEN: 0.25,
            Status.IN_BEHANDELING: 0.4,
            Status.WACHT_OP_MELDER: 0.08,
            Status.DOORVERWEZEN: 0.07,
            Status.BEANTWOORD: 0.1,
            Status.AFGESLOTEN: 0.05,
        },
    ),
    (
        60,
        {
            Status.ONTVANGEN: 0.03,
            Status.IN_BEHANDELING: 0.2,
            Status.WACHT_OP_MELDER: 0.05,
            Status.DOORVERWEZEN: 0.05,
            Status.BEANTWOORD: 0.27,
            Status.AFGESLOTEN: 0.35,
            Status.SAMENGEVOEGD: 0.03,
            Status.NIET_ONTVANKELIJK: 0.01,
            Status.HEROPEND: 0.01,
        },
    ),
    (
        None,
        {
            Status.IN_BEHANDELING: 0.03,
            Status.WACHT_OP_MELDER: 0.01,
            Status.DOORVERWEZEN: 0.01,
            Status.BEANTWOORD: 0.14,
            Status.AFGESLOTEN: 0.73,
            Status.SAMENGEVOEGD: 0.05,
            Status.NIET_ONTVANKELIJK: 0.015,
            Status.DOORGEGEVEN: 0.005,
            Status.HEROPEND: 0.01,
        },
    ),
)

Progress = Callable[[int, int, float], None]


@dataclass
class GenerateResult:
    created: int = 0
    drawn: int = 0
    seconds: float = 0.0
    per_year: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def demo_report_count() -> int:
    # LIKE 'demo-%' is a range scan on the tracking token's varchar_pattern_ops index.
    return Report.objects.filter(tracking_token__startswith=DEMO_TOKEN_PREFIX).count()


def reports_ensure(
    *, total: int, seed: int | None = None, batch_size: int = DEMO_BATCH_SIZE, progress: Progress | None = None
) -> GenerateResult:
    """Add demo reports until there are `total`; a second call with the same total adds nothing."""
    missing = total - demo_report_count()
    if missing <= 0:
        return GenerateResult()
    return reports_generate(count=missing, seed=seed, batch_size=batch_size, progress=progress)


def reports_generate(
    *, count: int, seed: int | None = None, batch_size: int = DEMO_BATCH_SIZE, progress: Progress | None = None
) -> GenerateResult:
    """Insert `count` demo reports with their 'created' events; one transaction per batch.

    Needs reference data: a territory zone, active categories and departments for them to route to.
    Created_at spans the last DEMO_HISTORY_DAYS days; each batch takes the next slice in time, so references
    follow created_at order within a run.
    """
    started = time.perf_counter()
    result = GenerateResult()
    if count <= 0:
        return result
    rng = np.random.default_rng(seed)
    now = timezone.now()
    world = _World.load(rng)
    created_s = _created_at(rng, count, now)
    for start in range(0, count, batch_size):
        stamps = created_s[start : start + batch_size]
        with transaction.atomic():
            drawn, per_year = _batch_insert(rng, world, stamps, now)
        result.created += len(stamps)
        result.drawn += drawn
        for year, n in per_year.items():
            result.per_year[year] = result.per_year.get(year, 0) + n
        if progress:
            progress(result.created, count, time.perf_counter() - started)
    # COPY bypasses report_create: store the deadlines it would have set, in one set-based UPDATE.
    reports_deadlines_fill()
    result.seconds = time.perf_counter() - started
    return result


# --- Reference data, loaded once per run -----------------------------------------------------------------


@dataclass
class _World:
    categories: list[Category]
    category_p: np.ndarray
    kinds: list[tuple[list[str], np.ndarray]]
    topics: list[tuple[str, ...]]
    zones: dict[int, routing.CoveringZone]
    rules: list[RoutingRule]
    coordinator: Department | None
    staff_user_id: int
    bbox: tuple[float, float, float, float]
    hotspots: np.ndarray  # (H, 5): lon, lat, sigma_lon, sigma_lat (degrees), category index
    hotspot_p: np.ndarray  # H hotspots + background
    day: dt.date
    decisions: dict[tuple[int, tuple[int, ...]], tuple[int, int | None, int | None, str, bool]] = field(
        default_factory=dict
    )

    @classmethod
    def load(cls, rng: np.random.Generator) -> _World:
        day = timezone.localdate()
        territory = Zone.objects.valid_on(day).filter(zone_type=ZoneType.TERRITORY)
        if not territory.exists():
            raise ApplicationError("No territory zone: load the reference data first (manage.py load_reference_data).")
        categories = [
            c
            for c in Category.objects.filter(active=True).select_related("parent", "department").order_by("id")
            if c.kinds
        ]
        if not categories:
            raise ApplicationError("No active category: load the reference data first.")
        # Leaves carry most reports; a parent is used when the reporter did not know which child fits.
        has_children = {c.parent_id for c in categories if c.parent_id}
        weights = rng.gamma(1.5, size=len(categories)) + 0.05
        # A category that takes only suggestions or complaints draws as few reports as those kinds do.
        weights *= [
            (0.15 if c.id in has_children else 1.0)
            * (1.0 if c.is_public else 0.3)
            * sum(KIND_WEIGHTS.get(k, 0.05) for k in set(c.kinds))
            for c in categories
        ]
        kinds = []
        for c in categories:
            accepted = [k for k in KIND_WEIGHTS if k in c.kinds] or list(c.kinds)
            p = np.array([KIND_WEIGHTS.get(k, 0.05) for k in accepted])
            kinds.append(([str(k) for k in accepted], p / p.sum()))
        zone_types = dict(ZonePart.objects.values_list("zone_id", "zone_type").distinct())
        zones = {
            z.id: routing.CoveringZone(z.id, z.slug, z.name, zone_types.get(z.id, z.zone_type))
            for z in Zone.objects.valid_on(day)
        }
        # The same rules `candidate_rules` would fetch; `choose_rule` keeps those that apply to each report.
        rules = list(
            RoutingRule.objects.filter(active=True, department__active=True).select_related("department", "zone")
        )
        try:
            coordinator = routing.coordinator()
        except Department.DoesNotExist:
            coordinator = None  # `decide` raises only if a report really needs the coordinator
        staff_user = _demo_staff_user()
        xmin, ymin, xmax, ymax = _extent(territory)
        world = cls(
            categories=categories,
            category_p=weights / weights.sum(),
            kinds=kinds,
            topics=[topics_for(c) for c in categories],
            zones=zones,
            rules=rules,
            coordinator=coordinator,
            staff_user_id=staff_user.pk,
            bbox=(xmin, ymin, xmax, ymax),
            hotspots=np.empty((0, 5)),
            hotspot_p=np.ones(1),
            day=day,
        )
        world._place_hotspots(rng)
        return world

    def _place_hotspots(self, rng: np.random.Generator) -> None:
        centre = _centre_zone(self.day, self.zones)
        in_centre = 0
        lon_c = lat_c = np.empty(0)
        if centre is not None:  # a city without a zone around DEMO_CITY_CENTRE spreads all hotspots
            in_centre = round(DEMO_HOTSPOTS * DEMO_HOTSPOTS_IN_CENTRE)
            lon_c, lat_c = self._sample_inside(rng, in_centre, _extent(Zone.objects.filter(pk=centre)), centre)
        lon_t, lat_t = self._sample_inside(rng, DEMO_HOTSPOTS - in_centre, self.bbox, None)
        lon = np.concatenate([lon_c, lon_t])
        lat = np.concatenate([lat_c, lat_t])
        lo, hi = np.log(DEMO_HOTSPOT_SIGMA_M[0]), np.log(DEMO_HOTSPOT_SIGMA_M[1])
        sigma_m = np.exp(rng.uniform(lo, hi, size=len(lon)))
        sigma_lat = sigma_m / METRES_PER_DEGREE_LAT
        sigma_lon = sigma_m / (METRES_PER_DEGREE_LAT * np.cos(np.radians(lat)))
        category = rng.choice(len(self.categories), size=len(lon), p=self.category_p)
        self.hotspots = np.column_stack([lon, lat, sigma_lon, sigma_lat, category])
        # Some spots draw many more reports than others; the centre draws the most.
        intensity = rng.lognormal(0.0, 0.6, size=len(lon))
        intensity[:in_centre] *= 2.0
        intensity *= (1 - DEMO_BACKGROUND_SHARE) / intensity.sum()
        self.hotspot_p = np.append(intensity, DEMO_BACKGROUND_SHARE)

    def _sample_inside(
        self, rng: np.random.Generator, n: int, bbox: tuple[float, float, float, float], zone_id: int | None
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
            idx, zone_sets = _covering(lon, lat, self.day)
            if zone_id is not None:
                idx = idx[[zone_id in zs for zs in zone_sets]] if len(idx) else idx
            lons.append(lon[idx])
            lats.append(lat[idx])
            found += len(idx)
        if found < n:
            raise ApplicationError("Could not place demo hotspots inside the territory.")
        return np.concatenate(lons)[:n], np.concatenate(lats)[:n]

    def decision(self, category_index: int, zone_set: tuple[int, ...]) -> tuple[int, int | None, int | None, str, bool]:
        """(department id, zone id, rule id, reason, department is external), as report_create would store."""
        key = (category_index, zone_set)
        found = self.decisions.get(key)
        if found is None:
            # The same order as routing.covering_zones: decide() records the first zone of a type it needs.
            zones = sorted((self.zones[z] for z in zone_set), key=lambda z: (-ZONE_TYPE_SPECIFICITY[z.zone_type], z.id))
            with translation.override(settings.LANGUAGE_CODE):
                d = routing.decide(
                    self.categories[category_index],
                    zones,
                    self.rules,
                    located=True,
                    coordinator_department=self.coordinator,
                )
            found = (d.department.pk, d.zone_id, d.rule.pk if d.rule else None, d.reason, d.department.is_external)
            self.decisions[key] = found
        return found


def _demo_staff_user():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_STAFF_USERNAME, defaults={"is_staff": True, "first_name": "Demo", "last_name": "Medewerker"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _extent(zones) -> tuple[float, float, float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM zones_zone "
            "WHERE id = ANY(%s)) s",
            [list(zones.values_list("id", flat=True))],
        )
        xmin, ymin, xmax, ymax = cursor.fetchone()
    return float(xmin), float(ymin), float(xmax), float(ymax)


def _centre_zone(day: dt.date, zones: dict[int, routing.CoveringZone]) -> int | None:
    """The most specific zone (wijk, then deelgemeente) covering the historic centre, if any."""
    lon, lat = DEMO_CITY_CENTRE
    idx, zone_sets = _covering(np.array([lon]), np.array([lat]), day)
    if not len(idx):
        return None
    for zone_type in (ZoneType.WIJK, ZoneType.DEELGEMEENTE):
        for zone_id in zone_sets[0]:
            if zones[zone_id].zone_type == zone_type:
                return zone_id
    return None


def _round(values: np.ndarray) -> np.ndarray:
    return np.round(values, DEMO_COORD_DECIMALS)


# --- Spatial work, in bulk -----------------------------------------------------------------------------------

# One statement per batch: the GiST index on zones_zonepart finds the few parts near each point, ST_Covers
# (not contains: a point on a shared border lies in both zones) settles it. Only points inside a territory
# zone come back, with the sorted ids of every zone valid today that covers them.
COVERING_SQL = """
SELECT p.i, array_agg(DISTINCT zp.zone_id ORDER BY zp.zone_id)
FROM unnest(%(lon)s::float8[], %(lat)s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
JOIN zones_zonepart zp ON ST_Covers(zp.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
JOIN zones_zone z ON z.id = zp.zone_id
WHERE (z.valid_from IS NULL OR z.valid_from <= %(day)s) AND (z.valid_to IS NULL OR z.valid_to > %(day)s)
GROUP BY p.i
HAVING bool_or(zp.zone_type = 'territory')
ORDER BY p.i
"""


def _covering(lon: np.ndarray, lat: np.ndarray, day: dt.date) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Indexes of the points inside the territory, and the zone ids covering each of them."""
    with connection.cursor() as cursor:
        cursor.execute(COVERING_SQL, {"lon": lon.tolist(), "lat": lat.tolist(), "day": day})
        rows = cursor.fetchall()
    idx = np.fromiter((r[0] - 1 for r in rows), dtype=np.int64, count=len(rows))
    return idx, [tuple(r[1]) for r in rows]


def _draw_points(rng: np.random.Generator, world: _World, n: int):
    """`n` points inside the territory: (lon, lat, hotspot index or -1, zone sets, candidates drawn)."""
    lons, lats, spots, sets = [], [], [], []
    found = drawn = 0
    h = len(world.hotspots)
    for _attempt in range(100):
        if found >= n:
            break
        m = int((n - found) * 1.3) + 16
        spot = rng.choice(h + 1, size=m, p=world.hotspot_p)
        spot[spot == h] = -1
        lon = rng.uniform(world.bbox[0], world.bbox[2], size=m)
        lat = rng.uniform(world.bbox[1], world.bbox[3], size=m)
        near = spot >= 0
        hs = world.hotspots[spot[near]]
        lon[near] = hs[:, 0] + rng.normal(size=near.sum()) * hs[:, 2]
        lat[near] = hs[:, 1] + rng.normal(size=near.sum()) * hs[:, 3]
        lon, lat = _round(lon), _round(lat)
        idx, zone_sets = _covering(lon, lat, world.day)
        lons.append(lon[idx])
        lats.append(lat[idx])
        spots.append(spot[idx])
        sets.extend(zone_sets)
        found += len(idx)
        drawn += m
    if found < n:
        raise ApplicationError("Too few demo points fall inside the territory.")
    return np.concatenate(lons)[:n], np.concatenate(lats)[:n], np.concatenate(spots)[:n], sets[:n], drawn


# --- Time -------------------------------------------------------------------------------------------------------


def _created_at(rng: np.random.Generator, n: int, now: dt.datetime) -> np.ndarray:
    """Sorted creation times (epoch seconds) over the last DEMO_HISTORY_DAYS days, by local hour of day.

    The rate grows linearly to double over the period (the meldpunt gets better known): inverse CDF of
    f(x) ~ 1 + x on [0, 1]. Days are counted as 86,400 s from a local midnight, so across a DST change the
    hour profile shifts by one hour: irrelevant for demo data.
    """
    tz = timezone.get_default_timezone()
    first_day = timezone.localtime(now, tz).date() - dt.timedelta(days=DEMO_HISTORY_DAYS)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz).timestamp()
    x = -1.0 + np.sqrt(1.0 + 3.0 * rng.random(n))
    day = np.minimum(np.floor(x * (DEMO_HISTORY_DAYS + 1)), DEMO_HISTORY_DAYS)
    hours = np.array(HOUR_WEIGHTS, dtype=float)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    stamps = start + day * 86_400 + hour * 3_600 + rng.uniform(0, 3_600, size=n)
    now_s = now.timestamp()
    late = stamps > now_s  # today's hours still to come: earlier today instead
    stamps[late] = now_s - rng.uniform(60, 6 * 3_600, size=late.sum())
    return np.sort(np.round(stamps, 6))


def _local_years(stamps: np.ndarray) -> np.ndarray:
    """The local calendar year of each time, the year its reference carries."""
    tz = timezone.get_default_timezone()
    first = dt.datetime.fromtimestamp(stamps.min(), tz).year
    last = dt.datetime.fromtimestamp(stamps.max(), tz).year
    years = np.arange(first, last + 1)
    starts = np.array([dt.datetime(int(y), 1, 1, tzinfo=tz).timestamp() for y in years[1:]])
    return years[np.searchsorted(starts, stamps, side="right")]


def _iso(stamps: np.ndarray) -> list[str]:
    micro = np.round(stamps * 1e6).astype("datetime64[us]")
    return [s + "+00" for s in np.datetime_as_string(micro, unit="us")]


def _status(rng: np.random.Generator, age_days: np.ndarray) -> np.ndarray:
    statuses = np.empty(len(age_days), dtype=object)
    lower = -np.inf
    for upper, weights in STATUS_BY_AGE:
        mask = (age_days >= lower) & (age_days < (np.inf if upper is None else upper))
        names = [str(s) for s in weights]
        p = np.array(list(weights.values()))
        statuses[mask] = rng.choice(names, size=mask.sum(), p=p / p.sum())
        lower = upper if upper is not None else lower
    return statuses


# --- One batch ----------------------------------------------------------------------------------------------

REPORT_COLUMNS = (
    "id, created_at, updated_at, reference, kind, point, address, description, impact, channel, language, status, "
    "reporter_name, reporter_email, reporter_phone, routing_reason, tracking_token, category_id, created_by_id, "
    "department_id, routing_rule_id, zone_id"
)
EVENT_COLUMNS = "created_at, event_type, from_status, to_status, note, public, actor_id, department_id, report_id"


def _batch_insert(
    rng: np.random.Generator, world: _World, stamps: np.ndarray, now: dt.datetime
) -> tuple[int, dict[int, int]]:
    """Draw, route and COPY one batch of reports (sorted `stamps`). Call inside a transaction."""
    n = len(stamps)
    lon, lat, spot, zone_sets, drawn = _draw_points(rng, world, n)

    # Category: the hotspot's own one for part of the reports near it, otherwise the city-wide mix.
    cat = rng.choice(len(world.categories), size=n, p=world.category_p)
    own = (spot >= 0) & (rng.random(n) < DEMO_HOTSPOT_CATEGORY_SHARE)
    cat[own] = world.hotspots[spot[own], 4].astype(np.int64)
    kind = np.empty(n, dtype=object)
    for c in np.unique(cat):
        mask = cat == c
        names, p = world.kinds[c]
        kind[mask] = rng.choice(names, size=mask.sum(), p=p)

    channels = [str(c) for c in CHANNEL_WEIGHTS]
    channel = rng.choice(channels, size=n, p=np.array(list(CHANNEL_WEIGHTS.values())))
    email_p = np.array([EMAIL_SHARE.get(c, EMAIL_SHARE_OTHER) for c in channel])
    has_email = (rng.random(n) < email_p) | (channel == Channel.EMAIL) | np.isin(kind, KINDS_NEEDING_EMAIL)
    mailbox = rng.integers(1, 1_000_000, size=n)
    impact = rng.choice(5, size=n, p=IMPACT_WEIGHTS) + 1

    now_s = now.timestamp()
    age_days = (now_s - stamps) / 86_400
    status = _status(rng, age_days)
    compliment = kind == Kind.COMPLIMENT
    status[compliment & (age_days >= 2)] = Status.AFGESLOTEN  # forwarded and thanked at once
    handled = np.minimum(stamps + rng.exponential(7 * 86_400, size=n), now_s)
    updated = np.where(status == Status.NIEUW, stamps, np.maximum(handled, stamps))

    routed = [world.decision(int(c), zs) for c, zs in zip(cat, zone_sets, strict=True)]
    external = np.fromiter((r[4] for r in routed), dtype=bool, count=n)
    status[external & (status == Status.IN_BEHANDELING)] = Status.DOORVERWEZEN

    descriptions = description_texts(rng, world.topics, cat, kind)
    created_iso, updated_iso = _iso(stamps), _iso(updated)
    staff_id = world.staff_user_id
    public_channels = {str(c) for c in PUBLIC_CHANNELS}

    per_year: dict[int, int] = {}
    years = _local_years(stamps)
    references: list[str] = []
    for year in np.unique(years):  # stamps are sorted, so each year is one run and numbers follow time
        k = int((years == year).sum())
        prefix, y, first = reference_reserve(count=k, year=int(year))
        references.extend(format_reference(prefix, y, first + j) for j in range(k))
        per_year[int(year)] = k

    # Plain Python values from here on: COPY and f-strings want floats and strs, not numpy scalars.
    lon_l, lat_l, impact_l, mailbox_l = lon.tolist(), lat.tolist(), impact.tolist(), mailbox.tolist()
    kind_l, status_l, channel_l, email_l = kind.tolist(), status.tolist(), channel.tolist(), has_email.tolist()
    category_ids = [world.categories[c].pk for c in cat.tolist()]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")  # demo data: losing the last batch on a crash is fine
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('reports_report', 'id')) FROM generate_series(1, %s)", [n]
        )
        ids = [r[0] for r in cursor.fetchall()]
        with cursor.copy(f"COPY reports_report ({REPORT_COLUMNS}) FROM STDIN") as copy:
            for i in range(n):
                department_id, zone_id, rule_id, reason, _external = routed[i]
                ch = channel_l[i]
                copy.write_row(
                    (
                        ids[i],
                        created_iso[i],
                        updated_iso[i],
                        references[i],
                        kind_l[i],
                        f"SRID=4326;POINT({lon_l[i]!r} {lat_l[i]!r})",
                        "",
                        descriptions[i],
                        impact_l[i],
                        ch,
                        "nl",
                        status_l[i],
                        "",
                        f"melder{mailbox_l[i]}@example.org" if email_l[i] else "",
                        "",
                        reason,
                        DEMO_TOKEN_PREFIX + secrets.token_urlsafe(18),
                        category_ids[i],
                        None if ch in public_channels else staff_id,
                        department_id,
                        rule_id,
                        zone_id,
                    )
                )
        with cursor.copy(f"COPY reports_reportevent ({EVENT_COLUMNS}) FROM STDIN") as copy:
            created_event = str(ReportEvent.Type.CREATED)
            for i in range(n):
                department_id, _zone_id, _rule_id, reason, _external = routed[i]
                copy.write_row(
                    (
                        created_iso[i],
                        created_event,
                        "",
                        str(Status.NIEUW),
                        reason,
                        True,
                        None if channel_l[i] in public_channels else staff_id,
                        department_id,
                        ids[i],
                    )
                )
    return drawn, per_year
