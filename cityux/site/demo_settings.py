"""Settings of `make demo` (scripts/demo.py): the dev settings, plus a Celery broker that needs
no server and a pipeline quick enough for a newcomer to see their own visit.

The broker is `CELERY_BROKER_URL` when it is set (Redis in CI), else kombu's filesystem transport
in `CITYUX_DEMO_STATE` (a folder the launcher owns). Never use these settings in production.
"""

import os
from pathlib import Path

from cityux.settings.dev import *  # noqa: F403
from cityux.settings.dev import BASE_DIR, CELERY_BEAT_SCHEDULE

DEMO_STATE = Path(os.environ.get("CITYUX_DEMO_STATE") or BASE_DIR / ".demo")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
CELERY_TASK_ALWAYS_EAGER = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = DEMO_STATE / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "control_folder": str(DEMO_STATE / "broker-control"),
        "store_processed": False,
    }

# A demo visit is closed after 20 s without events (production: 30 minutes) and processed
# every 10 s, so it reaches the dashboards within a minute of the last click.
CITYUX_ANALYTICS = {"SESSION_IDLE_MINUTES": 1 / 3}
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "cityux-analytics-process-sessions": {
        "task": "cityux_analytics.process_sessions",
        "schedule": 10.0,
    },
    "cityux-analytics-drain-spool": {"task": "cityux_analytics.drain_spool", "schedule": 10.0},
}
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Batches reach the worker as one Celery message each; there is no Redis buffer to drain.
    CELERY_BEAT_SCHEDULE.pop("cityux-analytics-drain-buffer", None)
