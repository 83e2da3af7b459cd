"""Frustration detectors: pure, vectorised functions over a DataFrame of tracker events.

Input contract. One DataFrame of events for one or many *closed* sessions, sorted by
(`session_id`, `ts`), with these columns (a column that does not apply to a row's type holds
NaN or ""):

- every row: `session_id` (str), `view_id` (int, the page view's number within the session;
  each page view has one `url`), `url` (str, path only), `ts` (int64, ms since the epoch),
  `type` (str: "view", "click", "error", "move", "scroll", "field", "submit" or "hide");
- click: `x`, `y` (float, page coordinates), `selector` (str, a stable CSS selector), `tag`
  (str, lower case), `interactive` (bool), `input_kind` ("" or "text" for text inputs,
  textareas and contenteditable, "select", "canvas", "link" for `a[href]`), `reaction` (""
  for none, or "mutation", "navigation", "scroll", "selection", "focus") and `reaction_ms`
  (float, ms from the click to its first reaction, NaN if none);
- error: `message` (str, already truncated) and `source` (str);
- move: one row per 1 s window of pointer movement summarised by the tracker, with
  `direction_changes` (int) and `distance` (float, px);
- scroll: `depth` (float, 0..1) and `direction_changes` (int);
- field and submit: `selector` (the field's or the form's), `form` (str, the form's selector)
  and, for field rows, `action` ("focus" or "blur").

Each `detect_<kind>` returns one row per signal with the columns of `SIGNAL_COLUMNS`. The
numbers in the docstrings are the defaults of `cityux_analytics.conf.Thresholds`.
"""

import numpy as np
import pandas as pd

from .conf import get_thresholds
from .event_frame import (
    _error_signatures,
    _matches_any,
    _pair_codes,
    _positions_of,
    _session_codes,
    _starts_page_view,
    _streaks,
    _text_values,
    _trailing_sums,
    _values,
    _without_line_numbers,
)

RAGE_CLICK = "rage_click"
DEAD_CLICK = "dead_click"
ERROR_CLICK = "error_click"
MOUSE_THRASH = "mouse_thrash"
QUICK_BACK = "quick_back"
EXCESSIVE_SCROLL = "excessive_scroll"
FORM_ABANDONMENT = "form_abandonment"
KINDS = (
    RAGE_CLICK,
    DEAD_CLICK,
    ERROR_CLICK,
    MOUSE_THRASH,
    QUICK_BACK,
    EXCESSIVE_SCROLL,
    FORM_ABANDONMENT,
)

SIGNAL_DTYPES = {
    "session_id": "str",
    "view_id": "int64",
    "url": "str",
    "ts": "int64",
    "kind": "str",
    "selector": "str",
    "count": "int64",
    "detail": "str",
}
SIGNAL_COLUMNS = list(SIGNAL_DTYPES)

# Points per signal in a session's frustration score; see `score_sessions`.
SCORE_WEIGHTS = {
    RAGE_CLICK: 3,
    DEAD_CLICK: 1,
    ERROR_CLICK: 4,
    MOUSE_THRASH: 1,
    QUICK_BACK: 1,
    EXCESSIVE_SCROLL: 1,
    FORM_ABANDONMENT: 2,
}
SCORE_POINTS_SCALE = 10


def error_signature(message, source):
    """`message @ source` without line and column numbers, so one error has one signature.

    `:12:7`-style suffixes (not ports: `:8000/`) and the number after "line", "col" or
    "column" are removed from each part.
    """
    return f"{_without_line_numbers(message)} @ {_without_line_numbers(source)}"


def detect_rage_clicks(events, thresholds):
    """Streaks of ≥ 3 clicks in one page view, each < 1000 ms after the previous click and
    < 30 px from it (|dx| + |dy|); one signal per streak, `count` = its length.

    Clicks on text inputs (`input_kind` "text") and clicks on a selector matching
    `rage_click_ignored_selectors` (`[data-cityux-no-rage]`, pagination and stepper controls)
    never count and break a streak. Clicking text fast selects it (`reaction` "selection"):
    that is no answer to the visitor, so those clicks count, but a streak with one needs ≥ 4
    clicks (`rage_click_min_text_clicks`), since one triple click selects a paragraph.
    The signal has the first click's time and selector.
    """
    clicks = _positions_of(events, "click")
    ts = _values(events, "ts", clicks)
    x, y = _values(events, "x", clicks), _values(events, "y", clicks)
    close = np.zeros(len(clicks), dtype=bool)
    close[1:] = (np.diff(ts) < thresholds.rage_click_gap_ms) & (
        np.abs(np.diff(x)) + np.abs(np.diff(y)) < thresholds.rage_click_distance_px
    )
    # Only a click close to the click before or after it can be part of a streak; the click
    # before a close one stays in, so `close` still refers to the previous row.
    near = close | np.append(close[1:], False)
    clicks, close = clicks[near], close[near]
    selector = _text_values(events, "selector", clicks)
    counted = ~(
        (_values(events, "input_kind", clicks) == "text")
        | _matches_any(selector, thresholds.rage_click_ignored_selectors)
    )
    continues = close & counted & np.append(False, counted[:-1])
    continues &= ~_starts_page_view(events, clicks)
    first, length = _streaks(continues)
    selected = _values(events, "reaction", clicks) == "selection"
    selected_in_streak = np.add.reduceat(selected, first) > 0 if len(first) else selected
    needed = np.where(
        selected_in_streak,
        thresholds.rage_click_min_text_clicks,
        thresholds.rage_click_min_clicks,
    )
    rage = counted[first] & (length >= needed)
    first = first[rage]
    return _signals(events, clicks[first], RAGE_CLICK, length[rage], selector=selector[first])


