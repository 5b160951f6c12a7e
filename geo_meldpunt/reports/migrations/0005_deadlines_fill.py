from django.db import migrations


def deadlines_fill(apps, schema_editor):
    # Reports made before deadlines were stored get them as report_create computes them: raw SQL and the pure
    # deadline functions only, so it works on this migration's schema. The deadlines come from the settings:
    # the regulation's table (0006) does not exist yet here.
    from geo_meldpunt.reports.services import deadlines_settings, reports_deadlines_fill

    reports_deadlines_fill(config=deadlines_settings())


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_workflow_deadlines"),
    ]

    operations = [
        migrations.RunPython(deadlines_fill, migrations.RunPython.noop),
    ]
