"""JSON bodies with a bounded depth: deeply nested input is a 400 with a clear message, never a 500.

Python's json module recurses once per level of nesting: `[` repeated a few thousand times raises RecursionError,
which DRF's JSONParser does not catch (it expects ValueError). And input a little less deep parses, but every
later step that walks it (serializers, the idempotency fingerprint, logging) recurses again. No request of this API
needs more than a handful of levels (a GeoJSON point is two), so anything deeper than JSON_MAX_DEPTH is refused.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deepest nesting of arrays and objects any request may send; the deepest the API reads is a GeoJSON point (2).
JSON_MAX_DEPTH = 20


class JsonTooDeep(ValueError):
    pass


def json_depth_ok(value: Any, max_depth: int = JSON_MAX_DEPTH) -> bool:
    """Whether `value` (parsed JSON) nests no deeper than `max_depth`; iterative, so it never recurses itself."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item  # type: ignore[assignment]
        else:
            continue
        if depth + 1 > max_depth:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def json_loads_bounded(text: str | bytes) -> Any:
    """json.loads, raising JsonTooDeep (a ValueError) for input nested deeper than JSON_MAX_DEPTH."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep from None
    if not json_depth_ok(value):
        raise JsonTooDeep
    return value


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth bound above: a 400 naming the problem."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            value = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep_message()) from None
        if not json_depth_ok(value):
            raise ParseError(too_deep_message())
        return value


def too_deep_message() -> str:
    return str(_("The JSON is nested too deeply (at most %(max)d levels).") % {"max": JSON_MAX_DEPTH})
