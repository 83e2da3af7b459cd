"""The transparent "worth watching" score: every weight moves it, and its reasons read well."""

import dataclasses
import datetime

import pytest

from cityux_analytics.models import SignalKind
from cityux_analytics.worth import score
from cityux_analytics.worth.features import (
    FEATURE_NAMES,
    SessionFacts,
    SignalFact,
    feature_vector,
    session_features,
)
from cityux_analytics.worth.score import score_session

NOW = datetime.datetime(2026, 9, 22, 12, 0, tzinfo=datetime.UTC)
RAGE = SignalFact(SignalKind.RAGE_CLICK, selector="#submit", url="/permits/", page_id=7, count=4)
ERROR = SignalFact(
    SignalKind.ERROR_CLICK,
    selector="#submit",
    detail="TypeError: form is undefined @ /static/app.js",
    url="/permits/",
    page_id=7,
)
ABANDONED = SignalFact(SignalKind.FORM_ABANDONMENT, selector="#licence-form", url="/permits/")
DEAD = SignalFact(SignalKind.DEAD_CLICK, selector=".pay-online", url="/pay/")
THRASH = SignalFact(SignalKind.MOUSE_THRASH, url="/pay/")


def features(*signals, ratings=(), pages=1, age_days=0.0, seconds=120.0):
    ended = NOW - datetime.timedelta(days=age_days)
    facts = SessionFacts(
        session_id=1,
        started_at=ended - datetime.timedelta(seconds=seconds),
        last_event_at=ended,
        signals=tuple(signals),
        ratings=tuple(ratings),
        department_pages=pages,
    )
    return session_features(facts, NOW)


def value(*signals, **kwargs):
    return score_session(features(*signals, **kwargs)).value


def test_a_session_without_anything_scores_zero_with_no_reason():
    result = score_session(features())
    assert result.value == 0 and result.reasons == ()


def test_the_score_saturates_below_100():
    assert 95 < value(*[RAGE] * 10, *[ERROR] * 10) <= 100


@pytest.mark.parametrize(
    "weight, signals",
    [
        ("RAGE_CLICK_POINTS", [RAGE]),
        ("ERROR_CLICK_POINTS", [ERROR]),
        ("DISTINCT_ERROR_POINTS", [ERROR]),
        ("FORM_ABANDONMENT_POINTS", [ABANDONED]),
        ("DEAD_CLICK_POINTS", [DEAD]),
        ("OTHER_SIGNAL_POINTS", [THRASH]),
    ],
)
def test_each_signal_weight_moves_the_score(monkeypatch, weight, signals):
    before = value(*signals)
    monkeypatch.setattr(score, weight, getattr(score, weight) * 3)
    monkeypatch.setattr(score, "KIND_POINTS", _kind_points())
    assert value(*signals) > before


def _kind_points():
    return {
        SignalKind.RAGE_CLICK: score.RAGE_CLICK_POINTS,
        SignalKind.ERROR_CLICK: score.ERROR_CLICK_POINTS,
        SignalKind.DEAD_CLICK: score.DEAD_CLICK_POINTS,
        SignalKind.FORM_ABANDONMENT: score.FORM_ABANDONMENT_POINTS,
        SignalKind.MOUSE_THRASH: score.OTHER_SIGNAL_POINTS,
        SignalKind.QUICK_BACK: score.OTHER_SIGNAL_POINTS,
        SignalKind.EXCESSIVE_SCROLL: score.OTHER_SIGNAL_POINTS,
    }


def test_a_second_distinct_error_counts_more_than_the_same_error_twice():
    other = dataclasses.replace(ERROR, detail="ReferenceError: pay is not defined @ /pay.js")
    assert value(ERROR, other) > value(ERROR, ERROR)


def test_a_low_survey_rating_raises_the_score_and_a_lower_one_more():
    assert value(RAGE, ratings=[5]) == value(RAGE) < value(RAGE, ratings=[3])
    assert value(RAGE, ratings=[3]) < value(RAGE, ratings=[1, 4])


