"""The "Collect health" admin page: what city IT sees, exports and retries."""

import pytest
from django.contrib.auth.models import Permission

from cityux_analytics.dead_letters import dead_letter, payload_bytes
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import BatchSource, DeadLetteredBatch, RawEvent, SpooledBatch
from tests.cityux_analytics.conftest import celery_broker
from tests.cityux_analytics.factories import T0, batch, click, view
from tests.cityux_analytics.test_redis_restart import RedisServer

pytestmark = pytest.mark.django_db
URL = "/admin/cityux/collect-health/"


@pytest.fixture
def city_it(client, django_user_model):
    user = django_user_model.objects.create_superuser("it", "it@city.example", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def troubled():
    """One stored batch, one dead letter that will store once retried, one spooled batch."""
    ingest_batch(batch([view("/")]))
    dead_letter(
        payload_bytes(batch([view("/"), click(T0 + 5)])),
        BatchSource.MESSAGE,
        RuntimeError("database is locked"),
    )
    SpooledBatch.objects.create(payload=batch([view("/")]), last_error="broker down")


def test_city_it_sees_ingested_dead_lettered_and_spooled_counts_and_the_last_error(
    city_it, troubled
):
    response = city_it.get(URL)
    assert response.status_code == 200
    health = response.context["health"]
    assert (health.ingested_last_hour, health.dead_lettered, health.spooled) == (1, 1, 1)
    assert "RuntimeError: database is locked" in response.text
    assert "Retry dead-lettered batches" in response.text


def test_a_user_without_the_permission_cannot_open_it(client, django_user_model, troubled):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "database is locked" not in response.text


def test_the_view_permission_opens_it_without_the_retry_button(client, django_user_model, troubled):
    user = django_user_model.objects.create_user("auditor", password="pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_deadletteredbatch"),
    )
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200 and "Retry dead-lettered" not in response.text
    assert client.post(URL + "retry/").status_code in (302, 403)  # Wagtail redirects home
    assert DeadLetteredBatch.objects.count() == 1


def test_the_dead_letters_export_as_csv_with_their_bytes(city_it, troubled):
    response = city_it.get(URL, {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert "RuntimeError: database is locked" in text
    assert '""sid""' in text  # the batch's JSON, quoted in its cell


def test_retrying_from_the_page_stores_the_batch(city_it, troubled):
    response = city_it.post(URL + "retry/", follow=True)
    assert "1 batch stored; 0 still failing." in response.text
    assert DeadLetteredBatch.objects.count() == 0 and RawEvent.objects.count() == 3


def test_the_page_warns_when_the_buffers_redis_does_not_persist(city_it, tmp_path):
    server = RedisServer(tmp_path, appendonly="no")
    server.start()
    try:
        with celery_broker(server.url):
            response = city_it.get(URL)
    finally:
        server.kill()
    assert response.context["health"].queued == 0
    assert "does not persist" in response.text


def test_the_settings_menu_shows_it_to_city_it_only(city_it, client, django_user_model):
    assert "cityux-collect-health" in city_it.get("/admin/").text
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert "cityux-collect-health" not in client.get("/admin/").text


def test_groups_can_be_given_collect_health_in_the_admin(city_it):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    group = Group.objects.create(name="City IT")
    response = city_it.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    for codename in ("view_deadletteredbatch", "change_deadletteredbatch"):
        permission = Permission.objects.get(codename=codename)
        assert f'value="{permission.pk}"' in response.text
