"""Detection speed: the vectorised detectors against a per-event Python loop on the same events.

    .venv/bin/python bench/detection.py [--events 1000000] [--seed 7] [--repeat 3]

Generates seeded synthetic sessions (about 50 events each), runs `detect_all` and a
straightforward loop over `itertuples()` implementing the rage, dead and error click rules,
checks that both find the same signals, and prints the best times of a few runs and their
ratios. Budget: the detectors are ≥ 20 × faster than the loop, and 1M events take < 10 s.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "cityux.settings.test"

import django  # noqa: E402

django.setup()

from cityux_analytics.conf import get_thresholds  # noqa: E402
from cityux_analytics.detectors import (  # noqa: E402
    DEAD_CLICK,
    ERROR_CLICK,
    RAGE_CLICK,
    detect_all,
    detect_dead_clicks,
    detect_error_clicks,
    detect_rage_clicks,
    error_signature,
)

EVENTS_PER_SESSION = 50
TYPES = np.array(["click", "move", "scroll", "error", "field", "submit", "hide"], dtype=object)
TYPE_WEIGHTS = [0.45, 0.2, 0.15, 0.04, 0.1, 0.02, 0.04]
URLS = np.array([f"/services/{n}" for n in range(25)], dtype=object)
CLICK_TARGETS = [
    ("button.apply", ""),
    ("div.card", ""),
    ("img.hero", ""),
    ("a.service-link", "link"),
    ("input#search", "text"),
    ("textarea#comment", "text"),
    ("select#district", "select"),
    ("canvas.map", "canvas"),
    ("nav.pagination a.page-link", "link"),
    ("button.pager-next", ""),
    ("button.qty-increment", ""),
    ("div[data-cityux-no-rage] button", ""),
    ("p.intro", ""),
    ("span.preview-price", ""),
] + [(f"div.section-{n} button.action", "") for n in range(200)]
REACTIONS = np.array(["", "mutation", "navigation", "scroll", "selection", "focus"], dtype=object)
MESSAGES = np.array([f"TypeError: field {n} is undefined" for n in range(30)], dtype=object)
FORMS = np.array([f"form#request-{n}" for n in range(10)], dtype=object)
FIELDS = np.array(["#name", "#email", "#phone", "#address", "#details"], dtype=object)


def synthetic_events(count, seed):
    """`count` events of about count / 50 closed sessions, in the detectors' input contract."""
    rng = np.random.default_rng(seed)
    columns = _timeline(rng, count)
    kind = columns["type"]
    columns.update(_click_columns(rng, kind))
    columns.update(_error_columns(rng, kind))
    columns.update(_move_scroll_and_form_columns(rng, kind, columns["selector"]))
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype="str") if values.dtype == object else values
            for name, values in columns.items()
        }
    )