def test_the_low_rating_weight_moves_the_score(monkeypatch):
    before = value(ratings=[2])
    monkeypatch.setattr(score, "LOW_RATING_POINTS_PER_STEP", score.LOW_RATING_POINTS_PER_STEP * 2)
    assert value(ratings=[2]) > before > 0


def test_more_of_the_departments_pages_raise_the_score_up_to_a_cap(monkeypatch):
    assert value(RAGE, pages=1) < value(RAGE, pages=3) < value(RAGE, pages=6)
    assert value(RAGE, pages=6) == value(RAGE, pages=40)
    before = value(RAGE, pages=3)
    monkeypatch.setattr(score, "JOURNEY_PAGE_POINTS", score.JOURNEY_PAGE_POINTS * 4)
    assert value(RAGE, pages=3) > before


def test_older_sessions_score_lower_and_the_half_life_sets_how_fast(monkeypatch):
    assert value(RAGE, age_days=0) > value(RAGE, age_days=14) > value(RAGE, age_days=28)
    before = value(RAGE, age_days=14)
    monkeypatch.setattr(score, "RECENCY_HALF_LIFE_DAYS", 28.0)
    assert value(RAGE, age_days=14) > before


def test_very_short_sessions_score_lower(monkeypatch):
    assert value(RAGE, seconds=5) < value(RAGE, seconds=60)
    monkeypatch.setattr(score, "SHORT_SESSION_FACTOR", 1.0)
    assert value(RAGE, seconds=5) == value(RAGE, seconds=60)


def test_the_points_scale_sets_where_the_score_saturates(monkeypatch):
    before = value(RAGE)
    monkeypatch.setattr(score, "POINTS_SCALE", score.POINTS_SCALE * 2)
    assert value(RAGE) < before


def test_reasons_name_counts_elements_errors_and_forms_largest_first_signals_first_on_a_tie():
    result = score_session(features(RAGE, RAGE, RAGE, ERROR, ABANDONED, ratings=[2]))
    assert result.reasons == (
        "3 rage clicks on “#submit”",
        "script error “TypeError: form is undefined @ /static/app.js”",
        "rated the page 2 of 5",
        "left the form “#licence-form” unfinished",
    )
    assert result.reasons_text.startswith("3 rage clicks on “#submit”; script error “TypeError")


def test_a_single_signal_reads_in_the_singular():
    assert score_session(features(RAGE)).reasons == ("1 rage click on “#submit”",)
    assert score_session(features(DEAD, DEAD)).reasons == ("2 dead clicks on “.pay-online”",)


def test_long_error_messages_are_shortened_in_reasons():
    long_error = dataclasses.replace(ERROR, detail="E" * 300)
    (reason,) = score_session(features(long_error)).reasons
    assert len(reason) < 120 and reason.endswith("…”")


def test_features_count_kinds_distinct_errors_and_forms():
    row = features(RAGE, ERROR, ERROR, ABANDONED, ratings=[4, 2], pages=3, seconds=90)
    assert row.count(SignalKind.RAGE_CLICK) == 1 and row.count(SignalKind.ERROR_CLICK) == 2
    assert row.error_signatures == (ERROR.detail,)
    assert row.abandoned_forms == ("#licence-form",)
    assert row.lowest_rating == 2 and row.department_pages == 3
    assert row.duration_seconds == 90 and row.age_days == 0


def test_the_feature_vector_has_one_number_per_named_feature():
    vector = feature_vector(features(RAGE, ERROR, ratings=[2], pages=3, age_days=2))
    assert len(vector) == len(FEATURE_NAMES)
    named = dict(zip(FEATURE_NAMES, vector, strict=True))
    assert named["rage_click_count"] == 1 and named["distinct_errors"] == 1
    assert named["rated"] == 1 and named["rating_shortfall"] == 3
    assert named["age_days"] == pytest.approx(2)
