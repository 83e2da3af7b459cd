import math

import pandas as pd
import pytest
from django.core.exceptions import ImproperlyConfigured

from cityux_analytics.conf import Thresholds, get_thresholds
from cityux_analytics.detectors import (
    DEAD_CLICK,
    ERROR_CLICK,
    EXCESSIVE_SCROLL,
    FORM_ABANDONMENT,
    KINDS,
    MOUSE_THRASH,
    QUICK_BACK,
    RAGE_CLICK,
    SIGNAL_COLUMNS,
    detect_all,
    detect_dead_clicks,
    detect_error_clicks,
    detect_excessive_scrolling,
    detect_form_abandonment,
    detect_mouse_thrash,
    detect_quick_backs,
    detect_rage_clicks,
    error_signature,
    score_sessions,
)

DEFAULTS = Thresholds()
BLANK_EVENT = {
    "session_id": "s1",
    "view_id": 1,
    "url": "/permits",
    "ts": 0,
    "type": "view",
    "x": math.nan,
    "y": math.nan,
    "selector": "",
    "tag": "",
    "interactive": False,
    "input_kind": "",
    "reaction": "",
    "reaction_ms": math.nan,
    "message": "",
    "source": "",
    "direction_changes": math.nan,
    "distance": math.nan,
    "depth": math.nan,
    "form": "",
    "action": "",
}


def events(*rows):
    """The events frame of the input contract, sorted by session and time."""
    frame = pd.DataFrame([{**BLANK_EVENT, **row} for row in rows], columns=list(BLANK_EVENT))
    frame = frame.astype({"view_id": "int64", "ts": "int64", "interactive": "bool"})
    return frame.sort_values(["session_id", "ts"], kind="stable", ignore_index=True)


def view(ts, url="/permits", view_id=1, **fields):
    return {"type": "view", "ts": ts, "url": url, "view_id": view_id, **fields}


def click(ts, x=100.0, y=200.0, selector="button.apply", **fields):
    return {
        "type": "click",
        "ts": ts,
        "x": x,
        "y": y,
        "selector": selector,
        "tag": "button",
        "interactive": True,
        "reaction": "mutation",
        "reaction_ms": 80.0,
        **fields,
    }


def clicks_at(*times, **fields):
    return [click(ts, **fields) for ts in times]


def error(ts, message="TypeError: total is undefined", source="/static/app.js:12:7", **fields):
    return {"type": "error", "ts": ts, "message": message, "source": source, **fields}


def move(ts, direction_changes=8, distance=600.0, **fields):
    return {
        "type": "move",
        "ts": ts,
        "direction_changes": direction_changes,
        "distance": distance,
        **fields,
    }


def scroll(ts, direction_changes, depth=0.5, **fields):
    return {
        "type": "scroll",
        "ts": ts,
        "direction_changes": direction_changes,
        "depth": depth,
        **fields,
    }


def focus(ts, field="#email", form="form#permit", **fields):
    return {"type": "field", "ts": ts, "selector": field, "form": form, "action": "focus", **fields}


def submit(ts, form="form#permit", **fields):
    return {"type": "submit", "ts": ts, "selector": form, "form": form, **fields}


# Rage clicks


def test_three_quick_clicks_in_one_place_are_one_rage_click():
    signals = detect_rage_clicks(events(*clicks_at(1000, 1300, 1600)), DEFAULTS)

    assert signals.to_dict("records") == [
        {
            "session_id": "s1",
            "view_id": 1,
            "url": "/permits",
            "ts": 1000,
            "kind": RAGE_CLICK,
            "selector": "button.apply",
            "count": 3,
            "detail": "",
        }
    ]


def test_two_quick_clicks_are_not_a_rage_click():
    assert detect_rage_clicks(events(*clicks_at(0, 100)), DEFAULTS).empty


def test_clicks_999_ms_apart_make_a_streak():
    signals = detect_rage_clicks(events(*clicks_at(0, 999, 1998)), DEFAULTS)

    assert signals["count"].tolist() == [3]


def test_clicks_1000_ms_apart_do_not_make_a_streak():
    assert detect_rage_clicks(events(*clicks_at(0, 1000, 2000)), DEFAULTS).empty


