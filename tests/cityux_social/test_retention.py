"""Retention of social posts: author data older than AUTHOR_RETENTION_DAYS is scrubbed by the
daily task, the decision stays, and younger posts keep everything."""

import datetime

import pytest
from django.utils import timezone

from cityux_social.models import SocialPost
from cityux_social.retention import SCRUBBED
from cityux_social.tasks import scrub_author_data
from cityux_social.tickets.models import Reply, Ticket

pytestmark = pytest.mark.django_db


def post(source, external_id, fetched_days_ago):
    created = SocialPost.objects.create(
        source=source,
        external_id=external_id,
        author_handle="@jane",
        author_name="Jane Roe",
        author_followers=120,
        text="Pothole on Elm Street, @jane here",
        url="https://social.example/@jane/1",
        place="Elm Street",
        latitude=41.1,
        longitude=-87.2,
        raw={"account": "jane"},
        description="Jane reports a pothole",
        status="ticketed",
    )
    fetched = timezone.now() - datetime.timedelta(days=fetched_days_ago)
    SocialPost.objects.filter(pk=created.pk).update(fetched_at=fetched)
    Reply.objects.create(post=created, kind="logged", text="Thanks @jane, logged as #12")
    Ticket.objects.create(post=created, backend="open311", service_request_id="12")
    return created


def author_data(pk):
    return SocialPost.objects.filter(pk=pk).values(*SCRUBBED).get()


def test_author_data_of_posts_older_than_the_retention_is_scrubbed(file_source):
    old, recent = post(file_source, "old", 181), post(file_source, "recent", 179)
    kept_before = author_data(recent.pk)
    assert scrub_author_data() == 1
    assert author_data(old.pk) == SCRUBBED
    assert author_data(recent.pk) == kept_before


def test_the_decision_and_the_ticket_stay_when_the_author_data_goes(file_source):
    old = post(file_source, "old", 181)
    scrub_author_data()
    old.refresh_from_db()
    assert (old.status, old.external_id) == ("ticketed", "old")
    assert Ticket.objects.get(post=old).service_request_id == "12"


def test_replies_to_an_old_post_lose_their_text(file_source):
    old, recent = post(file_source, "old", 181), post(file_source, "recent", 179)
    scrub_author_data()
    assert Reply.objects.get(post=old).text == ""
    assert Reply.objects.get(post=recent).text == "Thanks @jane, logged as #12"


def test_the_author_retention_is_a_setting(file_source, settings):
    post(file_source, "ten days", 10)
    settings.CITYUX_SOCIAL = {"AUTHOR_RETENTION_DAYS": 7}
    assert scrub_author_data() == 1