def _timeline(rng, count):
    session = np.sort(rng.integers(0, max(1, count // EVENTS_PER_SESSION), count))
    starts = np.append(True, session[1:] != session[:-1])
    session_of = np.cumsum(starts) - 1
    # Bursts of quick events (rage streaks, errors after clicks) between slower browsing.
    gap = np.where(
        rng.random(count) < 0.5, rng.integers(50, 1300, count), rng.integers(500, 8000, count)
    )
    elapsed = np.cumsum(gap)
    new_view = starts | (rng.random(count) < 0.06)
    view_number = np.cumsum(new_view)
    return {
        "session_id": np.char.mod("s%06d", session).astype(object),
        "view_id": view_number - view_number[starts][session_of] + 1,
        "url": URLS[rng.integers(0, len(URLS), view_number[-1] + 1)][view_number],
        "ts": 1_750_000_000_000 + session * 10_000_000 + elapsed - elapsed[starts][session_of],
        "type": np.where(new_view, "view", TYPES[rng.choice(len(TYPES), count, p=TYPE_WEIGHTS)]),
    }


def _click_columns(rng, kind):
    count = len(kind)
    is_click = kind == "click"
    # Clicks come in spots: the same target, a few pixels apart, until the visitor moves on.
    spot = np.cumsum(rng.random(count) < 0.35)
    target = rng.integers(0, len(CLICK_TARGETS), spot[-1] + 1)[spot]
    selectors = np.array([selector for selector, _ in CLICK_TARGETS], dtype=object)
    input_kinds = np.array([input_kind for _, input_kind in CLICK_TARGETS], dtype=object)
    jitter = rng.integers(-8, 9, (2, count))
    reaction = REACTIONS[rng.choice(len(REACTIONS), count, p=[0.3, 0.35, 0.1, 0.1, 0.05, 0.1])]
    reaction = np.where(is_click, reaction, "")
    return {
        "x": np.where(is_click, rng.integers(0, 1200, spot[-1] + 1)[spot] + jitter[0], np.nan),
        "y": np.where(is_click, rng.integers(0, 3000, spot[-1] + 1)[spot] + jitter[1], np.nan),
        "selector": np.where(is_click, selectors[target], ""),
        "tag": np.where(is_click, "button", "").astype(object),
        "interactive": is_click,
        "input_kind": np.where(is_click, input_kinds[target], ""),
        "reaction": reaction,
        "reaction_ms": np.where(reaction != "", rng.exponential(900, count).round(), np.nan),
    }


def _error_columns(rng, kind):
    count = len(kind)
    is_error = kind == "error"
    # Each error is thrown from a few places (line:column moves between builds).
    message = rng.integers(0, len(MESSAGES), count)
    place = message * 3 + rng.integers(0, 3, count)
    line = rng.integers(1, 4000, len(MESSAGES) * 3).astype(str).astype(object)[place]
    column = rng.integers(1, 120, len(MESSAGES) * 3).astype(str).astype(object)[place]
    return {
        "message": np.where(is_error, MESSAGES[message], ""),
        "source": np.where(is_error, "/static/js/app.js:" + line + ":" + column, ""),
    }


def _move_scroll_and_form_columns(rng, kind, selector):
    count = len(kind)
    is_move, is_scroll = kind == "move", kind == "scroll"
    is_field, is_submit = kind == "field", kind == "submit"
    form = np.where(is_field | is_submit, FORMS[rng.integers(0, len(FORMS), count)], "")
    field = FIELDS[rng.integers(0, len(FIELDS), count)]
    return {
        "direction_changes": np.select(
            [is_move, is_scroll], [rng.poisson(4, count), rng.poisson(0.6, count)], np.nan
        ),
        "distance": np.where(is_move, rng.exponential(350, count).round(), np.nan),
        "depth": np.where(is_scroll, rng.random(count), np.nan),
        "selector": np.select([is_field, is_submit], [field, form], selector),
        "form": form,
        "action": np.where(is_field, np.where(rng.random(count) < 0.6, "focus", "blur"), "").astype(
            object
        ),
    }


def loop_rage_dead_error(events, thresholds):
    """Rage, dead and error clicks, one event at a time: the baseline the detectors must beat.

    Returns {kind: (signals, sum of their counts)}.
    """
    ignored = re.compile(
        "|".join(f"(?:{pattern})" for pattern in thresholds.rage_click_ignored_selectors),
        re.IGNORECASE,
    )
    rage_signals = rage_clicks = dead = 0
    errors_per_click = {}
    streak = 0
    previous = None  # (session, view, ts, x, y, counted) of the previous click
    for number, event in enumerate(events.itertuples(index=False)):
        if event.type == "click":
            counted = not (
                event.input_kind == "text"
                or event.reaction == "selection"
                or ignored.search(event.selector)
            )
            continues = (
                counted
                and previous is not None
                and previous[5]
                and previous[:2] == (event.session_id, event.view_id)
                and event.ts - previous[2] < thresholds.rage_click_gap_ms
                and abs(event.x - previous[3]) + abs(event.y - previous[4])
                < thresholds.rage_click_distance_px
            )
            if continues:
                streak += 1
            else:
                if streak >= thresholds.rage_click_min_clicks:
                    rage_signals += 1
                    rage_clicks += streak
                streak = 1 if counted else 0
            previous = (event.session_id, event.view_id, event.ts, event.x, event.y, counted)
            previous_number = number

            reacted = event.reaction != "" and event.reaction_ms < thresholds.dead_click_reaction_ms
            if event.input_kind not in thresholds.dead_click_ignored_input_kinds and not reacted:
                dead += 1
        elif (
            event.type == "error"
            and previous is not None
            and previous[:2] == (event.session_id, event.view_id)
            and event.ts - previous[2] < thresholds.error_click_window_ms
        ):
            key = (previous_number, error_signature(event.message, event.source))
            errors_per_click[key] = errors_per_click.get(key, 0) + 1
    if streak >= thresholds.rage_click_min_clicks:
        rage_signals += 1
        rage_clicks += streak
    return {
        RAGE_CLICK: (rage_signals, rage_clicks),
        DEAD_CLICK: (dead, dead),
        ERROR_CLICK: (len(errors_per_click), sum(errors_per_click.values())),
    }


def best_of(repeat, function, *args):
    """The result of `function(*args)` and its best time over `repeat` runs."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        seconds.append(time.perf_counter() - started)
    return result, min(seconds)


def rage_dead_error(events, thresholds):
    """The same three rules, vectorised, each detector reading the whole events frame."""
    return [
        detect(events, thresholds)
        for detect in (detect_rage_clicks, detect_dead_clicks, detect_error_clicks)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    options = parser.parse_args()

    thresholds = get_thresholds()
    events, generated = best_of(1, synthetic_events, options.events, options.seed)
    print(
        f"{len(events):,} events, {events['session_id'].nunique():,} sessions "
        f"(generated in {generated:.2f} s); best of {options.repeat} runs"
    )
    signals, all_seconds = best_of(options.repeat, detect_all, events, thresholds)
    _, three_seconds = best_of(options.repeat, rage_dead_error, events, thresholds)
    expected, loop_seconds = best_of(options.repeat, loop_rage_dead_error, events, thresholds)

    agree = True
    for kind, (loop_signals, loop_count) in expected.items():
        found = signals[signals["kind"] == kind]
        vectorised = (len(found), int(found["count"].sum()))
        agree &= vectorised == (loop_signals, loop_count)
        print(f"  {kind:<17} (signals, count) vectorised {vectorised}, loop {expected[kind]}")
    print(f"  all signals: {signals['kind'].value_counts().to_dict()}")

    ratio = loop_seconds / three_seconds
    print(f"per-event loop, rage + dead + error   {loop_seconds:6.2f} s")
    print(f"vectorised rage + dead + error        {three_seconds:6.2f} s  ({ratio:.1f} x faster)")
    print(
        f"detect_all, all seven detectors       {all_seconds:6.2f} s"
        f"  ({loop_seconds / all_seconds:.1f} x faster than the three-rule loop)"
    )
    within_budget = ratio >= 20 and all_seconds < 10 * len(events) / 1_000_000
    print(
        f"agree: {'yes' if agree else 'NO'}; budget (≥ 20 x, < 10 s per 1M events): {within_budget}"
    )
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