def test_clicks_29_px_apart_make_a_streak():
    rows = [click(0, x=100, y=100), click(200, x=115, y=114), click(400, x=130, y=128)]

    assert detect_rage_clicks(events(*rows), DEFAULTS)["count"].tolist() == [3]


def test_clicks_30_px_apart_do_not_make_a_streak():
    rows = [click(0, x=100, y=100), click(200, x=115, y=115), click(400, x=130, y=130)]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_a_long_streak_is_one_signal_with_its_length():
    signals = detect_rage_clicks(events(*clicks_at(*range(0, 2000, 200))), DEFAULTS)

    assert signals["count"].tolist() == [10]


def test_a_gap_ends_one_streak_and_the_next_clicks_start_another():
    signals = detect_rage_clicks(events(*clicks_at(0, 200, 400, 1400, 1600, 1800, 2000)), DEFAULTS)

    assert signals[["ts", "count"]].to_dict("records") == [
        {"ts": 0, "count": 3},
        {"ts": 1400, "count": 4},
    ]


def test_a_move_of_30_px_resets_the_streak():
    rows = [
        click(0, x=100),
        click(200, x=100),
        click(400, x=130),
        click(600, x=130),
        click(800, x=130),
    ]

    signals = detect_rage_clicks(events(*rows), DEFAULTS)

    assert signals[["ts", "count"]].to_dict("records") == [{"ts": 400, "count": 3}]


def test_clicks_on_another_page_view_do_not_continue_a_streak():
    rows = [click(0), click(200), click(400, view_id=2, url="/permits/apply")]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_clicks_in_another_session_do_not_continue_a_streak():
    rows = [click(0), click(200), click(300, session_id="s2")]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_clicks_on_a_text_input_are_not_rage_clicks():
    rows = clicks_at(0, 200, 400, selector="input#name", input_kind="text")

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_one_triple_click_that_selects_a_paragraph_is_not_a_rage_click():
    rows = [
        click(0, selector="p.intro"),
        *clicks_at(150, 300, selector="p.intro", reaction="selection"),
    ]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


def test_four_fast_clicks_on_text_are_a_rage_click_though_they_select_it():
    rows = [
        click(0, selector="p.intro"),
        *clicks_at(150, 300, 450, selector="p.intro", reaction="selection"),
    ]

    signal = detect_rage_clicks(events(*rows), DEFAULTS).iloc[0]
    assert (signal["selector"], signal["count"]) == ("p.intro", 4)


def test_three_triple_clicks_on_a_paragraph_are_one_rage_click():
    times = [0, 100, 200, 500, 600, 700, 1000, 1100, 1200]
    rows = [
        click(ts, selector="p.intro", reaction="" if i % 3 == 0 else "selection")
        for i, ts in enumerate(times)
    ]

    signals = detect_rage_clicks(events(*rows), DEFAULTS)
    assert signals["count"].tolist() == [9]


def test_a_click_that_selects_text_still_answers_for_dead_clicks():
    rows = [click(0, selector="p.intro", reaction="selection", reaction_ms=5.0)]

    assert detect_dead_clicks(events(*rows), DEFAULTS).empty


def test_an_ignored_click_breaks_the_streak():
    rows = [
        click(0),
        click(200),
        click(400, selector="textarea#comment", input_kind="text"),
        click(600),
        click(800),
    ]

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


@pytest.mark.parametrize(
    "selector",
    [
        "button[data-cityux-no-rage]",
        'div[data-cityux-no-rage="true"] > button',
        "a.page-link",
        "nav.pagination > a:nth-child(3)",
        "button.pager-next",
        "button#prev_page",
        "a.previous",
        "div.stepper > button",
        "button.qty-increment",
        "button.qty-decrement",
        "button.zoom-plus",
        "button.zoom-minus",
        "button.Next",
    ],
)
def test_repeat_click_controls_are_not_rage_clicks(selector):
    rows = clicks_at(0, 200, 400, selector=selector)

    assert detect_rage_clicks(events(*rows), DEFAULTS).empty


@pytest.mark.parametrize("selector", ["a.preview-card", "div.nextdoor", "span.surplus"])
def test_words_that_only_contain_a_control_word_are_not_ignored(selector):
    rows = clicks_at(0, 200, 400, selector=selector)

    assert detect_rage_clicks(events(*rows), DEFAULTS)["count"].tolist() == [3]


