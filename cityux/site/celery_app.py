"""The reference site's Celery app: `celery -A cityux.site.celery_app worker -B`.

A city's own site keeps its own Celery app and merges `cityux.celery.beat_schedule()`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityux.settings.dev")

app = Celery("cityux")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
