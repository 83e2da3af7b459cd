"""Accepting, dismissing and assigning posts; tickets through the fake Open311 server."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cityux.models import Department
from cityux_social import decisions
from cityux_social.models import RequestType, SocialPost
from cityux_social.tickets.base import due_for_automatic_retry
from cityux_social.tickets.models import Ticket
from cityux_social.tickets.open311 import with_reference
from cityux_social.tickets.tasks import sync_tickets
from tests.cityux_social.fake_open311 import FakeOpen311

API_KEY = "test-open311-key"


@pytest.fixture
def open311(settings, monkeypatch):
    with FakeOpen311(api_key=API_KEY, hang_seconds=3) as server:
        settings.CITYUX_SOCIAL = {
            **settings.CITYUX_SOCIAL,
            "OPEN311": {"ENDPOINT": server.base_url, "TIMEOUT": 0.5},
        }
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", API_KEY)
        yield server


@pytest.fixture
def make_post(request_types, file_source):
    def make(text="Huge pothole on Elm Street, please fix", type_="pothole", **fields):
        request_type = request_types[type_] if type_ else None
        defaults = {
            "source": file_source,
            "external_id": f"post-{SocialPost.objects.count() + 1}",
            "author_handle": "@ana",
            "text": text,
            "request_type": request_type,
            "department": request_type.department if request_type else None,
            "confidence": 0.55,
            "status": SocialPost.Status.NEEDS_REVIEW,
            "latitude": 39.5,
            "longitude": -104.5,
        }
        defaults.update(fields)
        return SocialPost.objects.create(**defaults)

    return make


@pytest.fixture
def works_lead(city, make_lead):
    return make_lead(Department.objects.get(slug="public-works"), username="works")


@pytest.fixture
def accept_as_proposed(django_capture_on_commit_callbacks):
    def run(post, user, **overrides):
        values = {
            "request_type": post.request_type,
            "department": post.request_type.department,
            "description": post.text,
            "latitude": post.latitude,
            "longitude": post.longitude,
            "place": post.place,
        }
        values.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = decisions.accept(post, user, **values)
        ticket.refresh_from_db()
        post.refresh_from_db()
        return ticket

    return run


def outbox_lines(source):
    path = source.config["outbox"]
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]
    except FileNotFoundError:
        return []


def test_accepting_sends_a_valid_geo_report_request(
    open311, make_post, works_lead, accept_as_proposed
):
    post = make_post()
    ticket = accept_as_proposed(post, works_lead, description="Pothole, 30 cm wide")
    (received,) = open311.posts
    assert received.form["service_code"] == "POTHOLE"
    assert received.form["api_key"] == API_KEY
    assert (received.form["lat"], received.form["long"]) == ("39.500000", "-104.500000")
    assert received.form["description"].startswith("Pothole, 30 cm wide")
    assert ticket.service_request_id == "6001"
    assert ticket.status == Ticket.Status.OPEN
    assert post.status == SocialPost.Status.TICKETED
    assert post.decided_by == works_lead


def test_accepting_tells_the_resident_the_request_number(
    open311, make_post, works_lead, accept_as_proposed
):
    post = make_post()
    accept_as_proposed(post, works_lead)
    (line,) = outbox_lines(post.source)
    assert "logged as request #6001" in line["text"]
    assert post.replies.get().status == "sent"


def test_an_error_list_leaves_the_post_in_ticket_failed_with_the_servers_words(
    open311, make_post, works_lead, accept_as_proposed
):
    open311.fail_next("400")
    post = make_post()
    ticket = accept_as_proposed(post, works_lead)
    assert post.status == SocialPost.Status.TICKET_FAILED
    assert ticket.status == Ticket.Status.FAILED
    assert "Service temporarily not accepting requests (400)" in ticket.last_error
    assert post.decided_by == works_lead  # the decision is kept


def test_retry_after_a_failure_creates_the_request(
    open311, make_post, works_lead, accept_as_proposed, django_capture_on_commit_callbacks
):
    open311.fail_next("403")
    post = make_post()
    ticket = accept_as_proposed(post, works_lead)
    assert "refused the API key" in ticket.last_error
    with django_capture_on_commit_callbacks(execute=True):
        decisions.retry_ticket(post, works_lead)
    ticket.refresh_from_db()
    post.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert post.status == SocialPost.Status.TICKETED
    assert len(open311.service_requests) == 1


def test_retry_after_a_lost_answer_adopts_the_request_instead_of_posting_again(
    open311, make_post, works_lead, accept_as_proposed, django_capture_on_commit_callbacks
):
    open311.fail_next("hang_after_create")
    post = make_post()
    ticket = accept_as_proposed(post, works_lead)
    assert ticket.status == Ticket.Status.FAILED
    assert "did not answer within" in ticket.last_error
    with django_capture_on_commit_callbacks(execute=True):
        decisions.retry_ticket(post, works_lead)
    ticket.refresh_from_db()
    assert ticket.service_request_id == "6001"
    assert len(open311.service_requests) == 1
    assert len(open311.posts) == 1


def test_a_token_is_resolved_by_sync_tickets(open311, make_post, works_lead, accept_as_proposed):
    open311.token_only = True
    post = make_post()
    ticket = accept_as_proposed(post, works_lead)
    assert ticket.status == Ticket.Status.PENDING
    assert ticket.token == "tok-0001"
    assert post.status == SocialPost.Status.ACCEPTED
    open311.resolve_tokens()
    sync_tickets()
    ticket.refresh_from_db()
    post.refresh_from_db()
    assert ticket.service_request_id == "6001"
    assert post.status == SocialPost.Status.TICKETED
    assert len(open311.posts) == 1


def test_a_missing_service_code_fails_with_a_clear_message(
    open311, make_post, works_lead, accept_as_proposed
):
    post = make_post()
    RequestType.objects.filter(pk=post.request_type_id).update(open311_service_code="")
    post.refresh_from_db()
    ticket = accept_as_proposed(post, works_lead)
    assert "Pothole has no Open311 service code" in ticket.last_error
    assert open311.posts == []


def test_e_mail_backend_sends_plain_text_to_the_designated_address(
    make_post, city_wide_analyst, accept_as_proposed, request_types
):
    request_types["bin"].ticket_backend = "email"
    request_types["bin"].email_to = "bins@city.example.gov"
    request_types["bin"].save()
    post = make_post(text="Missed pickup on Willow <b>Street</b>", type_="bin")
    ticket = accept_as_proposed(post, city_wide_analyst)
    (message,) = mail.outbox
    assert message.to == ["bins@city.example.gov"]
    assert "Missed pickup on Willow <b>Street</b>" in message.body
    assert ticket.reference == f"E-{ticket.pk}"
    assert post.status == SocialPost.Status.TICKETED


def test_dismissing_keeps_the_reason_and_who_decided(make_post, works_lead):
    post = make_post()
    decisions.dismiss(post, works_lead, "Not a service request")
    assert post.status == SocialPost.Status.DISMISSED
    assert post.dismiss_reason == "Not a service request"
    assert post.decided_by == works_lead


def test_dismissing_needs_a_reason(make_post, works_lead):
    with pytest.raises(ValidationError):
        decisions.dismiss(make_post(), works_lead, "  ")


def test_a_decided_post_cannot_be_decided_again(make_post, works_lead):
    post = make_post()
    decisions.dismiss(post, works_lead, "Spam")
    with pytest.raises(ValidationError, match="already decided"):
        decisions.dismiss(post, works_lead, "Spam")


def test_lead_of_another_department_cannot_accept_or_dismiss(make_post, make_lead):
    parks_lead = make_lead(Department.objects.get(slug="sanitation"), username="bins")
    post = make_post()
    with pytest.raises(PermissionDenied):
        decisions.dismiss(post, parks_lead, "Not ours")
    with pytest.raises(PermissionDenied):
        decisions.accept(post, parks_lead, post.request_type, post.department, "x")
    post.refresh_from_db()
    assert post.status == SocialPost.Status.NEEDS_REVIEW


def test_a_type_of_another_department_is_refused(make_post, city_wide_analyst, request_types):
    post = make_post()
    with pytest.raises(ValidationError, match="handled by"):
        decisions.accept(post, city_wide_analyst, request_types["bin"], post.department, "Pothole")


def test_bulk_accept_skips_posts_without_a_proposed_type(
    open311, make_post, works_lead, django_capture_on_commit_callbacks
):
    typed, untyped = make_post(), make_post(type_=None, department=None)
    with django_capture_on_commit_callbacks(execute=True):
        result = decisions.bulk_accept([typed, untyped], works_lead)
    assert result.done == [typed]
    assert result.skipped == [(untyped, "no proposed type")]
    assert len(open311.service_requests) == 1


def test_bulk_dismiss_skips_posts_of_other_departments(make_post, works_lead):
    ours, theirs = make_post(), make_post(type_="bin")
    result = decisions.bulk_dismiss([ours, theirs], works_lead, "Spam or abuse")
    assert result.done == [ours]
    assert result.skipped == [(theirs, "not your department")]
    theirs.refresh_from_db()
    assert theirs.status == SocialPost.Status.NEEDS_REVIEW


def test_assigning_to_someone_who_cannot_see_the_department_is_refused(
    make_post, works_lead, make_lead, city_wide_analyst
):
    bins_lead = make_lead(Department.objects.get(slug="sanitation"), username="bins")
    post = make_post()
    with pytest.raises(ValidationError):
        decisions.assign(post, works_lead, bins_lead)
    decisions.bulk_assign([post], works_lead, works_lead)
    post.refresh_from_db()
    assert post.assigned_to == works_lead


def test_only_transient_failures_are_retried_automatically_with_growing_waits():
    now = timezone.now()
    timeout = Ticket(status="failed", error_is_transient=True, attempts=2)
    timeout.last_attempt_at = now - datetime.timedelta(minutes=3)
    assert not due_for_automatic_retry(timeout, now)  # waits 4 minutes after a 2nd attempt
    timeout.last_attempt_at = now - datetime.timedelta(minutes=5)
    assert due_for_automatic_retry(timeout, now)
    refused = Ticket(status="failed", error_is_transient=False, attempts=1, last_attempt_at=now)
    refused.last_attempt_at = now - datetime.timedelta(days=1)
    assert not due_for_automatic_retry(refused, now)


def test_sync_tickets_sends_a_ticket_whose_task_was_lost(
    open311, make_post, works_lead, accept_as_proposed
):
    post = make_post()
    ticket = Ticket.objects.create(post=post, backend="open311")
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    sync_tickets()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert len(open311.posts) == 1


def test_a_ticket_whose_worker_died_mid_request_is_found_not_posted_again(open311, make_post):
    post = make_post()
    ticket = Ticket.objects.create(post=post, backend="open311", attempts=1)
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    Ticket.objects.filter(pk=ticket.pk).update(last_attempt_at=ten_minutes_ago)
    # The dead worker's request reached the city's system before it died.
    open311._create(
        {
            "service_code": "POTHOLE",
            "lat": "39.5",
            "long": "-104.5",
            "description": with_reference("Pothole", ticket.submission_key),
        }
    )
    sync_tickets()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.service_request_id == "6001"
    assert open311.posts == []
