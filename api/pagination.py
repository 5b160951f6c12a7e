"""Keyset pagination for the public list: pages that cost the same at any depth and any number of reports.

No count and no OFFSET. A count reads every visible report (at 1,000,000 reports a city-wide count took 1.5 s
while the page itself took 50 ms), and OFFSET reads and drops every row before the page (page 1000 took 4 s).
Instead each page ends with an opaque `cursor`: the position (created_at, id) of its last report, the list's
order; the next page starts just after it, on the index that holds that order (report_public_recent).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import OrderedDict
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from geo_meldpunt.reports.selectors import public_map_page

Position = tuple[dt.datetime, int]

CURSOR_PARAM = "cursor"


def cursor_encode(position: Position) -> str:
    """The opaque cursor of a (created_at, id) position: clients pass it back, never read it."""
    created_at, pk = position
    raw = f"{created_at.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(value: str) -> Position:
    """The position a cursor names. ValueError for anything cursor_encode did not make."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        stamp, pk = raw.split("|")
        created_at = dt.datetime.fromisoformat(stamp)
        position = (created_at, int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValueError(value) from error
    if created_at.tzinfo is None:
        raise ValueError(value)
    return position


@extend_schema_field(OpenApiTypes.STR)
class CursorField(serializers.Field):
    """A `cursor` query parameter, validated into its (created_at, id) position."""

    default_error_messages = {
        "invalid_cursor": _("This cursor is not valid. Start again from the first page, without a cursor."),
    }

    def to_internal_value(self, data: Any) -> Position:
        try:
            return cursor_decode(str(data))
        except ValueError:
            self.fail("invalid_cursor")

    def to_representation(self, value: Position) -> str:
        return cursor_encode(value)


class KeysetGeoJsonPagination(BasePagination):
    """A GeoJSON FeatureCollection page with a `next` link (null on the last page), no count.

    The queryset must be ordered by (-created_at, -id), already start after the request's cursor (the selector
    filters on it, see public_reports(after=...)) and give rows with "created_at" and "id" (public_map_rows);
    this class reads one row more than the page (public_map_page) to know whether there is a next one.
    """

    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        try:
            wanted = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return self.page_size if wanted < 1 else min(wanted, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        rows = public_map_page(queryset, limit=size + 1)
        self.request = request
        self.has_next = len(rows) > size
        page = rows[:size]
        self.last = (page[-1]["created_at"], page[-1]["id"]) if page else None
        return page

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, cursor_encode(self.last))

    def get_paginated_response(self, data) -> Response:
        return Response(
            OrderedDict([("type", "FeatureCollection"), ("next", self.get_next_link()), ("features", data["features"])])
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # `schema` is the serializer's FeatureCollection (type, features); a page adds its `next` link.
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "next", "features"],
                    "properties": {
                        "next": {
                            "type": "string",
                            "nullable": True,
                            "format": "uri",
                            "description": "The next page (the same query with a cursor); null on the last page.",
                        },
                    },
                },
            ]
        }
