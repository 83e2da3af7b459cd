"""The social part of the demo: request types, imported and classified posts, a model."""

import json

from cityux_social.demo import POSTS_FILE, build_social_demo
from cityux_social.models import ClassifierModel, RequestType, SocialPost


def test_demo_posts_file_has_sixty_posts_including_two_injection_attempts():
    records = [json.loads(line) for line in POSTS_FILE.read_text().splitlines()]
    assert len(records) == 60
    assert any("<script>" in r["text"] for r in records)
    assert any("onerror=" in r["text"] for r in records)


def test_demo_builds_request_types_in_the_right_departments(city):
    build_social_demo()
    assert dict(RequestType.objects.values_list("name", "department__slug")) == {
        "Pothole": "public-works",
        "Missed bin": "sanitation",
        "Code violation": "code-enforcement",
    }


def test_demo_imports_and_classifies_posts_with_an_active_model(city):
    summary = build_social_demo()
    model = ClassifierModel.objects.get(active=True)
    imported = SocialPost.objects.filter(source__slug="riverton-demo-import")
    assert summary["imported"] == 60 == imported.count()
    assert model.decisions_used == 48 and model.precision > 0.5 and model.recall > 0.5
    pothole = imported.get(external_id="riv-001")
    assert pothole.request_type.name == "Pothole" and pothole.department.slug == "public-works"
    assert pothole.rule_matches[0]["reasons"] == [
        "'pothole' in the text",
        "mentions @RivertonHelp",
        "inside city limits",
    ]
    assert imported.get(external_id="riv-003").suspected is False
    assert imported.filter(text__contains="<script>").count() == 1
    assert 0 < summary["needs_review"] < 60


def test_demo_runs_twice_without_duplicates(city):
    build_social_demo()
    again = build_social_demo()
    assert again["imported"] == 0
    assert SocialPost.objects.count() == 108
    assert RequestType.objects.count() == 3
    assert ClassifierModel.objects.count() == 1


def test_demo_tickets_go_by_email_unless_an_open311_server_is_configured(city, settings):
    build_social_demo()
    pothole = RequestType.objects.get(name="Pothole")
    assert pothole.ticket_backend == RequestType.TicketBackend.EMAIL
    assert pothole.email_to.endswith("@riverton.example")
    RequestType.objects.all().delete()
    settings.CITYUX_SOCIAL = {"OPEN311": {"ENDPOINT": "https://311.riverton.example/v2/"}}
    build_social_demo()
    assert (
        RequestType.objects.get(name="Pothole").ticket_backend == RequestType.TicketBackend.OPEN311
    )
