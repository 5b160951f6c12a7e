"""GeoReport v2's two formats: XML (required) and JSON. One data shape renders to both.

A list renders as a JSON array, and in XML as the root element holding one element per item (`services` holds
`service`s); a dict renders as a JSON object and as the root element holding one element per field. Inside an
item, a list renders the same way (`attributes` holds `attribute`s). Booleans are `true`/`false` in XML, None an
empty element (null in JSON). Every text is UTF-8, the XML with its declaration, as the spec asks.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element of one item in each list the spec names.
ITEM_ELEMENTS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


# Characters XML 1.0 cannot hold at all, not even escaped: a description typed with a stray form feed must not
# make the whole answer unreadable to a client.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A refusal in the spec's error format: a list of {code, description}, with the HTTP status `status`."""

    def __init__(self, status: int, descriptions: list[str], *, headers: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions
        self.headers = headers or {}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_IN_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_ELEMENTS[element.tag]), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(data, *, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def render(data, *, fmt: str, root: str, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    body = to_xml(data, root=root) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt], headers=headers)
    response["Vary"] = "Accept-Language"
    return response


def render_error(error: Open311Error, *, fmt: str) -> HttpResponse:
    items = [{"code": error.status, "description": description} for description in error.descriptions]
    return render(items, fmt=fmt, root="errors", status=error.status, headers=error.headers)
