"""Public answers written by PostgreSQL: the JSON text of a response, built in the statement that reads it.

For the hottest public reads (the duplicate check, tracking, and the routing preview's routing) Python on the
request path cost more than the query: model instances, DRF serializers, GEOS writing GeoJSON. Here the statement
returns the body's text (json_build_object, ST_AsGeoJSON, json_agg) and the view sends it unparsed. The DRF
serializers of the same shapes (api/serializers.py) stay the documented schema and the reference: tests/api/
test_json_bodies.py compares both on reports of every kind, with photos and history, in each language.

What SQL cannot know is passed in: the labels of statuses and kinds in the request's language (a JSON map built
once per process and language), the time zone timestamps are written in, the photos' address prefix.
"""

from __future__ import annotations

import json
import re
from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils import timezone, translation
from rest_framework import ISO_8601
from rest_framework.settings import api_settings

from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.core.prepared import prepared_cursor

from ..models import Kind, ReportPhoto, Status

_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
_WORD = re.compile(r"^[a-z_]+$")


def sql_name(alias: str, language: str) -> str:
    """SQL for a translated name in `language`, Dutch when it has none: localized_name() in SQL. `language` is
    one of settings.LANGUAGES (anything else reads Dutch), so the column name is never the caller's text."""
    if language not in _LANGUAGES or language == "nl":
        return f"{alias}.name_nl"
    return f"COALESCE(NULLIF({alias}.name_{language}, ''), {alias}.name_nl)"


def sql_words(values) -> str:
    """A SQL list of fixed code words ('nieuw', 'ontvangen'): literals in the text, so that the planner can match
    the predicate of a partial index written with the same list."""
    words = [str(v) for v in values]
    assert all(_WORD.match(w) for w in words), words
    return ", ".join(f"'{w}'" for w in words)


def sql_timestamp(expr: str) -> str:
    """SQL writing a timestamptz as DRF's DateTimeField does (ISO 8601 in the time zone %(tz)s, microseconds only
    when there are any, "Z" for a zero offset). The offset is an interval (local time minus UTC), written as
    +HH:MI or -HH:MI; the local time is formatted once (its ".000000" dropped), not field by field."""
    local = f"({expr} AT TIME ZONE %(tz)s)"
    offset = f"({local} - ({expr} AT TIME ZONE 'UTC'))"
    return f"""(CASE WHEN {expr} IS NULL THEN NULL ELSE
        replace(to_char({local}, 'YYYY-MM-DD"T"HH24:MI:SS.US'), '.000000', '')
        || CASE WHEN {offset} = interval '0' THEN 'Z'
                WHEN {offset} > interval '0' THEN to_char({offset}, '"+"HH24:MI')
                ELSE to_char(-{offset}, '"-"HH24:MI')
           END
    END)"""


def timestamps_in_sql() -> bool:
    """Whether sql_timestamp writes what DRF would: only for its default ISO 8601 format."""
    return api_settings.DATETIME_FORMAT == ISO_8601


@cache
def _labels(language: str) -> tuple[str, str]:
    with translation.override(language):
        statuses = {value: str(label) for value, label in Status.choices}
        kinds = {value: str(label) for value, label in Kind.choices}
    return json.dumps(statuses), json.dumps(kinds)


def labels_json(language: str) -> tuple[str, str]:
    """The statuses' and kinds' labels in `language`, as JSON maps (value -> label): built once per process."""
    return _labels(language if language in _LANGUAGES else settings.LANGUAGE_CODE)


def statement_params(*, language: str) -> dict:
    statuses, kinds = labels_json(language)
    return {"statuses": statuses, "kinds": kinds, "tz": timezone.get_current_timezone_name()}


def photo_url_prefix(request) -> str | None:
    """What a photo's stored name is appended to for its address (absolute for `request`), when the photos are
    files served at MEDIA_URL; None for another storage (S3: signed links), whose addresses Python computes."""
    storage = ReportPhoto._meta.get_field("image").storage  # type: ignore[union-attr]
    if storage is default_storage:  # a lazy stand-in: the storage it stands for
        storage = storages["default"]
    if type(storage).url is not FileSystemStorage.url or not isinstance(storage, FileSystemStorage):
        return None
    base = storage.base_url
    return request.build_absolute_uri(base) if request is not None else base


