"""The version of the reference data a report's creation reads, bumped by PostgreSQL on every change.

Web processes keep the active categories (with parent and department), the deadline regulation and the e-mail
templates in memory (core/refdata.py) and file a report only if this version is still the one they loaded at: the
check is part of the creating statement itself, so it costs no round trip, and a stale process writes nothing,
reloads and files again. Statement-level triggers on the four tables bump it, so every writer counts: the admin,
loaddata, the reference loader, a migration, a hand-written UPDATE.

The version comes from a sequence, not `version + 1`: a sequence never goes back, so a rolled-back change (a test's
transaction, an admin save that failed) can never make the version equal again to one a process loaded data at.
The row is updated in the changing transaction, so a creation sees the new version exactly when it sees the change.
"""

from django.db import migrations

TABLES = ("reports_category", "reports_regulation", "zones_department", "notifications_emailtemplate")

FORWARD = """
CREATE SEQUENCE reports_reference_data_version_seq;
CREATE TABLE reports_reference_data_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO reports_reference_data_version (id, version) VALUES (1, nextval('reports_reference_data_version_seq'));

CREATE FUNCTION reports_reference_data_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports_reference_data_version SET version = nextval('reports_reference_data_version_seq') WHERE id = 1;
    RETURN NULL;
END
$$;
""" + "".join(
    f"""
CREATE TRIGGER reference_data_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION reports_reference_data_bump();
"""
    for table in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS reference_data_bump ON {table};\n" for table in TABLES) + """
DROP FUNCTION IF EXISTS reports_reference_data_bump();
DROP TABLE IF EXISTS reports_reference_data_version;
DROP SEQUENCE IF EXISTS reports_reference_data_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_geojson_coordinate_function"),
        ("zones", "0001_initial"),
        ("notifications", "0007_outgoing_email_sending"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
