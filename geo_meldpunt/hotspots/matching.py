"""Which earlier hotspot a newly detected cluster is (pure): the weekly snapshots' identity rule.

A cluster is the earlier hotspot of its category with which it shares the most reports (a hotspot grows by new
reports and loses old ones off the end of the period, but the middle stays); failing any shared report, the
nearest earlier hotspot whose centre lies within `max_distance_m`. Each earlier hotspot is claimed once, best
pairs first. This loops over hotspots (tens per category), never over reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    category_id: int
    report_ids: frozenset[int]
    centre_xy: tuple[float, float]  # metres, Lambert 72
    key: int | None = None


def match(new: list[Candidate], earlier: list[Candidate], *, max_distance_m: float) -> dict[int, int]:
    """Index in `new` -> `key` of the earlier hotspot it continues; new clusters without one are left out."""
    pairs = []
    for i, cluster in enumerate(new):
        for j, old in enumerate(earlier):
            if old.category_id != cluster.category_id:
                continue
            shared = len(cluster.report_ids & old.report_ids)
            distance = math.dist(cluster.centre_xy, old.centre_xy)
            if shared or distance <= max_distance_m:
                pairs.append((-shared, distance, i, j))
    taken_new: set[int] = set()
    taken_old: set[int] = set()
    result: dict[int, int] = {}
    for _shared, _distance, i, j in sorted(pairs):
        if i in taken_new or j in taken_old:
            continue
        taken_new.add(i)
        taken_old.add(j)
        key = earlier[j].key
        assert key is not None, "earlier hotspots carry their id"
        result[i] = key
    return result
