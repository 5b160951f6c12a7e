"""The reference data that filing a report reads, kept per process (core/refdata.py says how it stays current).

Only report_create and its input serializer read these: their write checks the version, so a process never files
with a category or regulation that changed since it loaded them. Anything else asks the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo_meldpunt.core.refdata import VersionedCache

from ..models import Category, deadlines_config


def _categories_load() -> dict[str, Category]:
    # With parent and department: the validation, the routing and the answer read them.
    return {c.slug: c for c in Category.objects.filter(active=True).select_related("parent", "department")}


ACTIVE_CATEGORIES: VersionedCache[dict[str, Category]] = VersionedCache(_categories_load)
REGULATION: VersionedCache[Mapping[str, Any]] = VersionedCache(deadlines_config)


def active_category_cached(slug: str) -> Category | None:
    """The active category with this slug as this process knows it; None when it does not know one.

    None is no answer: a category added since the process loaded them is found by the caller in the database.
    """
    return ACTIVE_CATEGORIES.get().get(slug)
