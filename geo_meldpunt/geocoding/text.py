"""Reading what a person types into an address search box. Pure functions, no database."""

from __future__ import annotations

import re

# A house number as typed: "12", "12a", "12 A", optionally with a box ("12 bus 3", "12/3"), which is dropped.
_NUMBER = r"(?P<number>\d{1,5})\s?(?P<letter>[a-zA-Z])?(?:\s*(?:bus|bte|/)\s*\w{1,6})?"
_TRAILING = re.compile(rf"^(?P<street>.*?\D)\s*[\s,]\s*{_NUMBER}$")
_LEADING = re.compile(rf"^{_NUMBER}\s*,?\s+(?P<street>\D.*)$")  # "12 Kapellestraat", as French speakers write it
_POSTCODE_TAIL = re.compile(r"^(?P<head>.*\d\w?)\s+\d{4}(?:\s+\D+)?$")  # "... 12 8400 Oostende"
_RANGE = re.compile(r"^(\d{1,5})\s*-\s*(\d{1,5})$")


def split_housenumber(query: str) -> tuple[str, str | None]:
    """(street text, house number or None) from a typed query.

    "Kapellestraat 12" -> ("Kapellestraat", "12"); "kapelle" -> ("kapelle", None);
    "Kapellestraat 12a, 8400 Oostende" -> ("Kapellestraat", "12A"): what follows a comma is the place.
    """
    text = " ".join(query.split())
    head, _sep, rest = text.partition(",")
    head = head.strip()
    # "Kapellestraat, 12": the number after the comma still belongs to the street.
    if rest and re.fullmatch(_NUMBER, rest.strip().split(",")[0].strip()):
        head = f"{head} {rest.strip().split(',')[0].strip()}"
    tail = _POSTCODE_TAIL.match(head)
    if tail and (_TRAILING.match(tail["head"]) or _LEADING.match(tail["head"])):
        head = tail["head"]
    for pattern in (_TRAILING, _LEADING):
        found = pattern.match(head)
        if found and found["street"].strip():
            number = found["number"].lstrip("0") or "0"
            return found["street"].strip(" ,"), number + (found["letter"] or "").upper()
    return head, None


def number_value(housenumber: str) -> int | None:
    """The numeric part of "12A" (12); None for blank or a range."""
    digits = re.match(r"^(\d+)[a-zA-Z]?$", housenumber.strip())
    return int(digits.group(1)) if digits else None


def number_range(housenumber: str) -> tuple[int, int] | None:
    """(first, last) of a stretch written "1-59"; None for anything else."""
    found = _RANGE.match(housenumber.strip())
    if not found:
        return None
    low, high = int(found.group(1)), int(found.group(2))
    return (low, high) if low <= high else (high, low)
