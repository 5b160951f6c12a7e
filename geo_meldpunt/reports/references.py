"""Report references like OST-2026-000123: sequential per year, unique under concurrent creation."""

from django.conf import settings
from django.db import connection
from django.utils import timezone


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def reference_reserve(*, count: int = 1, year: int | None = None) -> tuple[str, int, int]:
    """Reserve `count` numbers; returns (prefix, year, first number).

    One upsert takes the counter row's lock until the surrounding transaction ends, so two creations
    never get the same number, and a rolled-back creation gives its number back (no gaps).
    """
    prefix = settings.MELDPUNT_REFERENCE_PREFIX
    year = year or timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_referencecounter (prefix, year, last) VALUES (%s, %s, %s)
            ON CONFLICT (prefix, year) DO UPDATE SET last = reports_referencecounter.last + EXCLUDED.last
            RETURNING last
            """,
            [prefix, year, count],
        )
        last = cursor.fetchone()[0]
    return prefix, year, last - count + 1


def reference_next() -> str:
    prefix, year, number = reference_reserve()
    return format_reference(prefix, year, number)
