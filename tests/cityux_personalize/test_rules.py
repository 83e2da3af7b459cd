"""Every rule type, the all / any logic and the holdout: pure, without the database."""

import datetime
import uuid
import zoneinfo

import pytest

from cityux_personalize import rules
from cityux_personalize.rules import CompiledSegment, ProfileSnapshot, RequestFacts

CITY = zoneinfo.ZoneInfo("America/Chicago")
SATURDAY_NOON = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=CITY)


def profile(**fields):
    return ProfileSnapshot(visitor_id="v-1", **fields)


def facts(now=SATURDAY_NOON, **query):
    return RequestFacts(now=now, query=query)


def test_first_visit_matches_only_the_first_visit():
    rule = rules.FirstVisit()
    assert rule.matches(profile(visit_count=1), facts())
    assert not rule.matches(profile(visit_count=2), facts())
    assert rule.explain() == "This is your first visit to our website."


@pytest.mark.parametrize(
    ("operator", "count", "visits", "expected"),
    [
        ("gte", 2, 2, True),
        ("gte", 2, 1, False),
        ("gt", 2, 2, False),
        ("gt", 2, 3, True),
        ("eq", 3, 3, True),
        ("eq", 3, 4, False),
        ("lte", 3, 3, True),
        ("lte", 3, 4, False),
        ("lt", 3, 2, True),
        ("lt", 3, 3, False),
    ],
)
def test_visit_count_compares_with_each_operator(operator, count, visits, expected):
    rule = rules.VisitCount(operator, count)
    assert rule.matches(profile(visit_count=visits), facts()) is expected


def test_visit_count_explains_itself():
    assert rules.VisitCount("gte", 2).explain() == "You have visited our website at least 2 times."
    assert rules.VisitCount("lt", 1).explain() == "You have visited our website fewer than 1 time."


def test_department_interest_needs_k_pages_of_that_department():
    rule = rules.DepartmentInterest(7, "Parks and Recreation", 3)
    assert rule.matches(profile(department_interest={"7": 3}), facts())
    assert not rule.matches(profile(department_interest={"7": 2, "8": 9}), facts())
    assert rule.explain() == "You have looked at 3 or more pages about Parks and Recreation."


def test_visited_page_matches_a_page_in_the_history():
    rule = rules.VisitedPage(42, "Pay a parking ticket")
    assert rule.matches(profile(page_visits={"42": 1}), facts())
    assert not rule.matches(profile(page_visits={"41": 5}), facts())
    assert rule.explain() == "You have visited the page “Pay a parking ticket”."


def test_referrer_pattern_matches_the_host_with_wildcards():
    rule = rules.Referrer("*.google.*")
    assert rule.matches(profile(referrer_host="news.google.com"), facts())
    assert not rule.matches(profile(referrer_host="bing.com"), facts())
    assert not rule.matches(profile(referrer_host=""), facts())
    assert rules.Referrer("facebook.com").matches(profile(referrer_host="facebook.com"), facts())
    assert rule.explain() == "You came to our website from *.google.*."


def test_campaign_matches_the_link_or_the_campaign_remembered_from_earlier():
    rule = rules.QueryParameter("utm_campaign", "spring-cleanup")
    assert rule.matches(profile(), facts(utm_campaign="spring-cleanup"))
    assert rule.matches(profile(campaign="spring-cleanup"), facts())
    assert not rule.matches(profile(campaign="other"), facts())
    assert rule.explain() == "You followed a link from our “spring-cleanup” campaign."


def test_query_parameter_with_empty_value_matches_any_value():
    rule = rules.QueryParameter("ref", "")
    assert rule.matches(profile(), facts(ref="newsletter"))
    assert not rule.matches(profile(), facts())
    assert rule.explain() == "You followed a link marked “ref”."


@pytest.mark.parametrize("device", ["mobile", "tablet", "desktop"])
def test_device_rule_matches_its_device_class(device):
    rule = rules.Device(device)
    assert rule.matches(profile(device_class=device), facts())
    assert not rule.matches(profile(device_class="other"), facts())


def test_device_rule_explains_itself():
    assert rules.Device("mobile").explain() == "You are using a phone."


def test_time_window_matches_days_and_hours():
    weekend_morning = rules.TimeWindow((5, 6), datetime.time(8), datetime.time(13))
    assert weekend_morning.matches(profile(), facts())
    assert not weekend_morning.matches(profile(), facts(now=SATURDAY_NOON.replace(hour=13)))
    assert not weekend_morning.matches(
        profile(), facts(now=SATURDAY_NOON - datetime.timedelta(days=1))
    )
    assert weekend_morning.explain() == (
        "You are visiting on Saturday, Sunday between 08:00 and 13:00."
    )