def test_the_ignore_list_is_a_threshold():
    thresholds = Thresholds(rage_click_ignored_selectors=(r"\.carousel",))
    rows = [
        *clicks_at(0, 200, 400, selector="div.carousel button"),
        *clicks_at(5000, 5200, 5400, selector="a.page-link"),
    ]

    signals = detect_rage_clicks(events(*rows), thresholds)

    assert signals["selector"].tolist() == ["a.page-link"]


# Dead clicks


def test_a_click_without_reaction_is_a_dead_click():
    rows = [click(500, selector="div.card", reaction="", reaction_ms=math.nan)]

    signals = detect_dead_clicks(events(*rows), DEFAULTS)

    assert signals[["ts", "kind", "selector", "count"]].to_dict("records") == [
        {"ts": 500, "kind": DEAD_CLICK, "selector": "div.card", "count": 1}
    ]


def test_a_click_with_a_reaction_after_2499_ms_is_not_dead():
    rows = [click(0, reaction="mutation", reaction_ms=2499.0)]

    assert detect_dead_clicks(events(*rows), DEFAULTS).empty


def test_a_click_with_a_reaction_after_2500_ms_is_dead():
    rows = [click(0, reaction="mutation", reaction_ms=2500.0)]

    assert len(detect_dead_clicks(events(*rows), DEFAULTS)) == 1


@pytest.mark.parametrize("input_kind", ["text", "select", "canvas", "link"])
def test_clicks_on_inputs_links_and_canvases_are_never_dead(input_kind):
    rows = [click(0, input_kind=input_kind, reaction="", reaction_ms=math.nan)]

    assert detect_dead_clicks(events(*rows), DEFAULTS).empty


def test_each_dead_click_is_its_own_signal():
    rows = clicks_at(0, 200, 400, reaction="", reaction_ms=math.nan)

    assert detect_dead_clicks(events(*rows), DEFAULTS)["ts"].tolist() == [0, 200, 400]


# Error clicks


def test_an_error_999_ms_after_a_click_is_an_error_click():
    rows = [click(1000, selector="button#pay"), error(1999)]

    signals = detect_error_clicks(events(*rows), DEFAULTS)

    assert signals[["ts", "kind", "selector", "count", "detail"]].to_dict("records") == [
        {
            "ts": 1000,
            "kind": ERROR_CLICK,
            "selector": "button#pay",
            "count": 1,
            "detail": "TypeError: total is undefined @ /static/app.js",
        }
    ]


def test_an_error_1000_ms_after_a_click_is_not_an_error_click():
    assert detect_error_clicks(events(click(1000), error(2000)), DEFAULTS).empty


def test_an_error_in_the_same_millisecond_as_the_click_counts_even_when_listed_first():
    frame = pd.concat([events(error(1000)), events(click(1000))], ignore_index=True)

    assert len(detect_error_clicks(frame, DEFAULTS)) == 1


def test_an_error_on_another_page_view_is_not_an_error_click():
    rows = [click(1000), error(1200, view_id=2, url="/permits/apply")]

    assert detect_error_clicks(events(*rows), DEFAULTS).empty


def test_an_error_in_another_session_is_not_an_error_click():
    rows = [click(1000), error(1200, session_id="s2")]

    assert detect_error_clicks(events(*rows), DEFAULTS).empty


def test_an_error_before_any_click_is_not_an_error_click():
    assert detect_error_clicks(events(error(500), click(1000)), DEFAULTS).empty


def test_an_error_is_blamed_on_the_latest_click():
    rows = [click(0, selector="a.first"), click(500, selector="button.second"), error(1200)]

    signals = detect_error_clicks(events(*rows), DEFAULTS)

    assert signals["selector"].tolist() == ["button.second"]


def test_repeats_of_one_error_after_a_click_are_one_signal_with_their_count():
    rows = [
        click(0),
        error(10, source="/static/app.js:12:7"),
        error(20, source="/static/app.js:12:9"),
        error(30, message="ReferenceError: map is not defined"),
    ]

    signals = detect_error_clicks(events(*rows), DEFAULTS)

    assert sorted(zip(signals["detail"], signals["count"], strict=True)) == [
        ("ReferenceError: map is not defined @ /static/app.js", 1),
        ("TypeError: total is undefined @ /static/app.js", 2),
    ]


