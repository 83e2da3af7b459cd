"""CityUX in a site's own Celery app: the beat schedule and task routes, in three lines.

CityUX's tasks are `shared_task`s: they bind to whatever Celery app the site runs. In the
site's settings::

    from cityux.celery import beat_schedule, task_routes

    CELERY_BEAT_SCHEDULE = {**beat_schedule(INSTALLED_APPS), **your_own_entries}
    CELERY_TASK_ROUTES = task_routes("cityux")  # optional: a queue of their own

and the site's usual Celery app (`app.config_from_object("django.conf:settings",
namespace="CELERY")`, `app.autodiscover_tasks()`), run as `celery -A mysite worker -B`
(`-Q celery,cityux` with the routes above). This module is the single source of the schedule:
the reference project's settings use it too.
"""

from celery.schedules import crontab

MINUTE = 60.0
DAY = 86400.0

# (entry name, task name, schedule). The task name's prefix is the app that owns it.
ENTRIES = (
    ("cityux-purge-tombstones", "cityux.purge_tombstones", DAY),
    ("cityux-analytics-drain-buffer", "cityux_analytics.drain_collect_buffer", 2.0),
    # Live: a click reaches the dashboards within seconds (cityux_analytics/live.py).
    ("cityux-analytics-detect-live", "cityux_analytics.detect_live", 2.0),
    ("cityux-analytics-drain-spool", "cityux_analytics.drain_spool", MINUTE),
    ("cityux-analytics-process-sessions", "cityux_analytics.process_sessions", 5 * MINUTE),
    ("cityux-analytics-purge", "cityux_analytics.purge_expired", DAY),
    ("cityux-analytics-retrain-worth", "cityux_analytics.retrain_worth_model", DAY),
    (
        "cityux-analytics-weekly-digest",
        "cityux_analytics.send_weekly_digests",
        crontab(hour=7, minute=0, day_of_week="mon"),
    ),
    ("cityux-personalize-purge", "cityux_personalize.purge_expired", DAY),
    ("cityux-personalize-flush-exposures", "cityux_personalize.flush_exposures", MINUTE),
    ("cityux-social-scrub-authors", "cityux_social.scrub_author_data", DAY),
    ("cityux-social-fetch", "cityux_social.fetch_sources", MINUTE),
    ("cityux-social-retrain", "cityux_social.retrain_classifier", 60 * MINUTE),
    ("cityux-social-open311-services", "cityux_social.refresh_open311_services", 60 * MINUTE),
    ("cityux-social-sync-tickets", "cityux_social.sync_tickets", 5 * MINUTE),
)

APPS = ("cityux", "cityux_analytics", "cityux_personalize", "cityux_social")


def _app_of(task_name):
    return task_name.split(".", 1)[0]


def beat_schedule(installed_apps=None):
    """Celery beat entries of every CityUX app in `installed_apps` (all four when None).

    Leaving out the entries of an app that is not installed keeps the worker from logging an
    unregistered task every minute.
    """
    wanted = set(APPS if installed_apps is None else installed_apps)
    return {
        name: {"task": task, "schedule": schedule}
        for name, task, schedule in ENTRIES
        if _app_of(task) in wanted
    }


def task_routes(queue):
    """`CELERY_TASK_ROUTES` that send every CityUX task (scheduled or not) to `queue`."""
    return {f"{app}.*": {"queue": queue} for app in APPS}
