"""Finding a row by a value someone typed or put in a URL (a tracking token, a reference, a slug)."""

from __future__ import annotations


def lookup_value_ok(value: object) -> bool:
    """Whether `value` can be compared with a text column at all.

    PostgreSQL text cannot hold a NUL character: a query with one raises DataError, a 500, where the answer is
    simply "not found". Callers return their "not found" instead of querying when this is False.
    """
    return isinstance(value, str) and "\x00" not in value
