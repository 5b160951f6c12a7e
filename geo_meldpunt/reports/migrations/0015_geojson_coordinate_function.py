"""meldpunt_geojson_coordinate(x): a coordinate as the public API's GeoJSON has always written it, in SQL.

The duplicate check's answer is written by PostgreSQL (reports/duplicates.py, NEARBY_SQL); its coordinates were
written by GDAL: 15 decimals in fixed notation, rounded from the double's exact value, then GDAL's clean-up of
binary-to-decimal noise ("intelliround": a trailing 00000x or 99999x and a few rarer runs of zeros or nines are
rounded away). api/report_features.coordinate does the same in Python; tests/reports/test_json_coordinates.py
compares the two on 20,000 numbers. ST_AsGeoJSON cannot stand in: it writes 15 significant digits, not decimals.

The exact value comes from the double's bits (float8send): |x| = m * 2^e, and the rounding to 15 decimals is
integer arithmetic on numeric, half to even as printf does.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION meldpunt_geojson_coordinate(x double precision) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    bits bigint := ('x' || encode(float8send(x), 'hex'))::bit(64)::bigint;
    e integer := ((bits >> 52) & 2047)::integer;
    m numeric := (bits & 4503599627370495)::numeric;
    negative boolean := bits < 0;
    num numeric;
    den numeric;
    q numeric;
    r numeric;
    s text;
    dot integer;
    before integer;
    i integer;
    k integer;
    ok boolean;
    cut text;
    whole text;
    fraction text;
    added text;
BEGIN
    IF e = 0 THEN e := 1; ELSE m := m + 4503599627370496; END IF;
    e := e - 1075;  -- |x| = m * 2^e exactly
    IF e >= 0 THEN
        num := m * trunc(2::numeric ^ e) * 1000000000000000; den := 1;
    ELSE
        num := m * 1000000000000000; den := trunc(2::numeric ^ (-e));
    END IF;
    q := div(num, den);
    r := num - q * den;
    IF 2 * r > den OR (2 * r = den AND mod(q, 2) = 1) THEN q := q + 1; END IF;
    s := trunc(q)::text;
    s := repeat('0', greatest(0, 16 - length(s))) || s;  -- not lpad: lpad also cuts a longer text
    s := left(s, length(s) - 15) || '.' || right(s, 15);
    IF negative THEN s := '-' || s; END IF;

    -- GDAL's intelliround (ogrutils.cpp), as api/report_features._intelliround; Python's s[j] is substr(s, j + 1, 1).
    dot := position('.' in s) - 1;
    IF length(s) <= 10 THEN RETURN s; END IF;
    before := dot - 1 - (CASE WHEN negative THEN 1 ELSE 0 END);
    i := length(s);
    IF substr(s, i - 5, 5) = '00000' THEN RETURN left(s, i - 1); END IF;
    IF dot < i - 8 AND substr(s, i - 7, 1) = '0' AND substr(s, i - 8, 1) = '0' THEN
        ok := true;
        FOR k IN 3..7 LOOP
            IF NOT (before >= k + 1 OR substr(s, i - k + 1, 1) = '0') THEN ok := false; END IF;
        END LOOP;
        IF ok THEN RETURN left(s, i - 8); END IF;
    END IF;
    cut := NULL;
    IF substr(s, i - 5, 5) = '99999' THEN
        cut := CASE WHEN negative THEN substr(s, 2, i - 7) ELSE left(s, i - 6) END;
    ELSIF dot < i - 9 AND substr(s, i - 7, 1) = '9' AND substr(s, i - 8, 1) = '9' THEN
        ok := true;
        FOR k IN 3..7 LOOP
            IF NOT (before >= k + 1 OR substr(s, i - k + 1, 1) = '9') THEN ok := false; END IF;
        END LOOP;
        IF ok THEN
            cut := CASE WHEN negative THEN substr(s, 2, i - 10) ELSE left(s, i - 9) END;
        END IF;
    END IF;
    IF cut IS NULL THEN RETURN s; END IF;
    -- _roundup: add 1 in the last digit of the cut text
    whole := split_part(cut, '.', 1);
    fraction := split_part(cut, '.', 2);
    added := ((whole || fraction)::numeric + 1)::text;
    added := repeat('0', greatest(0, length(whole) + length(fraction) - length(added))) || added;
    IF fraction <> '' THEN
        added := left(added, length(added) - length(fraction)) || '.' || right(added, length(fraction));
    END IF;
    RETURN CASE WHEN negative THEN '-' ELSE '' END || added;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS meldpunt_geojson_coordinate(double precision);"


class Migration(migrations.Migration):
    dependencies = [("reports", "0014_report_open_backlog_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