# A stored name that FileSystemStorage.url() leaves as it is (filepath_to_uri quotes nothing in it) and that
# build_absolute_uri joins without normalising: generated names (reports/2026/05/MLD-.../<uuid>.jpg) all are.
_PLAIN_NAME = "^[A-Za-z0-9/._~!*()''-]+$"

TRACK_SQL = f"""
SELECT
    json_build_object(
        'reference', r.reference,
        'kind', r.kind,
        'kind_display', COALESCE(%(kinds)s::jsonb ->> r.kind, r.kind),
        'category', json_build_object(
            'slug', c.slug, 'name', {{category_name}}, 'parent', parent.slug, 'kinds', c.kinds,
            'is_public', c.is_public, 'duplicate_radius_m', c.duplicate_radius_m),
        'status', r.status,
        'status_display', COALESCE(%(statuses)s::jsonb ->> r.status, r.status),
        'department', json_build_object('slug', d.slug, 'name', {{department_name}}, 'is_external', d.is_external),
        'location', CASE WHEN r.point IS NULL THEN NULL ELSE json_build_object(
            'type', 'Point', 'coordinates', json_build_array(ST_X(r.point::geometry), ST_Y(r.point::geometry))) END,
        'address', r.address,
        'description', r.description,
        'impact', r.impact,
        'created_at', {sql_timestamp("r.created_at")},
        'expected_answer_date', CASE WHEN r.kind = %(compliment)s THEN NULL ELSE r.answer_due END,
        'photos', COALESCE(photos.urls, '[]'::json),
        'history', COALESCE((
            SELECT json_agg(json_build_object(
                'created_at', {sql_timestamp("e.created_at")},
                'event_type', e.event_type,
                'status', e.to_status,
                'status_display', COALESCE(%(statuses)s::jsonb ->> e.to_status, e.to_status),
                'department', {{event_department_name}},
                'note', e.note) ORDER BY e.created_at, e.id)
            FROM reports_reportevent e LEFT JOIN zones_department ed ON ed.id = e.department_id
            WHERE e.report_id = r.id AND e.public), '[]'::json)
    )::text,
    -- The cases the statement leaves to Python: a deadline computed from the regulation (reports made before
    -- deadlines were stored), photo addresses SQL cannot write.
    (r.kind <> %(compliment)s AND r.answer_due IS NULL)
        OR (%(photo_prefix)s::text IS NULL AND photos.urls IS NOT NULL) OR NOT COALESCE(photos.plain, true)
FROM reports_report r
JOIN reports_category c ON c.id = r.category_id
LEFT JOIN reports_category parent ON parent.id = c.parent_id
JOIN zones_department d ON d.id = r.department_id
LEFT JOIN LATERAL (
    SELECT json_agg(%(photo_prefix)s || ph.image ORDER BY ph.id) AS urls,
           bool_and(ph.image ~ '{_PLAIN_NAME}' AND position('./' in ph.image) = 0) AS plain
    FROM reports_reportphoto ph WHERE ph.report_id = r.id
) photos ON true
WHERE r.tracking_token = %(token)s
"""


def track_json(*, token: str, language: str, photo_prefix: str | None) -> tuple[bool, str | None]:
    """What the holder of a tracking link sees (api TrackOutput with its history), as JSON text, in one statement.

    Returns (found, body); body is None when the report is found but its answer needs Python (see TRACK_SQL's
    last column, or a DATETIME_FORMAT other than ISO 8601): the caller then builds it with the serializers.
    """
    if not lookup_value_ok(token):
        return False, None
    names = {
        "category_name": sql_name("c", language),
        "department_name": sql_name("d", language),
        "event_department_name": sql_name("ed", language),
    }
    params = {
        **statement_params(language=language),
        "token": token,
        "compliment": Kind.COMPLIMENT.value,
        "photo_prefix": photo_prefix,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_track_sql(**names), params)
        row = cursor.fetchone()
    if row is None:
        return False, None
    body, needs_python = row
    return True, (None if needs_python or not timestamps_in_sql() else body)


@cache
def _track_sql(**names: str) -> str:
    return (
        TRACK_SQL.replace("{category_name}", names["category_name"])
        .replace("{department_name}", names["department_name"])
        .replace("{event_department_name}", names["event_department_name"])
    )
