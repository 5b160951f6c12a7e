"""Sending JSON that PostgreSQL already wrote, through DRF (throttling, negotiation, errors, schema stay)."""

from __future__ import annotations

from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response


class JsonText(str):
    """A response body that is JSON text already (selectors/bodies.py): rendered as it is, never re-parsed."""

    __slots__ = ()


class PassThroughJSONRenderer(JSONRenderer):
    """JSONRenderer that sends JsonText unchanged; any other data (error bodies) is rendered as JSONRenderer does."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, JsonText):
            return data.encode()
        return super().render(data, accepted_media_type, renderer_context)


# The renderers of a view answering with JsonText: DRF's defaults with the pass-through JSON one.
PASS_THROUGH_RENDERERS = [PassThroughJSONRenderer, BrowsableAPIRenderer]


def json_text_response(body: str) -> Response:
    return Response(JsonText(body))
