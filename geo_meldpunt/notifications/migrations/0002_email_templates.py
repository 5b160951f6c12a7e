"""Write the shipped e-mail templates (notifications/defaults/<language>/<key>.txt) into EmailTemplate, so that
the admin can edit them. Only missing (key, language) rows are created: running it again, or after an edit in
the admin, changes nothing. Reading the files (not importing app code) keeps this migration stable.

A later change to a shipped text reaches existing databases only through a migration of its own (for example one
that updates rows whose text still equals the old default); until then the rows keep the text they have.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"


def load(apps, schema_editor):
    EmailTemplate = apps.get_model("notifications", "EmailTemplate")
    existing = set(EmailTemplate.objects.values_list("key", "language"))
    rows = []
    for path in sorted(DEFAULTS_DIR.glob("*/*.txt")):
        language, key = path.parent.name, path.stem
        if (key, language) in existing:
            continue
        subject, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
        rows.append(EmailTemplate(key=key, language=language, subject=subject.strip(), body=body))
    EmailTemplate.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