def test_error_signatures_drop_line_and_column_numbers_but_keep_ports():
    assert (
        error_signature("Uncaught Error: boom at line 42", "http://localhost:8000/app.js:1:2")
        == "Uncaught Error: boom at line @ http://localhost:8000/app.js"
    )


# Mouse thrash


def test_two_thrashing_windows_2999_ms_apart_are_mouse_thrash():
    signals = detect_mouse_thrash(events(move(1000), move(3999)), DEFAULTS)

    assert signals[["ts", "kind", "count"]].to_dict("records") == [
        {"ts": 1000, "kind": MOUSE_THRASH, "count": 2}
    ]


def test_two_thrashing_windows_3000_ms_apart_are_not_mouse_thrash():
    assert detect_mouse_thrash(events(move(1000), move(4000)), DEFAULTS).empty


def test_one_thrashing_window_is_not_mouse_thrash():
    assert detect_mouse_thrash(events(move(1000)), DEFAULTS).empty


def test_a_window_with_five_direction_changes_is_not_thrashing():
    rows = [move(1000, direction_changes=6), move(2000, direction_changes=5)]

    assert detect_mouse_thrash(events(*rows), DEFAULTS).empty


def test_a_window_with_399_px_of_travel_is_not_thrashing():
    rows = [move(1000, distance=400.0), move(2000, distance=399.0)]

    assert detect_mouse_thrash(events(*rows), DEFAULTS).empty


def test_a_calm_window_between_thrashing_ones_does_not_break_the_episode():
    rows = [move(0), move(1000, direction_changes=1, distance=50.0), move(2000), move(4500)]

    assert detect_mouse_thrash(events(*rows), DEFAULTS)["count"].tolist() == [3]


def test_thrashing_windows_on_two_page_views_are_not_one_episode():
    rows = [move(1000), move(2000, view_id=2, url="/permits/apply")]

    assert detect_mouse_thrash(events(*rows), DEFAULTS).empty


# Quick backs


def test_going_back_to_the_previous_page_within_6999_ms_is_a_quick_back():
    rows = [
        view(0, "/permits", view_id=1),
        view(10_000, "/permits/parking", view_id=2),
        view(16_999, "/permits", view_id=3),
    ]

    signals = detect_quick_backs(events(*rows), DEFAULTS)

    assert signals.to_dict("records") == [
        {
            "session_id": "s1",
            "view_id": 2,
            "url": "/permits/parking",
            "ts": 10_000,
            "kind": QUICK_BACK,
            "selector": "",
            "count": 1,
            "detail": "/permits",
        }
    ]


def test_going_back_after_7000_ms_is_not_a_quick_back():
    rows = [
        view(0, "/permits", view_id=1),
        view(10_000, "/permits/parking", view_id=2),
        view(17_000, "/permits", view_id=3),
    ]

    assert detect_quick_backs(events(*rows), DEFAULTS).empty


def test_going_on_to_a_third_page_is_not_a_quick_back():
    rows = [view(0, "/a", view_id=1), view(1000, "/b", view_id=2), view(2000, "/c", view_id=3)]

    assert detect_quick_backs(events(*rows), DEFAULTS).empty


def test_reloading_a_page_is_not_a_quick_back():
    rows = [view(0, "/a", view_id=1), view(1000, "/a", view_id=2), view(2000, "/a", view_id=3)]

    assert detect_quick_backs(events(*rows), DEFAULTS).empty


def test_page_views_of_another_session_are_not_a_quick_back():
    rows = [
        view(0, "/a", view_id=1),
        view(1000, "/b", view_id=2),
        view(2000, "/a", view_id=1, session_id="s2"),
    ]

    assert detect_quick_backs(events(*rows), DEFAULTS).empty


# Excessive scrolling


def test_four_direction_changes_within_9999_ms_are_excessive_scrolling():
    signals = detect_excessive_scrolling(events(scroll(1000, 2), scroll(10_999, 2)), DEFAULTS)

    assert signals[["ts", "kind", "count"]].to_dict("records") == [
        {"ts": 10_999, "kind": EXCESSIVE_SCROLL, "count": 4}
    ]


