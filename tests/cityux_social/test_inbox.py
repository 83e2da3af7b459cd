"""The inbox in the admin: escaped cards, filters, scoping, forms, bulk actions, export, hub."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_social.hub import duration_words, median_duration, table_by_type
from cityux_social.inbox.views import rule_reasons, safe_link, time_in_queue
from cityux_social.models import SocialPost
from cityux_social.tickets.models import Reply, Ticket
from tests.cityux_social.fake_open311 import FakeOpen311

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"> pothole on Elm'
INDEX = "cityux_social_inbox:index"


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def works_lead(works, make_lead):
    return make_lead(works, username="works")


@pytest.fixture
def bins_lead(city, make_lead):
    return make_lead(Department.objects.get(slug="sanitation"), username="bins")


@pytest.fixture
def posts(request_types, file_source):
    pothole, bin_ = request_types["pothole"], request_types["bin"]
    hostile = SocialPost.objects.create(
        source=file_source,
        external_id="hostile",
        author_handle="@mallory",
        author_name='<b onmouseover="alert(2)">Mallory</b>',
        author_followers=1200,
        text=HOSTILE,
        url="javascript:alert(3)",
        place="Elm Street & 3rd",
        request_type=pothole,
        department=pothole.department,
        confidence=0.52,
        status=SocialPost.Status.NEEDS_REVIEW,
        rule_matches=[{"request_type": pothole.pk, "reasons": ["'pothole' in the text"]}],
        posted_at=timezone.now() - datetime.timedelta(hours=2),
        latitude=39.5,
        longitude=-104.5,
    )
    sure = SocialPost.objects.create(
        source=file_source,
        external_id="sure",
        author_handle="@ana",
        text="Huge pothole on Oak Lane",
        url="https://social.example/@ana/1",
        request_type=pothole,
        department=pothole.department,
        confidence=0.97,
        status=SocialPost.Status.NEW,
        latitude=39.6,
        longitude=-104.6,
    )
    bins = SocialPost.objects.create(
        source=file_source,
        external_id="bins",
        author_handle="@ben",
        text="Missed pickup on Willow Street",
        request_type=bin_,
        department=bin_.department,
        confidence=0.8,
        status=SocialPost.Status.NEW,
    )
    return {"hostile": hostile, "sure": sure, "bins": bins}


def test_post_with_script_and_onerror_renders_as_text(client, works_lead, posts):
    client.force_login(works_lead)
    for url in (reverse(INDEX), reverse("cityux_social_inbox:post", args=[posts["hostile"].pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert 'onerror="alert(1)"' not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "onerror=&quot;alert(1)&quot;" in html
        assert '<b onmouseover="alert(2)">' not in html
        assert "javascript:alert(3)" not in html


def test_card_shows_author_reach_place_reasons_and_confidence(client, works_lead, posts):
    client.force_login(works_lead)
    html = client.get(reverse(INDEX)).content.decode()
    assert "1200 followers" in html
    assert "Elm Street &amp; 3rd" in html
    assert "&#x27;pothole&#x27; in the text" in html
    assert "confidence 52%" in html
    assert 'href="https://social.example/@ana/1"' in html


def test_lead_sees_only_their_departments_posts(client, works_lead, posts):
    client.force_login(works_lead)
    html = client.get(reverse(INDEX)).content.decode()
    assert "Huge pothole on Oak Lane" in html
    assert "Missed pickup on Willow Street" not in html


def test_lead_of_another_department_cannot_open_or_act_on_a_post(client, bins_lead, posts):
    client.force_login(bins_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "dismiss", "reason": "Spam or abuse"})
    assert response.status_code == 403
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.NEW


def test_bulk_action_ignores_posts_of_another_department(client, bins_lead, posts):
    client.force_login(bins_lead)
    client.post(
        reverse("cityux_social_inbox:bulk"),
        {"action": "dismiss", "reason": "Spam or abuse", "post": [posts["sure"].pk]},
    )
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.NEW


def test_user_without_department_gets_403(client, django_user_model, posts):
    user = django_user_model.objects.create_user(username="nobody", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse(INDEX)).status_code == 403
    response = client.post(
        reverse("cityux_social_inbox:bulk"),
        {"action": "dismiss", "reason": "Spam or abuse", "post": [posts["sure"].pk]},
    )
    assert response.status_code == 403
    assert not SocialPost.objects.filter(status=SocialPost.Status.DISMISSED).exists()


def test_needs_review_lists_the_models_unsure_posts_first(client, works_lead, posts):
    client.force_login(works_lead)
    html = client.get(reverse("cityux_social_inbox:review")).content.decode()
    assert html.index("@mallory") < html.index("Huge pothole on Oak Lane")


def test_filters_by_confidence_and_status(client, works_lead, posts):
    client.force_login(works_lead)
    html = client.get(reverse(INDEX), {"confidence_from": 90}).content.decode()
    assert "Huge pothole on Oak Lane" in html
    assert "@mallory" not in html
    html = client.get(reverse(INDEX), {"status": "dismissed"}).content.decode()
    assert "Huge pothole on Oak Lane" not in html


def test_dismiss_form_dismisses_with_the_reason(client, works_lead, posts):
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    response = client.post(url, {"action": "dismiss", "reason": "Already reported"})
    assert response.status_code == 302
    posts["sure"].refresh_from_db()
    assert posts["sure"].dismiss_reason == "Already reported"
    assert posts["sure"].decided_by == works_lead


def test_accept_form_with_missing_location_explains_and_keeps_the_post(client, works_lead, posts):
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    response = client.post(
        url,
        {
            "action": "accept",
            "request_type": posts["sure"].request_type_id,
            "description": "Pothole, Oak Lane",
        },
    )
    assert response.status_code == 400
    assert "needs a location or address" in response.content.decode()
    assert "Pothole, Oak Lane" in response.content.decode()  # what was typed is kept
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.NEW


def test_accept_with_an_unreachable_ticket_system_shows_the_error_and_a_retry(
    client, works_lead, posts, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CITYUX_SOCIAL = {
        **settings.CITYUX_SOCIAL,
        "OPEN311": {"ENDPOINT": "http://127.0.0.1:9/open311/v2", "TIMEOUT": 0.5},
    }
    monkeypatch.setenv("CITYUX_OPEN311_API_KEY", "k")
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "accept",
                "request_type": posts["sure"].request_type_id,
                "description": "Pothole, Oak Lane",
                "latitude": "39.6",
                "longitude": "-104.6",
            },
        )
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.TICKET_FAILED
    html = client.get(url).content.decode()
    assert "could not be reached" in html
    assert "Send again" in html


def test_inbox_exports_csv_of_the_leads_posts(client, works_lead, posts):
    client.force_login(works_lead)
    response = client.get(reverse(INDEX), {"export": "csv", "status": "all"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Post", "Posted at", "Source"]
    texts = {row[5] for row in rows[1:]}
    assert texts == {HOSTILE, "Huge pothole on Oak Lane"}


def test_inbox_exports_xlsx(client, works_lead, posts):
    client.force_login(works_lead)
    response = client.get(reverse(INDEX), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_hub_shows_the_social_section_for_the_department(client, works_lead, posts, works):
    posts["sure"].status = SocialPost.Status.CLOSED
    posts["sure"].decided_at = timezone.now()
    posts["sure"].save()
    Ticket.objects.create(
        post=posts["sure"], backend="open311", status="closed", closed_at=timezone.now()
    )
    client.force_login(works_lead)
    html = client.get(reverse("cityux_hub:department", args=[works.slug])).content.decode()
    assert "Social inbox" in html
    assert "Posts by type of request and status" in html
    assert "Median time to accept" in html


def test_hub_never_says_nothing_fixed_beside_fixed_posts(client, works_lead, posts, works):
    # Fixed posts whose tickets carry no closing time (imported, or fixed before tickets).
    posts["sure"].status = SocialPost.Status.CLOSED
    posts["sure"].save()
    client.force_login(works_lead)
    html = client.get(reverse("cityux_hub:department", args=[works.slug])).content.decode()
    assert "nothing fixed yet" not in html
    assert "not recorded for the 1 fixed post" in html
    assert "1 accepted, 0 dismissed" in html


def test_median_duration_ignores_negative_durations():
    minutes = [datetime.timedelta(minutes=m) for m in (10, 30, -5, 50)]
    assert median_duration(minutes) == datetime.timedelta(minutes=30)
    assert median_duration([]) is None


def test_durations_read_as_people_say_them():
    assert duration_words(datetime.timedelta(minutes=45)) == "45 min"
    assert duration_words(datetime.timedelta(hours=3, minutes=20)) == "3 h 20 min"
    assert duration_words(datetime.timedelta(days=3, hours=4)) == "3 days 4 h"


def test_table_by_type_groups_statuses_into_columns():
    rows = table_by_type([("Pothole", "new", 2), ("Pothole", "closed", 1), (None, "dismissed", 4)])
    assert rows[1] == {"type": "Pothole", "cells": [2, 0, 0, 1, 0], "total": 3}
    assert rows[0]["type"] == "No type yet"


def test_only_web_links_are_linked():
    assert safe_link("https://x.example/1") == "https://x.example/1"
    assert safe_link("javascript:alert(1)") == ""
    assert safe_link(" data:text/html,hi") == ""


def test_rule_reasons_are_listed_once_in_order():
    post = SocialPost(rule_matches=[{"reasons": ["a", "b"]}, {"reasons": ["b", "c"]}, "junk"])
    assert rule_reasons(post) == ["a", "b", "c"]


def test_time_in_queue_stops_when_the_post_is_decided():
    start = timezone.now() - datetime.timedelta(days=3)
    post = SocialPost(
        posted_at=start, status="dismissed", decided_at=start + datetime.timedelta(hours=2)
    )
    assert time_in_queue(post) == "2\xa0hours"


def test_replies_log_lists_only_the_leads_departments_and_exports(client, works_lead, posts):
    Reply.objects.create(post=posts["sure"], kind="logged", text="Logged as #1", status="sent")
    Reply.objects.create(post=posts["bins"], kind="logged", text="Bins logged", status="sent")
    client.force_login(works_lead)
    html = client.get(reverse("cityux_social_inbox:replies")).content.decode()
    assert "Logged as #1" in html
    assert "Bins logged" not in html
    response = client.get(reverse("cityux_social_inbox:replies"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[7] for row in rows[1:]] == ["Logged as #1"]


def test_city_wide_overview_has_the_social_section(client, city_wide_analyst, posts):
    client.force_login(city_wide_analyst)
    html = client.get(reverse("cityux_hub:overview")).content.decode()
    assert "Posts by type of request and status" in html
    assert "Open the social inbox" in html


@pytest.fixture
def open311(settings, monkeypatch):
    with FakeOpen311(api_key="inbox-key") as server:
        settings.CITYUX_SOCIAL = {
            **settings.CITYUX_SOCIAL,
            "OPEN311": {"ENDPOINT": server.base_url, "TIMEOUT": 2},
        }
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", "inbox-key")
        yield server


def test_send_again_button_creates_the_ticket_once_the_server_is_back(
    client, works_lead, posts, open311, django_capture_on_commit_callbacks
):
    open311.fail_next("500")
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    accept = {
        "action": "accept",
        "request_type": posts["sure"].request_type_id,
        "description": "Pothole, Oak Lane",
        "latitude": "39.6",
        "longitude": "-104.6",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, accept)
    html = client.get(url).content.decode()
    assert "The Open311 server failed (500)" in html
    assert "Send again" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "retry"})
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.TICKETED
    assert posts["sure"].ticket.service_request_id == "6001"
    assert len(open311.service_requests) == 1


def test_bulk_accept_from_the_listing_sends_one_ticket_per_post(
    client, works_lead, posts, open311, django_capture_on_commit_callbacks
):
    client.force_login(works_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cityux_social_inbox:bulk"),
            {"action": "accept", "post": [posts["sure"].pk, posts["hostile"].pk]},
            follow=True,
        )
    assert "2 posts done." in response.content.decode()
    assert len(open311.posts) == 2


def test_staff_can_stop_replies_to_a_resident_from_the_post_page(client, works_lead, posts):
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    client.post(url, {"action": "contact", "do_not_contact": "1"})
    posts["sure"].refresh_from_db()
    assert posts["sure"].do_not_contact
    assert "Asked not to be contacted" in client.get(url).content.decode()


def test_assigning_from_the_post_page(client, works_lead, posts):
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    client.post(url, {"action": "assign", "assignee": works_lead.pk})
    posts["sure"].refresh_from_db()
    assert posts["sure"].assigned_to == works_lead
    html = client.get(reverse(INDEX), {"assigned": "me"}).content.decode()
    assert "Huge pothole on Oak Lane" in html
    assert "@mallory" not in html


def test_marking_an_e_mailed_request_fixed_tells_the_resident(
    client, works_lead, posts, django_capture_on_commit_callbacks
):
    pothole = posts["sure"].request_type
    pothole.ticket_backend = "email"
    pothole.email_to = "roads@city.example.gov"
    pothole.save()
    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[posts["sure"].pk])
    accept = {"action": "accept", "request_type": pothole.pk, "description": "Oak Lane hole"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**accept, "place": "Oak Lane"})
    client.post(url, {"action": "fixed"})
    posts["sure"].refresh_from_db()
    assert posts["sure"].status == SocialPost.Status.CLOSED
    assert list(posts["sure"].replies.order_by("kind").values_list("kind", "status")) == [
        ("fixed", "sent"),
        ("logged", "sent"),
    ]
