"""The pure survey rules: targeting, triggers, sampling, the frequency cap and the dates."""

import datetime
from types import SimpleNamespace

import pytest

from cityux_analytics.surveys.targeting import (
    TargetingRules,
    TriggerError,
    in_sample,
    is_active,
    may_show_again,
    parse_url_patterns,
    targets,
    trigger_config,
    url_pattern_error,
    url_pattern_matches,
)

NOW = datetime.datetime(2026, 9, 22, 12, 0, tzinfo=datetime.UTC)
TICK = datetime.timedelta(microseconds=1)

WORKS = "00010001"  # tree path of a section page
POTHOLE = WORKS + "0001"  # its child
POTHOLE_FORM = POTHOLE + "0001"  # its grandchild
SIDEWALK = WORKS + "0002"  # the child's sibling


def rules(**kwargs):
    return TargetingRules(**{"own_department_id": 7, **kwargs})


# Pages


def test_a_targeted_page_gets_the_survey():
    assert targets(rules(pages=((POTHOLE, False),)), "/works/pothole/", POTHOLE, 7)


def test_a_page_below_a_target_without_descendants_does_not():
    assert not targets(rules(pages=((POTHOLE, False),)), "/x/", POTHOLE_FORM, 7)


def test_every_page_below_a_target_with_descendants_does():
    with_descendants = rules(pages=((WORKS, True),))
    assert targets(with_descendants, "/x/", POTHOLE, 7)
    assert targets(with_descendants, "/x/", POTHOLE_FORM, 7)
    assert targets(with_descendants, "/x/", WORKS, 7)


def test_the_targets_parent_and_sibling_do_not():
    pothole_and_below = rules(pages=((POTHOLE, True),))
    assert not targets(pothole_and_below, "/x/", WORKS, 7)
    assert not targets(pothole_and_below, "/x/", SIDEWALK, 7)


def test_a_url_without_a_page_is_not_targeted_by_pages():
    assert not targets(rules(pages=((WORKS, True),)), "/x/", None, None)


# Departments


def test_every_page_of_a_targeted_department_gets_the_survey():
    assert targets(rules(department_ids=frozenset({3, 4})), "/x/", SIDEWALK, 4)


def test_pages_of_other_departments_or_of_none_do_not():
    parks_only = rules(department_ids=frozenset({3}))
    assert not targets(parks_only, "/x/", SIDEWALK, 4)
    assert not targets(parks_only, "/x/", SIDEWALK, None)


def test_without_any_rule_a_survey_shows_on_its_own_departments_pages_only():
    assert targets(rules(), "/x/", SIDEWALK, 7)
    assert not targets(rules(), "/x/", SIDEWALK, 8)
    assert not targets(rules(), "/x/", None, None)


def test_rules_add_up_any_one_is_enough():
    mixed = rules(pages=((POTHOLE, False),), department_ids=frozenset({3}), url_patterns=("/a/*",))
    assert targets(mixed, "/elsewhere/", POTHOLE, 9)
    assert targets(mixed, "/elsewhere/", None, 3)
    assert targets(mixed, "/a/b/", None, None)
    assert not targets(mixed, "/elsewhere/", SIDEWALK, 7)


# URL patterns


@pytest.mark.parametrize("path", ["/contact/", "/contact", "/CONTACT/", "/contact/?via=menu"])
def test_a_pattern_without_star_matches_that_path_only(path):
    assert url_pattern_matches("/contact", path)


@pytest.mark.parametrize("path", ["/contact-us/", "/contact/form/", "/", "/x/contact/"])
def test_a_pattern_without_star_does_not_match_other_paths(path):
    assert not url_pattern_matches("/contact", path)


@pytest.mark.parametrize("path", ["/permits/", "/permits", "/permits/a/", "/permits/a/b/"])
def test_a_trailing_star_matches_the_path_and_everything_below(path):
    assert url_pattern_matches("/permits/*", path)


@pytest.mark.parametrize("path", ["/permit/", "/permits-and-licences/", "/x/permits/"])
def test_a_trailing_star_after_a_slash_stays_in_that_folder(path):
    assert not url_pattern_matches("/permits/*", path)


def test_a_star_inside_matches_one_or_more_segments():
    assert url_pattern_matches("/news/*/comments/", "/news/2026/comments/")
    assert url_pattern_matches("/news/*/comments/", "/news/2026/09/comments/")
    assert not url_pattern_matches("/news/*/comments/", "/news/2026/")


def test_a_lone_star_matches_every_path():
    assert url_pattern_matches("*", "/")
    assert url_pattern_matches("*", "/any/page/")


def test_regex_characters_in_a_pattern_are_taken_literally():
    assert url_pattern_matches("/a.b/", "/a.b/")
    assert not url_pattern_matches("/a.b/", "/axb/")
    assert not url_pattern_matches("/(x)+/", "/xx/")


def test_patterns_are_read_one_per_line_without_blank_lines():
    assert parse_url_patterns(" /a/*\n\n  /b \r\n") == ("/a/*", "/b")
    assert parse_url_patterns("") == ()


@pytest.mark.parametrize("pattern", ["/a/*", "*", "/", "*/contact/"])
def test_usable_patterns_have_no_error(pattern):
    assert url_pattern_error(pattern) is None