def test_time_window_may_run_across_midnight():
    night = rules.TimeWindow((), datetime.time(22), datetime.time(6))
    assert night.matches(profile(), facts(now=SATURDAY_NOON.replace(hour=23)))
    assert night.matches(profile(), facts(now=SATURDAY_NOON.replace(hour=5, minute=59)))
    assert not night.matches(profile(), facts())


def test_area_rule_matches_the_residents_area():
    rule = rules.InArea(3, "Riverside")
    assert rule.matches(profile(area_id=3), facts())
    assert not rule.matches(profile(area_id=4), facts())
    assert not rule.matches(profile(), facts())
    assert rule.explain() == "You told us you live in or near Riverside."


def test_answer_rule_matches_the_given_answer_or_any_answer():
    question = "What kind of business are you opening?"
    daycare = rules.Answer("business-type", "daycare", question, "Daycare")
    anything = rules.Answer("business-type", "", question, "")
    answered = profile(answers={"business-type": "daycare"})
    assert daycare.matches(answered, facts())
    assert not daycare.matches(profile(answers={"business-type": "shop"}), facts())
    assert anything.matches(answered, facts())
    assert not anything.matches(profile(), facts())
    assert daycare.explain() == f"You answered “Daycare” to “{question}”."


def test_logged_in_rule():
    assert rules.LoggedIn().matches(profile(logged_in=True), facts())
    assert not rules.LoggedIn().matches(profile(), facts())
    assert rules.LoggedIn().explain() == "You are signed in."


def test_language_rule_compares_the_primary_language():
    rule = rules.Language("es", "Spanish")
    assert rule.matches(profile(language="es"), facts())
    assert not rule.matches(profile(language="en"), facts())
    assert rule.explain() == "Your browser asks for pages in Spanish."


def test_a_rule_whose_target_was_deleted_matches_nobody():
    assert not rules.Never("gone").matches(profile(), facts())


def segment(match, *segment_rules, **fields):
    return CompiledSegment(1, "Group", "", match, tuple(segment_rules), **fields)


def test_all_needs_every_rule_and_any_needs_one():
    mobile_returning = (rules.Device("mobile"), rules.VisitCount("gte", 2))
    on_phone_first_time = profile(device_class="mobile", visit_count=1)
    assert not segment("all", *mobile_returning).matches(on_phone_first_time, facts())
    assert segment("any", *mobile_returning).matches(on_phone_first_time, facts())
    assert segment("all", *mobile_returning).matches(
        profile(device_class="mobile", visit_count=2), facts()
    )
    assert not segment("any", *mobile_returning).matches(profile(device_class="desktop"), facts())


def test_a_segment_without_rules_matches_nobody():
    assert not segment("all").matches(profile(), facts())
    assert not segment("any").matches(profile(), facts())


def test_explanation_uses_the_editors_words_or_the_matching_rules():
    described = CompiledSegment(
        1, "Returning", "you have been here before", "all", (rules.VisitCount("gte", 2),)
    )
    assert described.explanation(profile(visit_count=3), facts()) == (
        "You see this because you have been here before."
    )
    undescribed = segment("any", rules.Device("mobile"), rules.LoggedIn())
    assert (
        undescribed.explanation(profile(device_class="mobile"), facts()) == "You are using a phone."
    )


def test_holdout_is_stable_per_visitor_and_segment():
    visitor = str(uuid.uuid4())
    first = [rules.in_holdout(visitor, segment_id, 30) for segment_id in range(50)]
    again = [rules.in_holdout(visitor, segment_id, 30) for segment_id in range(50)]
    assert first == again


def test_holdout_takes_about_the_percentage_of_visitors():
    visitors = [str(uuid.UUID(int=n * 7919 + 13)) for n in range(10_000)]
    held = sum(rules.in_holdout(visitor, 5, 10) for visitor in visitors)
    assert 900 <= held <= 1100


def test_zero_holdout_holds_nobody_out():
    assert not any(rules.in_holdout(str(uuid.uuid4()), 1, 0) for _ in range(200))


def test_evaluate_lists_matching_segments_with_holdout_and_explanation():
    returning = CompiledSegment(1, "Returning", "", "all", (rules.VisitCount("gte", 2),))
    phones = CompiledSegment(2, "Phones", "", "all", (rules.Device("mobile"),), holdout_percent=50)
    matches = rules.evaluate(
        (returning, phones), profile(visit_count=2, device_class="desktop"), facts()
    )
    assert matches == [
        rules.SegmentMatch(1, "Returning", False, "You have visited our website at least 2 times.")
    ]
