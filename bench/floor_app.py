"""The floor: the same questions the API answers, as the best single SQL statement each, served by a bare WSGI app.

No Django, no DRF: psycopg 3, one persistent connection per worker thread (autocommit; psycopg prepares a statement
after its fifth use), and each answer's JSON built by PostgreSQL in the one statement that reads (or writes) its
rows. bench/bench_floor.py serves it with the same gunicorn settings as the project, on the same database, and
compares every answer with the project's (the key fields) while timing both.

    GET  /nearby/?lat=&lon=&category=     duplicate candidates (GET /api/v1/reports/nearby/)
    GET  /routing/?lat=&lon=&category=    routing preview (GET /api/v1/routing/preview/)
    GET  /track/<token>/                  tracking (GET /api/v1/track/<token>/)
    POST /reports/                        the raw create: the rows POST /api/v1/reports/ writes, one statement

What the project's rules need that no table holds (the statuses that count as open, the public kinds, Dutch labels,
the routing reasons' wording, zone-type specificity) comes from a JSON file bench_floor.py writes from the project's
own constants (FLOOR_CONSTANTS, the environment variable naming it); the values are written into the SQL text as
literals, as an expert would, so the partial indexes' predicates are provably implied.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from urllib.parse import parse_qs

import psycopg
from psycopg import sql

C = json.loads(open(os.environ["FLOOR_CONSTANTS"]).read())  # noqa: SIM115 (read once at import)


def lit(value) -> str:
    """`value` as an SQL literal, its % doubled: every statement here is run with parameters."""
    return sql.Literal(value).as_string(None).replace("%", "%%")


def lit_list(values) -> str:
    return ", ".join(lit(v) for v in values)


def case(expr: str, mapping: dict, default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in mapping.items())
    return f"(CASE {expr} {whens} ELSE {default} END)"


OPEN = lit_list(C["open_statuses"])
PUBLIC_KINDS = lit_list(C["public_kinds"])
STATUS_LABEL = lambda expr: case(expr, C["status_labels"])  # noqa: E731
KIND_LABEL = lambda expr: case(expr, C["kind_labels"])  # noqa: E731
SPECIFICITY = lambda expr: case(expr, C["zone_specificity"], "0")  # noqa: E731
ZONE_TYPE_LABEL = lambda expr: case(expr, C["zone_type_labels"], "''")  # noqa: E731
R = C["reasons"]  # Dutch templates with %(category)s, %(zone)s, %(department)s

# The point and the category, as every statement below takes them.
POINT_CTE = "q AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom)"

# Duplicate candidates: the category resolved from its slug, the partial GiST index report_open_category_point
# (category, point) WHERE status IN open statuses takes both, ST_DWithin on geography in metres, nearest first.
NEARBY_SQL = f"""
WITH c AS MATERIALIZED (
    SELECT id, slug, name_nl, is_public, COALESCE(duplicate_radius_m, {int(C["default_radius_m"])}) AS radius
    FROM reports_category WHERE active AND slug = %(category)s
), {POINT_CTE}
SELECT c.id, (
    SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(r.point)::json,
        'properties', json_build_object(
            'reference', r.reference, 'kind', r.kind, 'category', c.slug, 'category_name', c.name_nl,
            'status', r.status, 'status_display', {STATUS_LABEL("r.status")}, 'department', d.name_nl,
            'address', r.address, 'created_at', r.created_at, 'distance_m', round(r.distance::numeric, 1))
    ) ORDER BY r.distance, r.id), '[]'::json))
    FROM (
        SELECT reference, kind, status, address, created_at, point, department_id, id,
               ST_Distance(point, q.geom::geography) AS distance
        FROM reports_report
        WHERE c.is_public AND category_id = c.id AND status IN ({OPEN}) AND kind IN ({PUBLIC_KINDS})
          AND ST_DWithin(point, q.geom::geography, c.radius)
        ORDER BY distance, id
        LIMIT {int(C["duplicates_limit"])}
    ) r JOIN zones_department d ON d.id = r.department_id
)
FROM c, q
"""

# Routing: the zones covering the point (ST_Covers on the subdivided zones_zonepart, GiST), the rules that could
# apply, and the winner chosen in SQL by the project's order (priority, category specificity, place specificity,
# lowest id); then the zone a report records and the department (rule, else the category's, else the coordinator).
ROUTING_CTES = f"""
c AS MATERIALIZED (
    SELECT c.id, c.parent_id, c.slug, c.name_nl, c.kinds, c.answer_days, cd.id AS dept_id, cd.active AS dept_active
    FROM reports_category c LEFT JOIN zones_department cd ON cd.id = c.department_id
    WHERE c.active AND c.slug = %(category)s
), {POINT_CTE},
z AS MATERIALIZED (
    SELECT DISTINCT zp.zone_id AS id, zz.slug, zz.name, zp.zone_type
    FROM zones_zonepart zp JOIN zones_zone zz ON zz.id = zp.zone_id, q
    WHERE ST_Covers(zp.geom, q.geom)
      AND (zz.valid_from IS NULL OR zz.valid_from <= (now() AT TIME ZONE 'Europe/Brussels')::date)
      AND (zz.valid_to IS NULL OR zz.valid_to > (now() AT TIME ZONE 'Europe/Brussels')::date)
),
rule AS (
    SELECT ru.id, ru.zone_id, ru.zone_type, ru.department_id
    FROM zones_routingrule ru JOIN zones_department d ON d.id = ru.department_id, c
    WHERE ru.active AND d.active
      AND (ru.category_id IN (c.id, c.parent_id) OR ru.category_id IS NULL)
      AND ((ru.zone_id IS NULL AND ru.zone_type = '') OR ru.zone_id IN (SELECT id FROM z)
           OR ru.zone_type IN (SELECT zone_type FROM z))
    ORDER BY ru.priority DESC,
             CASE WHEN ru.category_id = c.id THEN 2 WHEN ru.category_id IS NOT NULL THEN 1 ELSE 0 END DESC,
             CASE WHEN ru.zone_id IS NOT NULL
                  THEN 20 + {SPECIFICITY("(SELECT z.zone_type FROM z WHERE z.id = ru.zone_id LIMIT 1)")}
                  WHEN ru.zone_type <> '' THEN 10 + {SPECIFICITY("ru.zone_type")} ELSE 0 END DESC,
             ru.id
    LIMIT 1
),
decision AS (
    SELECT c.id AS category_id, c.name_nl AS category_name, c.answer_days,
           rule.id AS rule_id, rule.zone_id AS rule_zone_id, rule.zone_type AS rule_zone_type,
           COALESCE(rule.department_id, CASE WHEN c.dept_active THEN c.dept_id END,
                    (SELECT id FROM zones_department WHERE is_coordinator AND active ORDER BY id LIMIT 1),
                    (SELECT id FROM zones_department WHERE slug = {lit(C["coordinator_slug"])})) AS department_id,
           (rule.id IS NOT NULL OR c.dept_active IS TRUE) AS routable,
           (SELECT z.id FROM z
            WHERE CASE WHEN rule.zone_id IS NOT NULL THEN z.id = rule.zone_id
                       WHEN rule.zone_type <> '' THEN z.zone_type = rule.zone_type
                       ELSE z.zone_type IN ('wijk', 'deelgemeente', 'territory') END
            ORDER BY CASE WHEN rule.id IS NULL OR (rule.zone_id IS NULL AND rule.zone_type = '')
                          THEN array_position(ARRAY['wijk', 'deelgemeente', 'territory'], z.zone_type::text)
                          ELSE 0 END,
                     {SPECIFICITY("z.zone_type")} DESC, z.id
            LIMIT 1) AS zone_id,
           EXISTS (SELECT 1 FROM z WHERE z.zone_type = 'territory') AS in_territory
    FROM c LEFT JOIN rule ON true
),
routed AS (
    SELECT decision.*, d.slug AS department_slug, d.name_nl AS department_name, d.is_external,
           z.slug AS zone_slug, z.name AS zone_name, z.zone_type,
           replace(replace(replace(
               CASE WHEN rule_id IS NOT NULL AND rule_zone_id IS NOT NULL THEN {lit(R["zone"])}
                    WHEN rule_id IS NOT NULL AND rule_zone_type <> '' THEN {lit(R["zone_type"])}
                    WHEN rule_id IS NOT NULL THEN {lit(R["anywhere"])}
                    WHEN routable THEN {lit(R["default"])}
                    ELSE {lit(R["unroutable"])} END,
               '%%(category)s', category_name),
               '%%(zone)s', CASE WHEN rule_zone_id IS NOT NULL THEN COALESCE(z.name, '')
                                ELSE {ZONE_TYPE_LABEL("rule_zone_type")} END),
               '%%(department)s', d.name_nl) AS reason
    FROM decision JOIN zones_department d ON d.id = decision.department_id LEFT JOIN z ON z.id = decision.zone_id
)
"""

ROUTING_SQL = f"""
WITH {ROUTING_CTES}
SELECT in_territory, json_build_object(
    'department', json_build_object('slug', department_slug, 'name', department_name, 'is_external', is_external),
    'zone', CASE WHEN zone_id IS NULL THEN NULL
                 ELSE json_build_object('slug', zone_slug, 'name', zone_name, 'zone_type', zone_type) END,
    'reason', reason, 'routable', routable)
