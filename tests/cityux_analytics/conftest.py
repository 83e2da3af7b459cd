import contextlib
import os

import pytest
from celery import current_app
from kombu import pools
from wagtail.models import Page, Site

from cityux.consent import ANALYTICS
from cityux.models import Department, DepartmentRootPage


@pytest.fixture
def licence_page(city):
    """ "Apply for a licence" under a "Business" section that economic development owns."""
    home = Site.objects.get(is_default_site=True).root_page
    section = home.add_child(instance=Page(title="Business", slug="business"))
    page = section.add_child(instance=Page(title="Apply for a licence", slug="apply"))
    department = Department.objects.get(slug="economic-development")
    DepartmentRootPage.objects.create(department=department, page=section)
    return page


@pytest.fixture
def consented_client(client, city):
    client.post("/cityux/cookies/", {"action": "save", "groups": [ANALYTICS]})
    return client


@contextlib.contextmanager
def celery_broker(url, queue=None):
    """Point the project's Celery app at a real broker (not eager) for the duration."""
    app = current_app._get_current_object()
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    # Celery lets the CELERY_BROKER_URL environment variable win over its configuration.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(broker_url=url, task_always_eager=False)
    if queue:
        app.conf.task_default_queue = queue
    _forget_connections(app)
    try:
        yield app
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(saved)
        _forget_connections(app)


def _forget_connections(app):
    """Drop every pooled broker connection, so the next call connects to the new broker."""
    pools.reset()  # kombu's global pools, which even eager calls acquire a producer from
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached page lookups must not leak from one test to the next."""
    from django.core.cache import cache

    from cityux_analytics import ratelimit

    cache.clear()
    ratelimit.reset()
    yield
    cache.clear()
    ratelimit.reset()
