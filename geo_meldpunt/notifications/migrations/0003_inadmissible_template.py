"""The `inadmissible` e-mail (the reason a report is not admissible, to the reporter): the new template key, and its
shipped texts written into EmailTemplate where no row exists, by the same loader as 0002 (rows already there, edited
in the admin or not, are left alone)."""

from importlib import import_module

from django.db import migrations, models

# A module name starting with a digit cannot be imported with `import`.
load = import_module("geo_meldpunt.notifications.migrations.0002_email_templates").load

KEY_CHOICES = [
    ("acknowledgement", "acknowledgement to the reporter"),
    ("forwarded", "forwarded to an external body"),
    ("waiting_for_reporter", "waiting for the reporter"),
    ("answer", "answer to the reporter"),
    ("answer_follower", "answer to a follower"),
    ("inadmissible", "not admissible: the reason, to the reporter"),
    ("satisfaction_question", "satisfaction question"),
    ("ombudsman_details", "ombudsman service details"),
    ("compliment_thanks", "thanks for a compliment"),
    ("compliment_forward", "compliment forwarded to the department"),
    ("department_digest", "daily digest of overdue reports (department)"),
    ("coordinator_breaches", "daily list of deadline breaches (coordinator)"),
]


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_email_templates")]

    operations = [
        migrations.AlterField(
            model_name="emailtemplate",
            name="key",
            field=models.CharField(choices=KEY_CHOICES, max_length=40, verbose_name="e-mail"),
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="template_key",
            field=models.CharField(choices=KEY_CHOICES, max_length=40, verbose_name="e-mail"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
