# The Celery app is loaded with Django so that tasks queued with .delay() find their broker.
from .celery import app as celery_app

__all__ = ("celery_app",)
