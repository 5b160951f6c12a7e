"""The `follow_confirmation` e-mail (a follower confirms their address before any other mail): the new template key,
and its shipped texts written into EmailTemplate where no row exists, by the same loader as 0002."""

from importlib import import_module


from django.db import migrations, models

# A module name starting with a digit cannot be imported with `import`.
load = import_module("geo_meldpunt.notifications.migrations.0002_email_templates").load


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_compliment_templates_staff_member'),
    ]

    operations = [
        migrations.AlterField(
            model_name='emailtemplate',
            name='key',
            field=models.CharField(choices=[('acknowledgement', 'acknowledgement to the reporter'), ('forwarded', 'forwarded to an external body'), ('waiting_for_reporter', 'waiting for the reporter'), ('answer', 'answer to the reporter'), ('answer_follower', 'answer to a follower'), ('inadmissible', 'not admissible: the reason, to the reporter'), ('satisfaction_question', 'satisfaction question'), ('ombudsman_details', 'ombudsman service details'), ('compliment_thanks', 'thanks for a compliment'), ('compliment_forward', 'compliment forwarded to the department'), ('department_digest', 'daily digest of overdue reports (department)'), ('coordinator_breaches', 'daily list of deadline breaches (coordinator)'), ('follow_confirmation', "confirming a follower's e-mail address")], max_length=40, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='outgoingemail',
            name='template_key',
            field=models.CharField(choices=[('acknowledgement', 'acknowledgement to the reporter'), ('forwarded', 'forwarded to an external body'), ('waiting_for_reporter', 'waiting for the reporter'), ('answer', 'answer to the reporter'), ('answer_follower', 'answer to a follower'), ('inadmissible', 'not admissible: the reason, to the reporter'), ('satisfaction_question', 'satisfaction question'), ('ombudsman_details', 'ombudsman service details'), ('compliment_thanks', 'thanks for a compliment'), ('compliment_forward', 'compliment forwarded to the department'), ('department_digest', 'daily digest of overdue reports (department)'), ('coordinator_breaches', 'daily list of deadline breaches (coordinator)'), ('follow_confirmation', "confirming a follower's e-mail address")], max_length=40, verbose_name='e-mail'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
