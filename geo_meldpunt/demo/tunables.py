"""What demo data looks like: every tunable of the generator in one place, with its default.

These shape development data only, so they are module constants, not settings: a city never tunes them.
"""

from __future__ import annotations

from geo_meldpunt.reports.models import Channel, Kind, Status

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