def test_four_direction_changes_10000_ms_apart_are_not_excessive_scrolling():
    assert detect_excessive_scrolling(events(scroll(1000, 2), scroll(11_000, 2)), DEFAULTS).empty


def test_three_direction_changes_are_not_excessive_scrolling():
    assert detect_excessive_scrolling(events(scroll(1000, 2), scroll(2000, 1)), DEFAULTS).empty


def test_one_episode_of_excessive_scrolling_is_one_signal_with_its_peak():
    rows = [scroll(0, 2), scroll(1000, 2), scroll(2000, 3), scroll(3000, 0), scroll(30_000, 0)]

    signals = detect_excessive_scrolling(events(*rows), DEFAULTS)

    assert signals[["ts", "count"]].to_dict("records") == [{"ts": 1000, "count": 7}]


def test_scrolling_on_two_page_views_does_not_add_up():
    rows = [scroll(1000, 2), scroll(2000, 2, view_id=2, url="/permits/apply")]

    assert detect_excessive_scrolling(events(*rows), DEFAULTS).empty


# Form abandonment


def test_a_focused_form_never_submitted_is_abandoned():
    rows = [focus(1000, "#name"), focus(2000, "#email"), focus(3000, "#name")]

    signals = detect_form_abandonment(events(*rows), DEFAULTS)

    assert signals.to_dict("records") == [
        {
            "session_id": "s1",
            "view_id": 1,
            "url": "/permits",
            "ts": 3000,
            "kind": FORM_ABANDONMENT,
            "selector": "form#permit",
            "count": 2,
            "detail": "#name",
        }
    ]


def test_a_submitted_form_is_not_abandoned():
    assert detect_form_abandonment(events(focus(1000), submit(5000)), DEFAULTS).empty


def test_a_form_submitted_on_a_later_page_view_is_not_abandoned():
    rows = [focus(1000), submit(60_000, view_id=3, url="/permits")]

    assert detect_form_abandonment(events(*rows), DEFAULTS).empty


def test_a_form_focused_again_after_its_submit_and_left_is_abandoned():
    rows = [focus(1000), submit(2000), focus(3000, view_id=2)]

    assert detect_form_abandonment(events(*rows), DEFAULTS)["view_id"].tolist() == [2]


def test_submitting_another_form_does_not_save_a_form_from_abandonment():
    rows = [focus(1000), submit(2000, form="form#search")]

    assert detect_form_abandonment(events(*rows), DEFAULTS)["selector"].tolist() == ["form#permit"]


def test_a_submit_without_its_form_column_is_matched_by_its_selector():
    rows = [focus(1000), {**submit(2000), "form": ""}]

    assert detect_form_abandonment(events(*rows), DEFAULTS).empty


def test_a_submit_in_another_session_does_not_save_a_form_from_abandonment():
    rows = [focus(1000), submit(2000, session_id="s2")]

    assert len(detect_form_abandonment(events(*rows), DEFAULTS)) == 1


def test_blurring_a_field_is_not_starting_a_form():
    rows = [{**focus(1000), "action": "blur"}]

    assert detect_form_abandonment(events(*rows), DEFAULTS).empty


# All detectors


def mixed_session():
    parking = {"view_id": 2, "url": "/permits/parking"}
    return events(
        view(0, "/permits", view_id=1),
        view(10_000, **parking),
        *clicks_at(11_000, 11_200, 11_400, selector="button.apply", **parking),
        click(12_000, x=400.0, selector="button#pay", **parking),
        error(12_500, **parking),
        click(13_000, selector="div.banner", reaction="", reaction_ms=math.nan, **parking),
        move(13_500, **parking),
        move(14_500, **parking),
        scroll(15_000, 4, **parking),
        focus(15_500, "#plate", **parking),
        view(16_000, "/permits", view_id=3),
        view(0, "/", view_id=1, session_id="s2"),
    )


def test_detect_all_finds_every_kind_in_a_mixed_session_in_time_order():
    signals = detect_all(mixed_session(), DEFAULTS)

    assert list(signals.columns) == SIGNAL_COLUMNS
    assert signals["kind"].tolist() == [
        QUICK_BACK,
        RAGE_CLICK,
        ERROR_CLICK,
        DEAD_CLICK,
        MOUSE_THRASH,
        EXCESSIVE_SCROLL,
        FORM_ABANDONMENT,
    ]
    assert set(signals["session_id"]) == {"s1"}
    assert signals["ts"].is_monotonic_increasing


