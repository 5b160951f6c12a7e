"""Followers confirm their e-mail address before they get mail (issue 11). Followers already recorded were accepted
under the earlier rule and keep getting the answer: they count as confirmed when they followed."""

import secrets

from django.db import migrations, models
from django.db.models import F

import geo_meldpunt.reports.models


def existing_confirmed(apps, schema_editor):
    Follower = apps.get_model("reports", "Follower")
    Follower.objects.update(confirmed_at=F("created_at"))
    for follower in Follower.objects.only("id"):
        Follower.objects.filter(pk=follower.pk).update(token=secrets.token_urlsafe(24))


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
        migrations.RunPython(existing_confirmed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="follower",
            name="token",
            field=models.CharField(
                default=geo_meldpunt.reports.models.follower_token, editable=False, max_length=40, unique=True
            ),
        ),
    ]
