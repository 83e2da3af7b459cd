"""Open311 tickets end to end, against the spec-validating fake in JSON and XML: the service
cache and its beat task, the accept form's attributes, id 0, tokens given up, nothing lost."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_social import decisions
from cityux_social.models import RequestType, SocialPost
from cityux_social.tickets.models import Open311Service, Ticket
from cityux_social.tickets.tasks import refresh_open311_services, sync_tickets
from tests.cityux_social.fake_open311 import FakeOpen311

KEY = "tickets-key"


@pytest.fixture(params=["json", "xml"])
def fmt(request):
    return request.param


@pytest.fixture
def server_factory(settings, monkeypatch, fmt):
    servers = []

    def start(**options):
        server = FakeOpen311(api_key=KEY, jurisdiction_id="city.gov", **options).start()
        servers.append(server)
        settings.CITYUX_SOCIAL = {
            **settings.CITYUX_SOCIAL,
            "OPEN311": {
                "ENDPOINT": server.base_url,
                "TIMEOUT": 2,
                "JURISDICTION_ID": "city.gov",
                "FORMAT": fmt,
            },
        }
        monkeypatch.setenv("CITYUX_OPEN311_API_KEY", KEY)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def open311(server_factory):
    return server_factory()


@pytest.fixture
def works_lead(city, make_lead):
    return make_lead(Department.objects.get(slug="public-works"), username="works")


@pytest.fixture
def light_type(request_types):
    return RequestType.objects.create(
        name="Street light",
        department=Department.objects.get(slug="public-works"),
        open311_service_code="STREETLIGHT",
        keywords="streetlight",
    )


@pytest.fixture
def light_post(light_type, file_source):
    return SocialPost.objects.create(
        source=file_source,
        external_id="light-1",
        text="The street light on Elm is flickering all night",
        request_type=light_type,
        department=light_type.department,
        status=SocialPost.Status.NEEDS_REVIEW,
        latitude=39.5,
        longitude=-104.5,
    )


def test_the_beat_schedule_refreshes_the_services():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cityux_social.refresh_open311_services" in tasks


def test_services_and_definitions_are_cached_and_unlisted_ones_kept(db, open311, fmt):
    Open311Service.objects.create(service_code="GONE", service_name="Retired")
    assert refresh_open311_services() == {"services": 4}
    light = Open311Service.objects.get(service_code="STREETLIGHT")
    assert light.metadata and light.listed
    assert [a.code for a in light.attributes][:3] == ["DANGER", "POLE", "KIND"]
    assert not Open311Service.objects.get(service_code="POTHOLE").attributes
    assert not Open311Service.objects.get(service_code="GONE").listed
    paths = {r.path for r in open311.received}
    assert f"/open311/v2/services/STREETLIGHT.{fmt}" in paths


def test_the_accept_form_shows_the_attributes_in_order_with_their_descriptions(
    client, works_lead, light_post, open311
):
    refresh_open311_services()
    client.force_login(works_lead)
    html = client.get(reverse("cityux_social_inbox:post", args=[light_post.pk])).content.decode()
    assert "Details the city asks for a Street light" in html
    assert "A wire on the ground? Call 911 now." in html  # informational, no field
    positions = [
        html.index(text)
        for text in (
            "Pole number (required)",
            "What is wrong with the light? (required)",
            "Height of the light",
            "Out since",
            "Anything else the crew should know",
            "What is near the light?",
        )
    ]
    assert positions == sorted(positions)
    assert "The number on the pole&#x27;s metal tag." in html
    assert 'type="datetime-local"' in html and 'type="checkbox"' in html
    assert '<option value="flicker">Flickering</option>' in html


def accept_light(client, post, **fields):
    prefix = f"attribute-{post.request_type_id}-"
    data = {
        "action": "accept",
        "request_type": post.request_type_id,
        "description": "Flickering light on Elm",
        "latitude": "39.5",
        "longitude": "-104.5",
    }
    data.update({prefix + code: value for code, value in fields.items()})
    return client.post(reverse("cityux_social_inbox:post", args=[post.pk]), data)


def test_a_missing_required_attribute_keeps_the_post_undecided(
    client, works_lead, light_post, open311
):
    refresh_open311_services()
    client.force_login(works_lead)
    response = accept_light(client, light_post, KIND="out", HEIGHT="tall")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The city&#x27;s request system needs this for this type." in html
    assert "not a number" in html
    light_post.refresh_from_db()
    assert light_post.status == SocialPost.Status.NEEDS_REVIEW
    assert not Ticket.objects.exists() and open311.posts == []


def test_accepted_attributes_reach_the_server_encoded_per_spec(
    client, works_lead, light_post, open311, django_capture_on_commit_callbacks
):
    refresh_open311_services()
    client.force_login(works_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = accept_light(
            client, light_post, POLE="P-77", KIND="flicker", SINCE="2026-12-01T18:30",
            NEAR=["school", "crossing"],
        )  # fmt: skip
    assert response.status_code == 302
    ticket = Ticket.objects.get(post=light_post)
    assert ticket.attributes["NEAR"] == ["school", "crossing"]
    (post,) = open311.posts
    sent = [pair for pair in post.pairs if pair[0].startswith("attribute")]
    assert ("attribute[POLE]", "P-77") in sent and ("attribute[KIND]", "flicker") in sent
    assert [v for n, v in sent if n == "attribute[NEAR][]"] == ["school", "crossing"]
    assert any(n == "attribute[SINCE]" and v.endswith("Z") for n, v in sent)
    light_post.refresh_from_db()
    assert light_post.status == SocialPost.Status.TICKETED


def test_a_ticket_without_its_required_details_fails_readably_and_is_corrected_on_retry(
    client, light_post, works_lead, open311, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = decisions.accept(
            light_post, works_lead, light_post.request_type, light_post.department, "Light out",
            39.5, -104.5,
        )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FAILED and not ticket.error_is_transient
    assert ticket.last_error == (
        "The request's details do not fit the service STREETLIGHT: Pole number: required; "
        "What is wrong with the light?: required."
    )
    assert open311.posts == []  # the definition was read live (and cached) and checked first
    light_post.refresh_from_db()
    assert light_post.status == SocialPost.Status.TICKET_FAILED

    client.force_login(works_lead)
    url = reverse("cityux_social_inbox:post", args=[light_post.pk])
    html = client.get(url).content.decode()
    assert "Send again" in html and "Pole number (required)" in html
    prefix = f"attribute-{light_post.request_type_id}-"
    response = client.post(url, {"action": "retry", prefix + "KIND": "out"})
    assert response.status_code == 400
    assert "Not sent: correct the details below." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FAILED and ticket.attributes == {}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "retry", prefix + "KIND": "out", prefix + "POLE": "P-9"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.service_request_id == "6001"
    assert ticket.attributes == {"POLE": "P-9", "KIND": "out"}
    assert ("attribute[POLE]", "P-9") in open311.posts[0].pairs


def test_bulk_accept_leaves_types_that_need_details_to_their_page(light_post, works_lead, open311):
    refresh_open311_services()
    result = decisions.bulk_accept([light_post], works_lead)
    assert result.skipped == [(light_post, "its type needs details: accept it on its own page")]


def test_request_id_zero_makes_a_ticket_and_closes_it(
    server_factory, light_post, works_lead, django_capture_on_commit_callbacks
):
    server = server_factory(first_id=0)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = decisions.accept(
            light_post, works_lead, light_post.request_type, light_post.department, "Light",
            39.5, -104.5, attributes={"POLE": "9", "KIND": "day"},
        )  # fmt: skip
    ticket.refresh_from_db()
    assert (ticket.status, ticket.service_request_id, ticket.reference) == ("open", "0", "0")
    server.close_request("0")
    sync_tickets()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_a_token_never_resolved_is_given_up_then_sent_again_once(
    open311, light_post, works_lead, django_capture_on_commit_callbacks
):
    open311.token_only = True
    with django_capture_on_commit_callbacks(execute=True):
        ticket = decisions.accept(
            light_post, works_lead, light_post.request_type, light_post.department, "Light",
            39.5, -104.5, attributes={"POLE": "9", "KIND": "day"},
        )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING and ticket.token == "tok-0001"
    sync_tickets()  # not yet: keeps waiting
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING
    Ticket.objects.filter(pk=ticket.pk).update(
        token_received_at=timezone.now() - datetime.timedelta(hours=49)
    )
    sync_tickets()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FAILED and not ticket.error_is_transient
    assert ticket.last_error.startswith(
        "The Open311 server has not turned token tok-0001 into a request in 48 hours; its last "
        "answer: The Open311 server found nothing at this address (404): token not yet processed"
    )
    assert ticket.token == ""
    open311.token_only = False
    with django_capture_on_commit_callbacks(execute=True):
        decisions.retry_ticket(light_post, works_lead)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.service_request_id == "6001"
    assert len(open311.posts) == 2 and len(open311.service_requests) == 1


def test_retention_scrubs_the_attribute_answers_and_address_id(light_post, works_lead, db):
    from cityux_social.retention import scrub_author_data

    ticket = Ticket.objects.create(
        post=light_post,
        backend=Ticket.Backend.OPEN311,
        attributes={"NOTES": "Ana from 12 Elm says it buzzes"},
        address_id="ADDR-12",
        service_request_id="0",
    )
    SocialPost.objects.filter(pk=light_post.pk).update(
        fetched_at=timezone.now() - datetime.timedelta(days=400)
    )
    scrub_author_data()
    ticket.refresh_from_db()
    assert (ticket.attributes, ticket.address_id, ticket.service_request_id) == ({}, "", "0")


def test_the_first_ticket_caches_the_service_list_so_the_next_does_not_ask(
    light_post, works_lead, open311, fmt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = decisions.accept(
            light_post, works_lead, light_post.request_type, light_post.department, "Light",
            39.5, -104.5, attributes={"POLE": "9", "KIND": "day"},
        )  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert set(Open311Service.objects.values_list("service_code", flat=True)) == {
        "POTHOLE", "MISSED-BIN", "CODE", "STREETLIGHT"
    }  # fmt: skip
    asked = [r.path for r in open311.received if r.method == "GET"]
    assert asked == [f"/open311/v2/services.{fmt}", f"/open311/v2/services/STREETLIGHT.{fmt}"]
