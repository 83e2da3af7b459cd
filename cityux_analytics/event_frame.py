"""Vectorised helpers over the detectors' event frame (see detectors.py for its columns).

Row positions, per-session and per-page-view codes, runs, trailing windows, selector patterns
and error messages without line numbers: what every detector family needs, kept apart so
detectors.py reads as the detectors.
"""

import re

import numpy as np
import pandas as pd

# Line and column numbers change with every deploy; the error stays the same.
_LINE_AND_COLUMN_SUFFIX = re.compile(r"(?::\d+)+(?=$|[\s),])")
_LINE_OR_COLUMN_WORD = re.compile(r"\b(line|col|column)\s*\d+", re.IGNORECASE)


def _positions_of(events, *types):
    """Row positions of the events of these types, in the frame's order."""
    return np.flatnonzero(events["type"].isin(types).to_numpy())


def _values(events, column, positions):
    return events[column].to_numpy()[positions]


def _text_values(events, column, positions):
    # A text column with no value at all in this batch arrives as float NaN.
    values = _values(events, column, positions).astype(object, copy=False)
    values[pd.isna(values)] = ""
    return values


def _session_codes(events, positions):
    """0, 1, 2… for the sessions of the rows at `positions` (the frame is sorted by session)."""
    session = _values(events, "session_id", positions)
    return np.cumsum(np.append(False, session[1:] != session[:-1]))


def _starts_page_view(events, positions):
    """True where a row is the first of its page view among the rows at `positions`."""
    session = _values(events, "session_id", positions)
    view = _values(events, "view_id", positions)
    starts = np.ones(len(positions), dtype=bool)
    starts[1:] = (session[1:] != session[:-1]) | (view[1:] != view[:-1])
    return starts


def _pair_codes(left, right):
    """One integer code per distinct pair of integer codes (`right` codes start at 0)."""
    return pd.factorize(left * (right.max(initial=0) + 1) + right)[0]


def _streaks(continues):
    """The first position and length of each run of rows that continue the row before."""
    first = np.flatnonzero(~continues)
    length = np.diff(np.append(first, len(continues)))
    return first, length


def _trailing_sums(starts, ts, values, window_ms):
    """For each row, the sum of `values` over its group's rows less than `window_ms` before it.

    Rows come in groups (a group starts where `starts` is True) sorted by `ts` inside each
    group, so one sorted key (group, time since the group's start) serves every group.
    """
    if not len(ts):
        return values
    group = np.cumsum(starts) - 1
    since_start = ts - ts[starts][group]
    # Groups last minutes or hours, so the key stays far below 2**63.
    key = group * (int(since_start.max()) + window_ms + 1) + since_start
    window_start = np.searchsorted(key, key - window_ms + 1, side="left")
    running = np.concatenate(([0], np.cumsum(values)))
    return running[1:] - running[window_start]


def _matches_any(texts, patterns):
    """Whether each text matches one of the regular expressions, case-insensitively."""
    if not patterns:
        return np.zeros(len(texts), dtype=bool)
    # Selectors repeat a lot: match each distinct one once.
    codes, distinct = pd.factorize(texts)
    pattern = "|".join(f"(?:{pattern})" for pattern in patterns)
    matched = pd.Series(distinct, dtype=object).str.contains(pattern, case=False, na=False)
    return np.append(matched.to_numpy(dtype=bool), False)[codes]


def _error_signatures(messages, sources):
    return _each_without_line_numbers(messages) + " @ " + _each_without_line_numbers(sources)


def _without_line_numbers(text):
    return _LINE_OR_COLUMN_WORD.sub(r"\1", _LINE_AND_COLUMN_SUFFIX.sub("", text))


def _each_without_line_numbers(texts):
    # The same few messages and sources repeat: clean each distinct one once.
    codes, distinct = pd.factorize(texts)
    cleaned = pd.Series(distinct, dtype=object).map(_without_line_numbers)
    return cleaned.to_numpy(dtype=object)[codes]
