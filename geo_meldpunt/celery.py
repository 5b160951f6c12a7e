"""The Celery app: broker, queues and the beat schedule come from Django settings (CELERY_*).

Run beside the web server (`./dev serve` does): `celery -A geo_meldpunt worker` sends e-mails from the outbox,
`celery -A geo_meldpunt beat` queues the periodic jobs in CELERY_BEAT_SCHEDULE. Tasks live in each app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_meldpunt.settings.local")
app = Celery("geo_meldpunt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
