"""Insights in plain words: the rules (pure, no database) and the loading from the rollups."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page

from cityux.models import Department, DepartmentRootPage
from cityux_analytics import insights
from cityux_analytics.insights import (
    FALL,
    NO_SIGNIFICANT_CHANGE,
    NOT_ENOUGH_DATA,
    RISE,
    ElementWeek,
    InsightRules,
    SessionSignal,
    WeekCounts,
)
from cityux_analytics.models import (
    ElementDailyStats,
    FrustrationSignal,
    PageDailyStats,
    SignalKind,
    TrackedSession,
)
from cityux_analytics.reports import DateRange

RULES = InsightRules()
WEEK = DateRange(datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))
ERROR = "TypeError: form is undefined @ /static/licence.js"
RAGE, DEAD, ERROR_CLICK = SignalKind.RAGE_CLICK, SignalKind.DEAD_CLICK, SignalKind.ERROR_CLICK


def counts(this_week, week_before, sessions=400, sessions_before=400, kind=RAGE, subject=None):
    return WeekCounts(
        kind=kind,
        subject=subject or "Apply for a business licence",
        this_week=this_week,
        week_before=week_before,
        sessions=sessions,
        sessions_before=sessions_before,
        urls=("/business/licence/",),
        page_id=7,
        department_id=3,
    )


def no_data(change):
    return []


def state(candidates, elements=no_data, signals=no_data, rules=RULES):
    return insights.statements(candidates, elements, signals, rules, WEEK)


def sessions_with(kind, selector, session_ids, detail=""):
    return [SessionSignal(sid, kind, selector, detail) for sid in session_ids]


# -- the statistics ---------------------------------------------------------------------------


def test_same_rate_per_session_is_not_significant():
    assert insights.rate_change_p_value(50, 25, 800, 400) == pytest.approx(1.0)


def test_a_tripling_at_equal_traffic_is_significant():
    assert insights.rate_change_p_value(105, 31, 400, 400) < 1e-9


def test_a_small_rise_is_not_significant():
    assert insights.rate_change_p_value(25, 20, 400, 400) > 0.4


def test_effect_counts_signals_beyond_last_weeks_rate_at_this_weeks_traffic():
    assert insights.effect(counts(105, 31, sessions=800, sessions_before=400)) == 105 - 62


def test_benjamini_hochberg_keeps_the_p_values_below_their_rank_line():
    # Lines at 5%: 0.0125, 0.025, 0.0375, 0.05. 0.03 ≤ 0.0375 keeps all three below it.
    assert insights.benjamini_hochberg([0.03, 0.001, 0.2, 0.02], 0.05) == {0, 1, 3}
    assert insights.benjamini_hochberg([0.3, 0.6], 0.05) == set()


# -- which changes are stated -----------------------------------------------------------------


def test_a_significant_rise_is_stated_as_worse():
    found = state([counts(105, 31)])
    [insight] = found.insights
    assert insight.tone == RISE
    assert (
        insight.text == "Rage clicks on Apply for a business licence rose from 31 to 105 this week."
    )


def test_a_significant_fall_is_stated_as_an_improvement():
    found = state([counts(12, 80, kind=DEAD, subject="Pay online")])
    [insight] = found.insights
    assert insight.tone == FALL
    assert insight.text == (
        "Dead clicks on Pay online fell from 80 to 12 this week — the fix seems to work."
    )


def test_no_statement_when_the_busier_week_has_too_few_signals():
    found = state([counts(19, 2)])
    assert found.insights == []
    assert found.reason == NOT_ENOUGH_DATA
    assert found.reason_text == "No statement this week: not enough data."


def test_no_statement_when_a_week_has_too_few_sessions():
    found = state([counts(60, 20, sessions=29, sessions_before=400)])
    assert (found.insights, found.reason) == ([], NOT_ENOUGH_DATA)


def test_no_statement_when_the_change_is_not_significant():
    found = state([counts(25, 20)])
    assert (found.insights, found.reason) == ([], NO_SIGNIFICANT_CHANGE)


def test_no_statement_when_more_signals_come_only_from_more_sessions():
    found = state([counts(100, 50, sessions=800, sessions_before=400)])
    assert found.reason == NO_SIGNIFICANT_CHANGE


def test_minimum_volume_is_configurable():
    rules = InsightRules(min_signals=10, min_sessions=10)
    assert state([counts(19, 2)], rules=rules).insights


def test_statements_are_ranked_by_effect_and_capped():
    candidates = [
        counts(60, 20, subject="Small rise"),
        counts(300, 100, subject="Big rise"),
        counts(10, 150, subject="Big fall", kind=DEAD),
        counts(120, 40, subject="Middle rise"),
    ]
    found = state(candidates, rules=InsightRules(max_statements=3))
    assert [i.counts.subject for i in found.insights] == ["Big rise", "Big fall", "Middle rise"]


def test_many_comparisons_need_stronger_evidence():
    # p ≈ 0.01 alone passes; among 40 unchanged candidates it does not survive the correction.
    borderline = counts(60, 35)
    assert 0.005 < insights.rate_change_p_value(60, 35, 400, 400) < 0.05
    assert state([borderline]).insights
    unchanged = [counts(30, 30, subject=f"Page {n}") for n in range(40)]
    assert state([borderline, *unchanged]).reason == NO_SIGNIFICANT_CHANGE


def test_a_rise_in_rate_with_fewer_sessions_is_stated_per_100_sessions():
    found = state([counts(90, 100, sessions=100, sessions_before=400)])
    [insight] = found.insights
    assert insight.tone == RISE
    assert insight.text == (
        "Rage clicks on Apply for a business licence rose from 25.0 to 90.0 per 100 sessions "
        "this week (100 to 90 in all, with fewer sessions)."
    )


# -- attribution ------------------------------------------------------------------------------


def licence_elements(change):
    return [
        ElementWeek("button.submit", 66, 10),
        ElementWeek("a.help", 25, 15),
        ElementWeek("", 14, 6),
    ]


def licence_signals(change):
    rage = sessions_with(RAGE, "button.submit", range(1, 13))
    errors = sessions_with(ERROR_CLICK, "button.submit", range(1, 8), detail=ERROR)
    other = sessions_with(ERROR_CLICK, "a.help", [1, 2, 3, 40], detail="ReferenceError: x @ /a.js")
    return rage + errors + other


def test_a_rise_is_attributed_to_its_top_element_and_the_error_its_sessions_hit():
    [insight] = state([counts(105, 31)], licence_elements, licence_signals).insights
    assert insight.text == (
        "Rage clicks on Apply for a business licence rose from 31 to 105 this week; "
        "63% are on a button (button.submit); "
        "58% of those sessions also hit “TypeError: form is undefined”."
    )
    assert insight.attribution.selector == "button.submit"
    assert insight.attribution.error == ERROR


def test_no_element_is_named_when_none_has_a_large_enough_share():
    def spread(change):
        return [ElementWeek(f"li.item-{n}", 10, 3) for n in range(10)]

    [insight] = state([counts(100, 30)], spread, licence_signals).insights
    assert (
        insight.text == "Rage clicks on Apply for a business licence rose from 30 to 100 this week."
    )


def test_no_error_is_named_when_few_sessions_share_it():
    def two_errors(change):
        return sessions_with(RAGE, "button.submit", [1, 2, 3]) + sessions_with(
            ERROR_CLICK, "button.submit", [1, 2], detail=ERROR
        )

    [insight] = state([counts(105, 31)], licence_elements, two_errors).insights
    assert insight.attribution.error == ""
    assert "hit" not in insight.text


def test_error_clicks_name_their_own_error_without_also():
    def errors(change):
        return sessions_with(ERROR_CLICK, "button.submit", range(10), detail=ERROR)

    [insight] = state([counts(105, 31, kind=ERROR_CLICK)], licence_elements, errors).insights
    assert insight.text.endswith(
        "63% are on a button (button.submit); "
        "100% of those sessions hit “TypeError: form is undefined”."
    )


def test_a_fall_names_the_element_that_dropped_most():
    def fixed(change):
        return [ElementWeek("a.pay-online", 2, 70), ElementWeek("a.other", 10, 10)]

    [insight] = state([counts(12, 80, kind=DEAD, subject="Pay online")], fixed).insights
    assert insight.text == (
        "Dead clicks on Pay online fell from 80 to 12 this week; "
        "a link (a.pay-online) went from 70 to 2 — the fix seems to work."
    )


def test_attribution_data_is_asked_for_only_for_kept_statements():
    asked = []

    def elements(change):
        asked.append(change.counts.subject)
        return []

    state([counts(105, 31, subject="Kept"), counts(25, 20, subject="Dropped")], elements)
    assert asked == ["Kept"]


# -- loading from the rollups -----------------------------------------------------------------


@pytest.fixture
def licence(db, city):
    department = Department.objects.get(slug="public-works")
    root = Page.get_first_root_node()
    section = root.add_child(instance=Page(title="Business", slug="business"))
    DepartmentRootPage.objects.create(department=department, page=section)
    page = section.add_child(instance=Page(title="Apply for a business licence", slug="licence"))
    return department, page


def add_week(page, department, start, sessions, **kinds):
    """Seven daily rows of a page adding up to `sessions` and `kinds` (spread over the days)."""
    for n in range(7):
        day = start + datetime.timedelta(days=n)
        PageDailyStats.objects.create(
            date=day,
            url="/business/licence/",
            page=page,
            department=department,
            sessions=sessions // 7 + (n < sessions % 7),
            **{kind: value // 7 + (n < value % 7) for kind, value in kinds.items()},
        )


def add_signals(department, page, kind, selector, sessions, detail=""):
    for sid in sessions:
        session, _ = TrackedSession.objects.get_or_create(
            sid=f"s{sid}", defaults={"started_at": timezone.now(), "last_event_at": timezone.now()}
        )
        FrustrationSignal.objects.create(
            session=session,
            view_id=0,
            url="/business/licence/",
            page=page,
            department=department,
            kind=kind,
            selector=selector,
            detail=detail,
            occurred_at=timezone.make_aware(datetime.datetime(2026, 3, 12, 10)),
        )


def test_department_insights_read_the_rollups_and_the_page_weeks_signals(licence):
    department, page = licence
    add_week(page, department, WEEK.start - datetime.timedelta(days=7), 420, rage_click=31)
    add_week(page, department, WEEK.start, 420, rage_click=105)
    for selector, now, before in [("button.submit", 66, 10), ("a.help", 39, 21)]:
        for day, signals in [(WEEK.start, now), (WEEK.start - datetime.timedelta(days=1), before)]:
            ElementDailyStats.objects.create(
                date=day,
                department=department,
                url="/business/licence/",
                kind=RAGE,
                selector=selector,
                signals=signals,
                sessions=signals,
            )
    add_signals(department, page, RAGE, "button.submit", range(12))
    add_signals(department, page, ERROR_CLICK, "button.submit", range(7), detail=ERROR)
    found = insights.department_insights(department, WEEK)
    [insight] = found.insights
    assert insight.text == (
        "Rage clicks on Apply for a business licence rose from 31 to 105 this week; "
        "63% are on a button (button.submit); "
        "58% of those sessions also hit “TypeError: form is undefined”."
    )
    assert (insight.counts.page_id, insight.counts.department_id) == (page.pk, department.pk)
    assert insights.page_insights(page, WEEK).insights[0].text == insight.text


def test_department_without_rollups_has_not_enough_data(licence):
    department, page = licence
    assert insights.department_insights(department, WEEK).reason == NOT_ENOUGH_DATA
    assert insights.page_insights(page, WEEK).reason == NOT_ENOUGH_DATA


def test_insight_rules_come_from_the_settings(settings):
    settings.CITYUX_ANALYTICS = {"INSIGHT_MIN_SIGNALS": 5, "INSIGHT_MAX_STATEMENTS": 3}
    rules = InsightRules.from_settings()
    assert (rules.min_signals, rules.max_statements, rules.min_sessions) == (5, 3, 30)


def test_an_element_share_counts_the_pages_signals_without_element_rows():
    def partial(change):
        return [ElementWeek("button.submit", 40, 10)]

    [insight] = state([counts(100, 30)], partial).insights
    assert insight.attribution.share == pytest.approx(0.4)
    assert "40% are on a button (button.submit)" in insight.text


def test_an_insight_names_the_element_in_the_pages_words_when_it_has_them():
    def named(change):
        return [ElementWeek("button.submit", 40, 10, "“Send” button in “Apply” form")]

    [insight] = state([counts(100, 30)], named).insights
    assert "40% are on “Send” button in “Apply” form" in insight.text
    assert insight.attribution.selector == "button.submit"  # for the replay link