def test_detect_all_on_no_events_returns_an_empty_frame_with_the_signal_columns():
    signals = detect_all(events(view(0)).iloc[:0], DEFAULTS)

    assert signals.empty
    assert list(signals.columns) == SIGNAL_COLUMNS


def test_detect_all_accepts_text_columns_with_no_value_at_all():
    frame = mixed_session()
    for column in ["selector", "input_kind", "reaction", "message", "source", "form", "action"]:
        frame[column] = math.nan

    signals = detect_all(frame, DEFAULTS)

    assert set(signals["kind"]) == set(KINDS) - {FORM_ABANDONMENT}
    assert set(signals["selector"]) == {""}


def test_detect_all_reads_thresholds_from_django_settings(settings):
    settings.CITYUX_ANALYTICS_THRESHOLDS = {"rage_click_min_clicks": 4}

    signals = detect_all(mixed_session())

    assert RAGE_CLICK not in set(signals["kind"])


def test_detect_all_uses_the_default_thresholds_without_the_setting(settings):
    del settings.CITYUX_ANALYTICS_THRESHOLDS

    assert RAGE_CLICK in set(detect_all(mixed_session())["kind"])


# Thresholds


def test_thresholds_setting_overrides_only_the_keys_it_names(settings):
    settings.CITYUX_ANALYTICS_THRESHOLDS = {
        "dead_click_reaction_ms": 4000,
        "rage_click_ignored_selectors": [r"\.carousel"],
    }

    thresholds = get_thresholds()

    assert thresholds.dead_click_reaction_ms == 4000
    assert thresholds.rage_click_ignored_selectors == (r"\.carousel",)
    assert thresholds.rage_click_gap_ms == DEFAULTS.rage_click_gap_ms


def test_an_unknown_thresholds_key_is_refused_with_the_known_keys(settings):
    settings.CITYUX_ANALYTICS_THRESHOLDS = {"rage_clicks": 5}

    with pytest.raises(ImproperlyConfigured, match="rage_clicks.*rage_click_min_clicks"):
        get_thresholds()


# Scoring


def test_a_session_without_signals_scores_zero():
    scores = score_sessions(detect_all(mixed_session(), DEFAULTS), mixed_session())

    quiet = scores.set_index("session_id").loc["s2"]
    assert quiet["score"] == 0
    assert quiet[list(KINDS)].sum() == 0


def test_scores_count_each_kind_of_signal_per_session():
    scores = score_sessions(detect_all(mixed_session(), DEFAULTS), mixed_session())

    assert list(scores.columns) == ["session_id", "score", *KINDS]
    assert scores.set_index("session_id").loc["s1", list(KINDS)].tolist() == [1] * len(KINDS)


def test_sessions_of_a_batch_without_any_signal_all_score_zero():
    quiet = events(view(0), view(0, session_id="s2"))

    scores = score_sessions(detect_all(quiet, DEFAULTS), quiet)

    assert scores[["session_id", "score"]].to_dict("records") == [
        {"session_id": "s1", "score": 0},
        {"session_id": "s2", "score": 0},
    ]


def signals_of(*kinds, session_id="s1"):
    return pd.DataFrame({"session_id": session_id, "kind": list(kinds)})


def test_one_rage_click_scores_26():
    scores = score_sessions(signals_of(RAGE_CLICK), events(view(0)))

    assert scores["score"].tolist() == [26]


def test_a_rage_click_and_an_error_click_score_50():
    scores = score_sessions(signals_of(RAGE_CLICK, ERROR_CLICK), events(view(0)))

    assert scores["score"].tolist() == [50]


def test_an_error_click_weighs_more_than_a_dead_click():
    scores = score_sessions(
        pd.concat([signals_of(ERROR_CLICK), signals_of(DEAD_CLICK, session_id="s2")]),
        events(view(0), view(0, session_id="s2")),
    )

    assert scores["score"].tolist() == [33, 10]


def test_the_score_saturates_at_100():
    scores = score_sessions(signals_of(*[RAGE_CLICK] * 50), events(view(0)))

    assert scores["score"].tolist() == [100]