FROM routed
"""

# Tracking: the report by its token (unique index), its category (and parent), department, photos and public
# history, one statement.
TRACK_SQL = f"""
SELECT json_build_object(
    'reference', r.reference, 'kind', r.kind, 'kind_display', {KIND_LABEL("r.kind")},
    'category', json_build_object('slug', c.slug, 'name', c.name_nl, 'parent', p.slug, 'kinds', c.kinds,
                                  'is_public', c.is_public, 'duplicate_radius_m', c.duplicate_radius_m),
    'status', r.status, 'status_display', {STATUS_LABEL("r.status")},
    'department', json_build_object('slug', d.slug, 'name', d.name_nl, 'is_external', d.is_external),
    'location', CASE WHEN r.point IS NULL THEN NULL
                     ELSE json_build_object('type', 'Point', 'coordinates',
                                            json_build_array(ST_X(r.point::geometry), ST_Y(r.point::geometry))) END,
    'address', r.address, 'description', r.description, 'impact', r.impact, 'created_at', r.created_at,
    'expected_answer_date', CASE WHEN r.kind = 'compliment' THEN NULL ELSE r.answer_due END,
    'photos', (SELECT COALESCE(json_agg(%(media)s || ph.image ORDER BY ph.id), '[]'::json)
               FROM reports_reportphoto ph WHERE ph.report_id = r.id),
    'history', (SELECT COALESCE(json_agg(json_build_object(
                    'created_at', e.created_at, 'event_type', e.event_type, 'status', e.to_status,
                    'status_display', {STATUS_LABEL("e.to_status")}, 'department', ed.name_nl, 'note', e.note)
                    ORDER BY e.created_at, e.id), '[]'::json)
                FROM reports_reportevent e LEFT JOIN zones_department ed ON ed.id = e.department_id
                WHERE e.report_id = r.id AND e.public))
