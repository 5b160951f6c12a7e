"""Outgoing e-mails: the "sending" status, committed with the attempt before the SMTP conversation, and when it
began (`sending_since`), so that a conversation cut off by a dying worker is sent again (notifications/outbox.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0006_answer_follower_without_tracking_link'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingemail',
            name='sending_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sending since'),
        ),
        migrations.AlterField(
            model_name='outgoingemail',
            name='status',
            field=models.CharField(choices=[('queued', 'queued'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(condition=models.Q(('status', 'sending')), fields=['sending_since'], name='outgoing_email_sending_since'),
        ),
    ]
