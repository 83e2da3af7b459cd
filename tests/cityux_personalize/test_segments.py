"""Segments: compiled once, reloaded on publish / unpublish / delete, evaluated without queries."""

import json

from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from cityux_personalize import rules, segments
from cityux_personalize.models import CityArea, Questionnaire, Segment
from cityux_personalize.segments import GENERATION_KEY, active_segments, live_segments

from .conftest import choose


def make_segment(name, rules_data, publish=True, **fields):
    segment = Segment(name=name, rules=json.dumps(rules_data), live=False, **fields)
    segment.save()
    revision = segment.save_revision()
    if publish:
        revision.publish()
    return segment


DESKTOP = [{"type": "device", "value": {"device": "desktop"}}]


def names():
    return [segment.name for segment in live_segments()]


def test_publishing_a_segment_reloads_the_compiled_segments(city):
    make_segment("Desk workers", DESKTOP)
    assert names() == ["Desk workers"]
    make_segment("Phones", [{"type": "device", "value": {"device": "mobile"}}])
    assert names() == ["Desk workers", "Phones"]


def test_drafts_are_not_live(city):
    make_segment("Draft", DESKTOP, publish=False)
    assert names() == []


def test_unpublishing_and_deleting_remove_the_segment(city):
    first = make_segment("First", DESKTOP)
    second = make_segment("Second", DESKTOP)
    assert names() == ["First", "Second"]
    Segment.objects.get(pk=first.pk).unpublish()
    assert names() == ["Second"]
    second.delete()
    assert names() == []


def test_publishing_bumps_the_shared_generation_so_other_processes_reload(city):
    before = cache.get(GENERATION_KEY)
    make_segment("Desk workers", DESKTOP)
    assert cache.get(GENERATION_KEY) != before


def test_another_process_publishing_is_seen_after_the_check_interval(city, settings):
    settings.CITYUX_PERSONALIZE = {"SEGMENT_RELOAD_CHECK_SECONDS": 0}
    make_segment("Desk workers", DESKTOP)
    assert names() == ["Desk workers"]
    # Another process published: only the shared generation changed, not this process's memory.
    Segment.objects.filter(name="Desk workers").update(name="Office workers")
    cache.set(GENERATION_KEY, "from-another-process", None)
    assert names() == ["Office workers"]


def test_evaluating_fifty_segments_runs_no_query(city, django_assert_num_queries):
    for n in range(50):
        make_segment(
            f"Segment {n}",
            DESKTOP + [{"type": "visit_count", "value": {"operator": "gte", "count": n}}],
        )
    live_segments()  # compiled once
    snapshot = rules.ProfileSnapshot(visitor_id="v", visit_count=10, device_class="desktop")
    facts = rules.RequestFacts(now=timezone.now())
    with django_assert_num_queries(0):
        matches = rules.evaluate(live_segments(), snapshot, facts)
    assert len(matches) == 11


def test_rules_naming_deleted_areas_or_questionnaires_match_nobody(city):
    area = CityArea.objects.create(
        name="Riverside",
        slug="riverside",
        geojson='{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}',
    )
    questionnaire = Questionnaire.objects.create(
        question="What kind of business?", slug="business", choices="Shop\nDaycare"
    )
    segment = make_segment(
        "Gone",
        [
            {"type": "area", "value": {"area": area.pk}},
            {"type": "answer", "value": {"questionnaire": questionnaire.pk, "answer": "Shop"}},
        ],
        match="any",
    )
    compiled = segments.compile_segment(Segment.objects.get(pk=segment.pk))
    assert compiled.rules == (
        rules.InArea(area.pk, "Riverside"),
        rules.Answer("business", "shop", "What kind of business?", "Shop"),
    )
    area.delete()
    questionnaire.delete()
    compiled = segments.compile_segment(Segment.objects.get(pk=segment.pk))
    assert all(isinstance(rule, rules.Never) for rule in compiled.rules)


def test_department_interest_rule_is_compiled_with_the_departments_name(city):
    segment = make_segment(
        "Parks fans",
        [{"type": "department_interest", "value": {"department": "parks-recreation", "pages": 3}}],
    )
    (rule,) = segments.compile_segment(segment).rules
    assert rule.explain() == "You have looked at 3 or more pages about Parks and Recreation."


def test_active_segments_is_empty_without_consent(city, client):
    make_segment("Desk workers", DESKTOP)
    choose(client)
    request = RequestFactory().get("/")
    request.COOKIES = dict(client.cookies.items()) and {
        k: v.value for k, v in client.cookies.items()
    }
    assert active_segments(request) == []


def test_active_segments_is_evaluated_once_per_request(city, client, django_assert_max_num_queries):
    make_segment("Desk workers", DESKTOP)
    choose(client, "personalization")
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    first = active_segments(request)
    assert [match.name for match in first] == ["Desk workers"]
    with django_assert_max_num_queries(0):
        assert active_segments(request) is first