FROM reports_report r
JOIN reports_category c ON c.id = r.category_id LEFT JOIN reports_category p ON p.id = c.parent_id
JOIN zones_department d ON d.id = r.department_id
WHERE r.tracking_token = %(token)s
"""

# The raw create: route (as above), reserve the reference (the counter row's upsert, its lock held to COMMIT),
# insert the report, its created event and, with an e-mail address, the acknowledgement in the outbox; one
# statement, one transaction. Deadlines: calendar days from the category (the project's working-day arithmetic
# is Python, not rows).
CREATE_SQL = f"""
WITH {ROUTING_CTES},
counter AS (
    INSERT INTO reports_referencecounter (prefix, year, last)
    VALUES ({lit(C["reference_prefix"])}, extract(year FROM now() AT TIME ZONE 'Europe/Brussels')::int, 1)
    ON CONFLICT (prefix, year) DO UPDATE SET last = reports_referencecounter.last + EXCLUDED.last
    RETURNING prefix, year, last
),
report AS (
    INSERT INTO reports_report (
        created_at, updated_at, reference, original_reference, kind, category_id, point, address, description,
        impact, channel, language, status, reporter_name, reporter_email, reporter_phone, compliment_staff_member,
        media_url, department_id, zone_id, routing_rule_id, routing_reason, tracking_token, acknowledge_due,
        answer_due, paused_working_days, paused_days, version, answer)
    SELECT now(), now(), format('%%s-%%s-%%s', counter.prefix, counter.year, lpad(counter.last::text, 6, '0')), '',
           %(kind)s, routed.category_id, q.geom::geography, %(address)s, %(description)s, %(impact)s, 'web', 'nl',
           'nieuw', '', %(email)s, '', '', '', routed.department_id, routed.zone_id, routed.rule_id, routed.reason,
           %(token)s, (now() AT TIME ZONE 'Europe/Brussels')::date + 7,
           (now() AT TIME ZONE 'Europe/Brussels')::date + COALESCE(routed.answer_days, 14), 0, 0, 1, ''
    FROM routed, counter, q
    WHERE routed.in_territory
    RETURNING id, reference, kind, status, created_at, answer_due, tracking_token, routing_reason, department_id,
              reporter_email
),
event AS (
    INSERT INTO reports_reportevent (report_id, created_at, event_type, from_status, to_status, department_id, note,
                                     public)
    SELECT id, now(), 'created', '', status, department_id, routing_reason, true FROM report
),
outbox AS (
    INSERT INTO notifications_outgoingemail (report_id, template_key, "to", language, subject, body, status, attempts,
                                             last_error, dedupe_key, created_at, queued_at)
    SELECT id, 'acknowledgement', reporter_email, 'nl', 'Ontvangen: uw melding ' || reference,
           format({lit(C["acknowledgement_body"])}, reference, reference), 'queued', 0, '',
           'acknowledgement:' || id, now(), now()
    FROM report WHERE reporter_email <> ''
)
SELECT json_build_object(
    'reference', report.reference, 'kind', report.kind, 'category', %(category)s, 'status', report.status,
    'status_display', {STATUS_LABEL("report.status")},
    'department', json_build_object('slug', routed.department_slug, 'name', routed.department_name,
                                    'is_external', routed.is_external),
    'zone', CASE WHEN routed.zone_id IS NULL THEN NULL
                 ELSE json_build_object('slug', routed.zone_slug, 'name', routed.zone_name,
                                        'zone_type', routed.zone_type) END,
    'routing_reason', report.routing_reason, 'tracking_token', report.tracking_token,
    'tracking_url', %(site)s || '/volg/' || report.tracking_token || '/',
    'created_at', report.created_at, 'expected_answer_date', report.answer_due)
