"""`cityux.celery`: the beat schedule and routes a city's own Celery app merges in."""

from celery import Celery, current_app
from django.conf import settings

from cityux.celery import APPS, beat_schedule, task_routes


def test_every_scheduled_task_is_registered_and_the_reference_site_uses_the_helper():
    current_app.loader.import_default_modules()
    schedule = beat_schedule()
    assert schedule and {entry["task"] for entry in schedule.values()} <= set(current_app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE == beat_schedule(settings.INSTALLED_APPS)
    # Each app contributes its own entries (nothing scheduled for an app goes missing).
    assert {entry["task"].split(".")[0] for entry in schedule.values()} == set(APPS)


def test_a_site_without_an_app_gets_none_of_its_entries():
    schedule = beat_schedule(["wagtail", "cityux", "cityux_personalize"])
    apps = {entry["task"].split(".")[0] for entry in schedule.values()}
    assert apps == {"cityux", "cityux_personalize"}
    assert "cityux-personalize-flush-exposures" in schedule


def test_the_routes_send_every_cityux_task_and_only_those_to_the_queue():
    app = Celery("mysite", set_as_current=False)
    app.conf.task_routes = task_routes("cityux")
    router = app.amqp.router
    for entry in beat_schedule().values():
        assert router.route({}, entry["task"])["queue"].name == "cityux"
    assert router.route({}, "cityux_analytics.ingest")["queue"].name == "cityux"
    assert router.route({}, "mysite.send_newsletter")["queue"].name == "celery"
