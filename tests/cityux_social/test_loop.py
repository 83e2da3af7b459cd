"""Closing the loop: the logged and fixed replies, rate limits, residents who said no."""

import datetime
import json

import pytest
from django.utils import timezone

from cityux_social import loop
from cityux_social.models import SocialPost, Source
from cityux_social.tickets.models import Reply, Ticket
from cityux_social.tickets.tasks import sync_tickets
from tests.cityux_social.fake_open311 import FakeOpen311


@pytest.fixture
def open311(settings, monkeypatch):
    with FakeOpen311(api_key="loop-key") as server:
        settings.CITYUX_SOCIAL = {
            **settings.CITYUX_SOCIAL,
            "OPEN311": {"ENDPOINT": server.base_url, "TIMEOUT": 2},
        }
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", "loop-key")
        yield server


@pytest.fixture
def ticketed_post(request_types, file_source):
    """A post already accepted, with an open ticket #6001 on the fake server's side."""

    def make(text="Pothole on Elm Street", external_id="p1", service_request_id="6001"):
        post = SocialPost.objects.create(
            source=file_source,
            external_id=external_id,
            author_handle="@ana",
            text=text,
            request_type=request_types["pothole"],
            department=request_types["pothole"].department,
            status=SocialPost.Status.TICKETED,
            decided_at=timezone.now(),
        )
        Ticket.objects.create(
            post=post,
            backend="open311",
            service_request_id=service_request_id,
            status=Ticket.Status.OPEN,
        )
        return post

    return make


def outbox(source):
    try:
        with open(source.config["outbox"], encoding="utf-8") as handle:
            return [json.loads(line)["text"] for line in handle]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize(
    "text",
    ["Pothole on Elm, don't reply", "no reply needed", "Please do not contact me", "No DMs please"],
)
def test_residents_who_ask_not_to_be_contacted_are_recognised(text):
    assert loop.asks_not_to_be_contacted(text)


@pytest.mark.parametrize(
    "text",
    ["Still no response from the city!", "Still no reply from the city", "Reply guy energy", ""],
)
def test_ordinary_posts_do_not_count_as_asking_for_no_contact(text):
    assert not loop.asks_not_to_be_contacted(text)


def test_reply_template_fills_the_ticket_number_and_keeps_unknown_placeholders():
    assert (
        loop.reply_text("Logged as #{ticket_id} {eta}", ticket_id="6001") == "Logged as #6001 {eta}"
    )
    assert loop.reply_text("Broken {", ticket_id="1") == "Broken {"


def test_logged_then_fixed_replies_are_sent_and_logged(ticketed_post, open311):
    post = ticketed_post()
    loop.close_the_loop(post, Reply.Kind.LOGGED)
    open311._create({"service_code": "POTHOLE", "lat": "39.5", "long": "-104.5"})
    open311.close_request("6001")
    sync_tickets()
    post.refresh_from_db()
    assert post.status == SocialPost.Status.CLOSED
    assert post.ticket.closed_at is not None
    assert outbox(post.source) == [
        "Thanks — logged as request #6001. We'll tell you when it's fixed.",
        "Fixed — thanks for reporting!",
    ]
    assert sorted(post.replies.values_list("kind", "status")) == [
        ("fixed", "sent"),
        ("logged", "sent"),
    ]


def test_an_open_ticket_gets_no_fixed_reply(ticketed_post, open311):
    post = ticketed_post()
    open311._create({"service_code": "POTHOLE", "lat": "39.5", "long": "-104.5"})
    sync_tickets()
    post.ticket.refresh_from_db()
    assert post.ticket.status == Ticket.Status.OPEN
    assert post.ticket.checked_at is not None
    assert outbox(post.source) == []


def test_a_reply_is_sent_once_however_often_it_is_asked_for(ticketed_post):
    post = ticketed_post()
    loop.close_the_loop(post, Reply.Kind.LOGGED)
    loop.close_the_loop(post, Reply.Kind.LOGGED)
    assert len(outbox(post.source)) == 1


def test_over_the_hourly_limit_a_reply_waits_and_is_sent_later(ticketed_post, file_source):
    Source.objects.filter(pk=file_source.pk).update(replies_per_hour=1)
    first, second = ticketed_post(external_id="a"), ticketed_post(external_id="b")
    loop.close_the_loop(first, Reply.Kind.LOGGED)
    waiting = loop.close_the_loop(second, Reply.Kind.LOGGED)
    assert waiting.status == Reply.Status.QUEUED
    assert "1 replies in the last hour" in waiting.error
    assert loop.send_queued_replies() == 0
    Reply.objects.filter(post=first).update(sent_at=timezone.now() - datetime.timedelta(minutes=61))
    assert loop.send_queued_replies() == 1
    assert len(outbox(file_source)) == 2


def test_a_resident_who_said_dont_reply_gets_nothing(ticketed_post):
    post = ticketed_post(text="Pothole on Elm Street. Don't reply, just fix it")
    reply = loop.close_the_loop(post, Reply.Kind.LOGGED)
    assert reply.status == Reply.Status.SKIPPED
    assert reply.error == "The resident asked not to be contacted."
    assert outbox(post.source) == []


def test_staff_marking_do_not_contact_stops_replies(ticketed_post):
    post = ticketed_post()
    post.do_not_contact = True
    post.save()
    assert loop.close_the_loop(post, Reply.Kind.FIXED).status == Reply.Status.SKIPPED
    assert outbox(post.source) == []


def test_a_failing_connector_is_logged_and_retried(ticketed_post, file_source):
    outbox_path = file_source.config.pop("outbox")
    file_source.save()
    post = ticketed_post()
    reply = loop.close_the_loop(post, Reply.Kind.LOGGED)
    assert reply.status == Reply.Status.FAILED
    assert 'no "outbox" configured' in reply.error
    file_source.config["outbox"] = outbox_path
    file_source.save()
    assert loop.send_queued_replies() == 1
    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert reply.attempts == 2