FROM report, routed
"""

QUERIES = {"nearby": NEARBY_SQL, "routing": ROUTING_SQL, "track": TRACK_SQL, "create": CREATE_SQL}

_local = threading.local()


def connection() -> psycopg.Connection:
    """This thread's connection, opened on first use and kept (a sync worker has one thread: one per worker)."""
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["FLOOR_DSN"], autocommit=True)
        conn.execute("SET TIME ZONE 'Europe/Brussels'")
        _local.conn = conn
    return conn


def answer(start_response, status: str, body: bytes):
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def bad(start_response, message: str):
    return answer(start_response, "400 Bad Request", json.dumps({"detail": message}).encode())


def point_params(environ) -> dict | None:
    qs = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        lat, lon = float(qs["lat"][0]), float(qs["lon"][0])
        category = qs["category"][0]
    except (KeyError, ValueError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": lat, "lon": lon, "category": category}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    method = environ["REQUEST_METHOD"]
    conn = connection()
    if method == "GET" and path == "/nearby/":
        params = point_params(environ)
        if params is None:
            return bad(start_response, "lat, lon and category")
        row = conn.execute(NEARBY_SQL, params).fetchone()
        if row is None:
            return bad(start_response, "unknown category")
        return answer(start_response, "200 OK", json.dumps(row[1]).encode())
    if method == "GET" and path == "/routing/":
        params = point_params(environ)
        if params is None:
            return bad(start_response, "lat, lon and category")
        row = conn.execute(ROUTING_SQL, params).fetchone()
        if row is None:
            return bad(start_response, "unknown category")
        if not row[0]:
            return bad(start_response, "outside the territory")
        return answer(start_response, "200 OK", json.dumps(row[1]).encode())
    if method == "GET" and path.startswith("/track/"):
        token = path[len("/track/") :].strip("/")
        media = f"http://{environ.get('HTTP_HOST', 'localhost')}{C['media_url']}"
        row = conn.execute(TRACK_SQL, {"token": token, "media": media}).fetchone()
        if row is None:
            return answer(start_response, "404 Not Found", b'{"detail": "not found"}')
        return answer(start_response, "200 OK", json.dumps(row[0]).encode())
    if method == "POST" and path == "/reports/":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length))
            params = {
                "lat": float(body["lat"]),
                "lon": float(body["lon"]),
                "category": str(body["category"]),
                "kind": str(body["kind"]),
                "description": str(body["description"]),
                "address": str(body.get("address", "")),
                "impact": body.get("impact"),
                "email": str(body.get("reporter_email", "")),
                "token": secrets.token_urlsafe(24),
                "site": C["site_url"],
            }
        except (KeyError, ValueError, TypeError):
            return bad(start_response, "kind, category, lat, lon and description")
        row = conn.execute(CREATE_SQL, params).fetchone()  # autocommit: the statement is its own transaction
        if row is None:
            return bad(start_response, "unknown category or outside the territory")
        return answer(start_response, "201 Created", json.dumps(row[0]).encode())
    return answer(start_response, "404 Not Found", b'{"detail": "not found"}')
