"""What each demo report in a batch says: category, kind, channel, contact, impact, status, route and text.

Everything is drawn for the whole batch at once with numpy; only the routing decision is looked up per report,
from the world's cache. Nothing is written here (see insert.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from geo_meldpunt.reports.models import PUBLIC_CHANNELS, Channel, Kind, Status
from geo_meldpunt.reports.services import KINDS_NEEDING_EMAIL

from .places import points_draw
from .texts import description_texts
from .timeline import iso, local_days, local_years, statuses
from .tunables import (
    CHANNEL_WEIGHTS,
    DEMO_HOTSPOT_CATEGORY_SHARE,
    EMAIL_SHARE,
    EMAIL_SHARE_OTHER,
    IMPACT_WEIGHTS,
)
from .world import Decision, Due, World


@dataclass(frozen=True)
class BatchRows:
    """One batch, one list per column, in created_at order.

    Plain Python values, not numpy scalars: COPY and f-strings want floats and strs.
    """

    years: list[int]  # the local year of each report, the year its reference carries
    created_at: list[str]
    updated_at: list[str]
    kinds: list[str]
    lons: list[float]
    lats: list[float]
    descriptions: list[str]
    impacts: list[int]
    channels: list[str]
    statuses: list[str]
    emails: list[str]
    category_ids: list[int]
    created_by_ids: list[int | None]
    routed: list[Decision]
    # (acknowledge_due, answer_due) from the local day of created_at, as report_create stores them.
    due: list[Due]
    drawn: int  # candidate points drawn, those outside the territory included


def batch_draw(rng: np.random.Generator, *, world: World, stamps: np.ndarray, now: dt.datetime) -> BatchRows:
    """Draw and route one batch of reports, created at the (sorted) `stamps`."""
    n = len(stamps)
    lon, lat, spot, zone_sets, drawn = points_draw(
        rng, count=n, hotspots=world.hotspots, bbox=world.bbox, day=world.day
    )

    # Category: the hotspot's own one for part of the reports near it, otherwise the city-wide mix.
    cat = rng.choice(len(world.categories), size=n, p=world.category_p)
    own = (spot >= 0) & (rng.random(n) < DEMO_HOTSPOT_CATEGORY_SHARE)
    cat[own] = world.hotspots.spots[spot[own], 4].astype(np.int64)
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
    status = statuses(rng, age_days)
    compliment = kind == Kind.COMPLIMENT
    status[compliment & (age_days >= 2)] = Status.AFGESLOTEN
    handled = np.minimum(stamps + rng.exponential(7 * 86_400, size=n), now_s)

    routed = [world.decision(int(c), zs) for c, zs in zip(cat, zone_sets, strict=True)]
    external = np.fromiter((r[4] for r in routed), dtype=bool, count=n)
    status[external & (status == Status.IN_BEHANDELING)] = Status.DOORVERWEZEN
    # A compliment follows its own flow: passed on as it comes in (report_create), unless it landed with the
    # coordinator, who passes it on by hand; closed after a couple of days.
    coordinator_id = world.coordinator.pk if world.coordinator is not None else None
    with_coordinator = np.fromiter((r[0] == coordinator_id for r in routed), dtype=bool, count=n)
    young = compliment & (age_days < 2)
    status[young] = np.where(with_coordinator[young], Status.NIEUW, Status.DOORGEGEVEN)
    updated = np.where(status == Status.NIEUW, stamps, np.maximum(handled, stamps))

    days = local_days(stamps)
    kind_l = kind.tolist()
    due = [world.due(k, c, d) for k, c, d in zip(kind_l, cat.tolist(), days, strict=True)]

    descriptions = description_texts(rng, world.topics, cat, kind)
    public_channels = {str(c) for c in PUBLIC_CHANNELS}
    channel_l = channel.tolist()
    return BatchRows(
        years=local_years(stamps).tolist(),
        created_at=iso(stamps),
        updated_at=iso(updated),
        kinds=kind_l,
        lons=lon.tolist(),
        lats=lat.tolist(),
        descriptions=descriptions,
        impacts=impact.tolist(),
        channels=channel_l,
        statuses=status.tolist(),
        emails=[
            f"melder{m}@example.org" if e else "" for m, e in zip(mailbox.tolist(), has_email.tolist(), strict=True)
        ],
        category_ids=[world.categories[c].pk for c in cat.tolist()],
        # Staff-only channels are entered by a staff member, as report_create requires.
        created_by_ids=[None if ch in public_channels else world.staff_user_id for ch in channel_l],
        routed=routed,
        due=due,
        drawn=drawn,
    )
