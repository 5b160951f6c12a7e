import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo_meldpunt.settings.local")
app = Celery("geo_meldpunt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
