"""The Celery application: `celery -A cityux.celery worker -B` runs every CityUX task."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityux.settings.dev")

app = Celery("cityux")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