@pytest.mark.parametrize(
    "pattern", ["permits/*", "/a b/", "/search?q=*", "/page#top", "/" + "a" * 500]
)
def test_unusable_patterns_say_why(pattern):
    assert url_pattern_error(pattern)


def test_a_pattern_of_the_maximum_length_is_accepted():
    assert url_pattern_error("/" + "a" * 499) is None


# Active dates


def survey_dates(live=True, starts_at=None, ends_at=None):
    return SimpleNamespace(live=live, starts_at=starts_at, ends_at=ends_at)


def test_a_live_survey_without_dates_is_active():
    assert is_active(survey_dates(), NOW)


def test_a_draft_is_never_active():
    assert not is_active(survey_dates(live=False), NOW)


def test_a_survey_is_active_from_its_start_exactly():
    assert not is_active(survey_dates(starts_at=NOW + TICK), NOW)
    assert is_active(survey_dates(starts_at=NOW), NOW)
    assert is_active(survey_dates(starts_at=NOW - TICK), NOW)


def test_a_survey_is_over_at_its_end_exactly():
    assert is_active(survey_dates(ends_at=NOW + TICK), NOW)
    assert not is_active(survey_dates(ends_at=NOW), NOW)
    assert not is_active(survey_dates(ends_at=NOW - TICK), NOW)


# Sampling


def test_a_visitor_stays_in_or_out_of_a_sample():
    answers = {in_sample("visitor-1", 5, 50) for _ in range(20)}
    assert len(answers) == 1


def test_no_one_is_sampled_at_0_percent_and_everyone_at_100():
    visitors = [f"v{i}" for i in range(500)]
    assert not any(in_sample(v, 1, 0) for v in visitors)
    assert all(in_sample(v, 1, 100) for v in visitors)


@pytest.mark.parametrize("rate", [1, 10, 30, 75])
def test_the_sample_is_close_to_its_rate(rate):
    sampled = sum(in_sample(f"visitor-{i}", 42, rate) for i in range(20_000))
    assert abs(sampled / 20_000 * 100 - rate) < 1.5


def test_raising_the_rate_keeps_everyone_already_sampled():
    visitors = [f"v{i}" for i in range(2000)]
    at_20 = {v for v in visitors if in_sample(v, 3, 20)}
    at_50 = {v for v in visitors if in_sample(v, 3, 50)}
    assert at_20 < at_50


def test_each_survey_draws_its_own_sample():
    visitors = [f"v{i}" for i in range(2000)]
    first = {v for v in visitors if in_sample(v, 1, 50)}
    second = {v for v in visitors if in_sample(v, 2, 50)}
    assert first != second


# Frequency cap


def test_a_survey_never_shown_may_show():
    assert may_show_again(None, 30, NOW)


def test_a_survey_may_not_show_again_within_the_cap():
    assert not may_show_again(NOW - datetime.timedelta(days=30) + TICK, 30, NOW)
    assert not may_show_again(NOW, 30, NOW)


def test_a_survey_may_show_again_once_the_cap_has_passed_exactly():
    assert may_show_again(NOW - datetime.timedelta(days=30), 30, NOW)
    assert may_show_again(NOW - datetime.timedelta(days=30) - TICK, 30, NOW)


def test_without_a_cap_a_survey_may_show_on_every_visit():
    assert may_show_again(NOW, 0, NOW)


def test_a_one_day_cap_counts_hours_not_calendar_days():
    assert not may_show_again(NOW - datetime.timedelta(hours=23, minutes=59), 1, NOW)
    assert may_show_again(NOW - datetime.timedelta(hours=24), 1, NOW)


# Triggers


def trigger(kind, value=None):
    return trigger_config(SimpleNamespace(trigger=kind, trigger_value=value))


@pytest.mark.parametrize(
    ("kind", "low", "high"), [("seconds", 1, 600), ("scroll_depth", 1, 100), ("frustration", 1, 20)]
)
def test_trigger_values_are_accepted_at_their_bounds(kind, low, high):
    assert trigger(kind, low) == {"type": kind, "value": low}
    assert trigger(kind, high) == {"type": kind, "value": high}


@pytest.mark.parametrize(
    ("kind", "low", "high"), [("seconds", 1, 600), ("scroll_depth", 1, 100), ("frustration", 1, 20)]
)
def test_trigger_values_are_refused_just_outside_their_bounds(kind, low, high):
    with pytest.raises(TriggerError):
        trigger(kind, low - 1)
    with pytest.raises(TriggerError):
        trigger(kind, high + 1)


@pytest.mark.parametrize(("kind", "default"), [("seconds", 10), ("scroll_depth", 50)])
def test_seconds_and_scroll_depth_have_a_default_value(kind, default):
    assert trigger(kind) == {"type": kind, "value": default}


def test_frustration_shows_after_the_first_frustrated_click_by_default():
    assert trigger("frustration") == {"type": "frustration", "value": 1}


@pytest.mark.parametrize("kind", ["exit_intent", "form_submit", "manual"])
def test_triggers_without_a_value_take_none(kind):
    assert trigger(kind) == {"type": kind, "value": None}
    with pytest.raises(TriggerError, match="no value"):
        trigger(kind, 5)


def test_an_unknown_trigger_or_a_non_number_is_refused():
    with pytest.raises(TriggerError):
        trigger("on_full_moon", 1)
    with pytest.raises(TriggerError):
        trigger("seconds", True)
    with pytest.raises(TriggerError):
        trigger("seconds", "10")
