"""What the OpenAPI schema says beyond the serializers: every error answer, and rules that live in the data.

drf-spectacular documents what a view's serializers declare. This postprocessing hook adds what they cannot:
- every error answer an operation can give, with the project's body shapes (`FieldErrors` for 400 and 422:
  messages per field; `Detail` for 403, 404, 415, 429 and 503), and `Retry-After` on 429 and 503;
- the reference data a valid request must name: the active categories' slugs as an enum, and the city's extent
  as the range of a report's coordinates (a point outside it is outside the city; one inside it may still be in
  the sea or a neighbouring town, which the 400 says);
- that no text may hold a NUL character (Django REST framework refuses it in every text field).
Together with the serializers, a generated client (and schemathesis' generator) can then make a valid report.

Rules across fields (a kind the category does not accept, lat without lon, a complaint without an e-mail
address, bbox corners in the wrong order) cannot be said in JSON Schema: they are in the descriptions, and the
answer is a 400 naming the field.
"""

from __future__ import annotations

from typing import Any

from geo_meldpunt.reports import selectors
from geo_meldpunt.zones.selectors import compliment_departments, territory_extent, territory_point

FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages per input field, in the request's language (Dutch by default, `Accept-Language` for French, "
        "English or German): each key names a field or parameter (`non_field_errors` for the request as a "
        "whole, `detail` for a body that could not be read at all), each value lists its messages (a list field "
        "such as `photos` gives them per item)."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
    "example": {"lon": ["Geef de lengtegraad samen met de breedtegraad."]},
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Why, in the request's language."}},
    "required": ["detail"],
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait before trying again."}
}
# Every text a client may send: Django REST framework refuses a NUL character in any of them.
NO_NUL = "^[^\\x00]*$"


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _error_responses(path: str, method: str, operation: dict) -> dict[str, dict]:
    parameters = operation.get("parameters", [])
    wanted: dict[str, dict] = {}
    if any(p.get("in") in {"query", "header"} for p in parameters) or "requestBody" in operation:
        wanted["400"] = {
            "description": "The input breaks a rule: messages per field or parameter.",
            "content": _json("FieldErrors"),
        }
    if any(p.get("in") == "path" for p in parameters):
        wanted["404"] = {"description": "Nothing known by this reference, token or number.", "content": _json("Detail")}
    if "requestBody" in operation:
        wanted["415"] = {"description": "A body that is neither JSON nor a form.", "content": _json("Detail")}
    wanted["429"] = {
        "description": "Too many requests from this client: try again after `Retry-After` seconds.",
        "content": _json("Detail"),
        "headers": RETRY_AFTER,
    }
    wanted["503"] = {
        "description": "The service cannot reach its database for a moment: try again after `Retry-After` seconds.",
        "content": _json("Detail"),
        "headers": RETRY_AFTER,
    }
    return wanted


def _responses_document(result: dict) -> None:
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for code, wanted in _error_responses(path, method, operation).items():
                entry = responses.setdefault(code, {"description": wanted["description"]})
                entry.setdefault("content", wanted["content"])
                if "headers" in wanted:
                    entry.setdefault("headers", wanted["headers"])
            for code in ("403", "422"):
                # Described by the view (who may, what was refused); the body is one of the two shapes.
                if code in responses:
                    responses[code].setdefault("content", _json("Detail" if code == "403" else "FieldErrors"))


def _texts_without_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & schema.keys()):
        schema["pattern"] = NO_NUL


def _request_texts_document(result: dict) -> None:
    components = result.get("components", {}).get("schemas", {})
    bodies: set[str] = set()
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in {"query", "header"}:
                    _texts_without_nul(parameter.get("schema", {}))
                if parameter.get("in") == "query" and not parameter.get("required"):
                    # An optional parameter given empty (`?status=`, as an HTML form sends it) counts as not given.
                    parameter["allowEmptyValue"] = True
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref:
                    bodies.add(ref.rsplit("/", 1)[-1])
    for name in bodies:
        for prop in components.get(name, {}).get("properties", {}).values():
            _texts_without_nul(prop)
            for option in prop.get("oneOf", []):
                _texts_without_nul(option)


NEARBY = "/api/v1/reports/nearby/"


def _query_schema(result: dict, path: str, name: str) -> dict | None:
    """The schema of a GET operation's query parameter, to change in place; None when there is none."""
    for parameter in result["paths"].get(path, {}).get("get", {}).get("parameters", []):
        if parameter["name"] == name and parameter["in"] == "query":
            return parameter.setdefault("schema", {})
    return None


def _reference_data_document(result: dict) -> None:
    """The categories and the city's extent, read from the database when the schema is asked for."""
    body = result.get("components", {}).get("schemas", {}).get("ReportCreateInput", {}).get("properties", {})
    preview = "/api/v1/routing/preview/"
    # Where a category must be an active one's slug.
    categories = [body.get("category"), *(_query_schema(result, path, "category") for path in (NEARBY, preview))]
    slugs = list(selectors.categories_active().values_list("slug", flat=True))
    for schema in categories:
        if schema is not None and slugs:
            schema.pop("pattern", None)
            schema["enum"] = slugs
    # Where a point must lie in the city's territory (its extent: the outline itself is no JSON Schema).
    extent = territory_extent()
    if extent is None:
        return
    minlon, minlat, maxlon, maxlat = (round(v, 6) for v in extent)
    for name, (low, high) in {"lat": (minlat, maxlat), "lon": (minlon, maxlon)}.items():
        note = f" Within the city: from {low} to {high}; a point outside the city's territory is refused (400)."
        for schema in (body.get(name), _query_schema(result, preview, name)):
            if schema is not None:
                schema["minimum"], schema["maximum"] = low, high
                schema["description"] = (schema.get("description", "") + note).strip()


def _report_examples_document(result: dict) -> None:
    """Examples of valid new reports, made of the reference data: one per kind, each of which a client may send
    as it is (schemathesis does: its first POSTs are these, and file reports)."""
    content = result["paths"].get("/api/v1/reports/", {}).get("post", {}).get("requestBody", {}).get("content", {})
    point = territory_point()
    if "application/json" not in content or point is None:
        return
    lon, lat = (round(v, 6) for v in point)
    categories = list(selectors.categories_active().values_list("slug", "kinds"))
    service = compliment_departments().values_list("slug", flat=True).first()
    wanted: dict[str, dict[str, Any]] = {
        "melding": {"lat": lat, "lon": lon, "description": "Een diepe put in het wegdek voor huisnummer 12."},
        "klacht": {
            "location": {"type": "Point", "coordinates": [lon, lat]},
            "description": "De put werd na drie meldingen nog altijd niet hersteld.",
            "reporter_email": "melder@example.org",
        },
        "suggestie": {"description": "Een fietsenstalling aan de bibliotheek zou welkom zijn."},
        "compliment": {
            "description": "Dank aan de ploeg die het plein zo snel weer proper maakte.",
            **({"compliment_department": service} if service else {}),
        },
    }
    examples = {}
    for kind, fields in wanted.items():
        category = next((slug for slug, kinds in categories if kind in kinds), None)
        if category is not None:
            examples[kind] = {"summary": f"A new {kind}", "value": {"kind": kind, "category": category, **fields}}
    if examples:
        content["application/json"]["examples"] = examples


def document_errors_and_rules(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    schemas["Detail"] = DETAIL
    _responses_document(result)
    _request_texts_document(result)
    _reference_data_document(result)
    _report_examples_document(result)
    return result
