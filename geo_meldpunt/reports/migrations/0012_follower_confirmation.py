"""Followers confirm their e-mail address before they get mail (issue 11). Followers already recorded were accepted
under the earlier rule and keep getting the answer: they count as confirmed when they followed."""

from django.db import migrations, models

import geo_meldpunt.reports.models

# One statement for every existing follower, whatever their number: each gets a token of its own (32 hex digits of
# gen_random_uuid, PostgreSQL's strong random source) and counts as confirmed when they followed.
EXISTING_CONFIRMED = """
UPDATE reports_follower SET confirmed_at = created_at, token = replace(gen_random_uuid()::text, '-', '');
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_report_public_recent")]

    operations = [
        migrations.AddField(
            model_name="follower",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Added without the unique constraint first: every existing row needs a token of its own.
        migrations.AddField(
            model_name="follower",
            name="token",
            field=models.CharField(default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.RunSQL(EXISTING_CONFIRMED, migrations.RunSQL.noop),
        # The update above queued the deferred foreign-key checks of every follower row; PostgreSQL refuses to alter
        # a table with pending trigger events ("cannot ALTER TABLE ... because it has pending trigger events"), so
        # they run now, before the unique constraint is added.
        migrations.RunSQL("SET CONSTRAINTS ALL IMMEDIATE", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="follower",
            name="token",
            field=models.CharField(
                default=geo_meldpunt.reports.models.follower_token, editable=False, max_length=40, unique=True
            ),
        ),
    ]