def detect_dead_clicks(events, thresholds):
    """Clicks with no reaction within 2500 ms: `reaction` is "" or `reaction_ms` ≥ 2500 (or
    unknown); one signal per click. Clicks whose `input_kind` is "text", "select", "canvas"
    or "link" are never dead.
    """
    clicks = _positions_of(events, "click")
    reacted = (_text_values(events, "reaction", clicks) != "") & (
        _values(events, "reaction_ms", clicks) < thresholds.dead_click_reaction_ms
    )
    exempt = pd.Series(_values(events, "input_kind", clicks)).isin(
        thresholds.dead_click_ignored_input_kinds
    )
    dead = clicks[~(reacted | exempt.to_numpy())]
    return _signals(events, dead, DEAD_CLICK, 1, selector=_text_values(events, "selector", dead))


def detect_error_clicks(events, thresholds):
    """Errors < 1000 ms after a click in the same page view (an error at the click's own
    millisecond counts), blamed on the latest such click.

    One signal per click and error signature (see `error_signature`), with the click's time
    and selector; `count` = how many such errors, `detail` = the signature.
    """
    rows = _positions_of(events, "click", "error")
    is_error = _values(events, "type", rows) == "error"
    session = _values(events, "session_id", rows)
    ts = _values(events, "ts", rows)
    # A click and its error can share a millisecond: put the click first.
    error_first = (np.diff(ts) == 0) & is_error[:-1] & ~is_error[1:] & (session[1:] == session[:-1])
    if error_first.any():
        order = np.lexsort((is_error, ts, _session_codes(events, rows)))
        rows, is_error, session, ts = rows[order], is_error[order], session[order], ts[order]
    view = _values(events, "view_id", rows)

    index = np.arange(len(rows))
    latest_click = np.maximum.accumulate(np.where(is_error, -1, index))
    errors = index[is_error & (latest_click >= 0)]
    clicks = latest_click[errors]
    caused = (
        (session[clicks] == session[errors])
        & (view[clicks] == view[errors])
        & (ts[errors] - ts[clicks] < thresholds.error_click_window_ms)
    )
    errors, clicks = rows[errors[caused]], rows[clicks[caused]]
    signature = _error_signatures(
        _text_values(events, "message", errors), _text_values(events, "source", errors)
    )
    found = (
        pd.DataFrame({"click": clicks, "detail": signature})
        .groupby(["click", "detail"], sort=True)
        .size()
        .reset_index(name="count")
    )
    clicks = found["click"].to_numpy()
    return _signals(
        events,
        clicks,
        ERROR_CLICK,
        found["count"].to_numpy(),
        selector=_text_values(events, "selector", clicks),
        detail=found["detail"].to_numpy(),
    )


def detect_mouse_thrash(events, thresholds):
    """Episodes of ≥ 2 thrashing move windows in one page view, each starting < 3000 ms after
    the previous thrashing window; one signal per episode, `count` = its windows.

    A move window (1 s) is thrashing with ≥ 6 direction changes and ≥ 400 px of travel.
    """
    moves = _positions_of(events, "move")
    windows = moves[
        (_values(events, "direction_changes", moves) >= thresholds.thrash_window_direction_changes)
        & (_values(events, "distance", moves) >= thresholds.thrash_window_distance_px)
    ]
    continues = ~_starts_page_view(events, windows)
    continues[1:] &= np.diff(_values(events, "ts", windows)) < thresholds.thrash_gap_ms
    first, length = _streaks(continues)
    thrash = length >= thresholds.thrash_min_windows
    return _signals(events, windows[first[thrash]], MOUSE_THRASH, length[thrash])


def detect_quick_backs(events, thresholds):
    """Page views left < 7000 ms after they started, back to the previous page: page view N+1
    has the url of view N-1 (and not that of view N, which would be a reload).

    The signal is on view N, at its start; `detail` is the url the visitor went back to.
    """
    views = _positions_of(events, "view")
    session = _values(events, "session_id", views)
    url = _text_values(events, "url", views)
    ts = _values(events, "ts", views)
    # Index i is view N+1, i - 1 is view N and i - 2 is view N-1 of the same session.
    back = np.zeros(len(views), dtype=bool)
    back[2:] = (
        (session[2:] == session[1:-1])
        & (session[1:-1] == session[:-2])
        & (url[2:] == url[:-2])
        & (url[2:] != url[1:-1])
        & (ts[2:] - ts[1:-1] < thresholds.quick_back_ms)
    )
    left = np.flatnonzero(back) - 1
    return _signals(events, views[left], QUICK_BACK, 1, detail=url[left - 1])


