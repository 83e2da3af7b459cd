"""The detectors' vectorised helpers, on inputs small enough to check by hand (issue 19)."""

import numpy as np

from cityux_analytics.event_frame import (
    _matches_any,
    _pair_codes,
    _session_codes,
    _trailing_sums,
)
from tests.cityux_analytics.test_detectors import events, view


def test_session_codes_number_the_sessions_from_zero():
    frame = events(view(0, session_id="a"), view(5, session_id="a"), view(0, session_id="b"))

    assert _session_codes(frame, np.arange(3)).tolist() == [0, 0, 1]


def test_pair_codes_give_each_distinct_pair_its_own_code_in_order_of_appearance():
    # (0, 1) and (2, 0) would meet at left / 2 + right; (0, 0) and (1, 0) at right alone.
    left = np.array([0, 2, 0, 1, 2])
    right = np.array([1, 0, 0, 0, 0])

    assert _pair_codes(left, right).tolist() == [0, 1, 2, 3, 1]


def test_trailing_sums_stay_in_their_group_when_a_later_group_starts_earlier():
    # Two page views of different sessions: the second started before the first in time.
    starts = np.array([True, False, True, False])
    ts = np.array([1000, 1500, 0, 100])

    sums = _trailing_sums(starts, ts, np.ones(4, dtype="int64"), 1000)

    assert sums.tolist() == [1, 2, 1, 2]


def test_no_pattern_matches_nothing():
    assert _matches_any(np.array(["a.next", "b"], dtype=object), ()).tolist() == [False, False]


def test_a_missing_text_matches_no_pattern():
    texts = np.array(["a.next", None, "a.prev"], dtype=object)

    assert _matches_any(texts, [r"\.next"]).tolist() == [True, False, False]


def test_trailing_sums_read_only_the_time_since_each_group_started():
    # The same three page views at any absolute time (here near 2**61 ms) give the same sums:
    # the sorted key is built on the time since each group's start, never on the clock itself.
    starts = np.array([True, False, False, True, False, True, False])
    since = np.array([0, 400, 1400, 0, 999, 0, 1000])
    values = np.ones(7, dtype="int64")
    expected = [1, 2, 1, 1, 2, 1, 1]

    for clock in (0, 1_700_000_000_000, 2**61):
        assert _trailing_sums(starts, since + clock, values, 1000).tolist() == expected