def detect_excessive_scrolling(events, thresholds):
    """Scrolling up and down: scroll rows of one page view whose `direction_changes` add up to
    ≥ 4 within 10 s (rows < 10 000 ms apart).

    Consecutive scroll rows whose trailing 10 s sum reaches 4 form one episode and one signal,
    at the first of them; `count` = the most direction changes seen in 10 s.
    """
    scrolls = _positions_of(events, "scroll")
    starts = _starts_page_view(events, scrolls)
    changes = np.nan_to_num(_values(events, "direction_changes", scrolls)).astype("int64")
    in_window = _trailing_sums(
        starts, _values(events, "ts", scrolls), changes, thresholds.scroll_window_ms
    )
    excessive = in_window >= thresholds.scroll_direction_changes
    continues = excessive & ~starts
    continues[1:] &= excessive[:-1]
    first, _ = _streaks(continues)
    most = np.maximum.reduceat(in_window, first) if len(first) else in_window
    episode = excessive[first]
    return _signals(events, scrolls[first[episode]], EXCESSIVE_SCROLL, most[episode])


def detect_form_abandonment(events, thresholds):
    """Forms whose fields were focused in a page view with no submit of that form at or after
    the last focus, anywhere later in the session.

    One signal per page view and form, at the last focus; `selector` is the form, `count` the
    number of distinct fields focused and `detail` the last field focused.
    """
    rows = _positions_of(events, "field", "submit")
    kind = _values(events, "type", rows)
    selector = _text_values(events, "selector", rows)
    form = _text_values(events, "form", rows)
    form = np.where((form == "") & (kind == "submit"), selector, form)
    ts = _values(events, "ts", rows)
    session_form = _pair_codes(_session_codes(events, rows), pd.factorize(form)[0])
    last_submit = np.full(session_form.max(initial=-1) + 1, np.iinfo("int64").min)
    np.maximum.at(last_submit, session_form[kind == "submit"], ts[kind == "submit"])

    focused = np.flatnonzero(
        (kind == "field") & (_values(events, "action", rows) == "focus") & (form != "")
    )
    page_view = np.cumsum(_starts_page_view(events, rows[focused]))
    group = _pair_codes(page_view, session_form[focused])
    # Each page view and form's focuses side by side, still in time order.
    by_group = np.argsort(group, kind="stable")
    focused, group = focused[by_group], group[by_group]
    fields = _pair_codes(group, pd.factorize(selector[focused])[0])
    distinct_fields = np.bincount(group[np.unique(fields, return_index=True)[1]])
    stopped = focused[np.flatnonzero(np.diff(group, append=-1))]
    abandoned = last_submit[session_form[stopped]] < ts[stopped]
    stopped = stopped[abandoned]
    return _signals(
        events,
        rows[stopped],
        FORM_ABANDONMENT,
        distinct_fields[abandoned],
        selector=form[stopped],
        detail=selector[stopped],
    )


DETECTORS = (
    detect_rage_clicks,
    detect_dead_clicks,
    detect_error_clicks,
    detect_mouse_thrash,
    detect_quick_backs,
    detect_excessive_scrolling,
    detect_form_abandonment,
)


def detect_all(events, thresholds=None):
    """Every detector's signals, sorted by session and time; thresholds from settings by default."""
    if thresholds is None:
        thresholds = get_thresholds()
    signals = pd.concat([detect(events, thresholds) for detect in DETECTORS], ignore_index=True)
    session_codes = pd.factorize(signals["session_id"], sort=True)[0]
    in_order = np.lexsort((signals["ts"].to_numpy(), session_codes))
    return signals.take(in_order).reset_index(drop=True)


def score_sessions(signals, events):
    """A 0-100 frustration score and per-kind signal counts for every session in `events`.

    Each signal earns `SCORE_WEIGHTS` points (rage 3, error 4, abandonment 2, others 1) and
    the score saturates: round(100 × (1 − e^(−points / 10))), so 3 points give 26, 10 give 63
    and 30 give 95.
    """
    counts = (
        signals.groupby(["session_id", "kind"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(KINDS), fill_value=0)
    )
    sessions = pd.Index(events["session_id"].unique()).union(counts.index, sort=False)
    counts = counts.reindex(sessions, fill_value=0).astype("int64")
    points = counts.to_numpy() @ np.array([SCORE_WEIGHTS[kind] for kind in KINDS])
    score = np.rint(100 * (1 - np.exp(-points / SCORE_POINTS_SCALE))).astype("int64")
    scores = counts.rename_axis(index="session_id", columns=None).reset_index()
    scores.insert(1, "score", score)
    return scores


def _signals(events, positions, kind, count, selector=None, detail=None):
    """One signal per event at `positions`, with that event's session, view, url and time."""
    signals = events[["session_id", "view_id", "url", "ts"]].iloc[positions]
    signals = signals.reset_index(drop=True)
    signals["kind"] = kind
    signals["selector"] = "" if selector is None else selector
    signals["count"] = count
    signals["detail"] = "" if detail is None else detail
    return signals.astype(SIGNAL_DTYPES)
