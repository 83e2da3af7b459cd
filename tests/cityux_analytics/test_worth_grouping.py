"""Grouping sessions by problem: the top rows show different problems, each with its count."""

from cityux_analytics.models import SignalKind
from cityux_analytics.worth.features import SignalFact
from cityux_analytics.worth.grouping import (
    NO_SIGNAL,
    Candidate,
    ProblemKey,
    diversified_top,
    problem_key,
)

ERROR_DETAIL = "TypeError: form is undefined @ /static/app.js"


def problem(number):
    return ProblemKey(page_id=number, url=f"/page-{number}/", kind="rage_click", element="#go")


def candidate(session_id, rank, problem_number):
    return Candidate(session_id=session_id, rank=rank, problem=problem(problem_number))


def test_the_problem_is_the_weightiest_signal_first_on_a_tie():
    dead = SignalFact(SignalKind.DEAD_CLICK, selector=".pay", url="/pay/", page_id=3)
    rage = SignalFact(SignalKind.RAGE_CLICK, selector="#submit", url="/permits/", page_id=7)
    other_rage = SignalFact(SignalKind.RAGE_CLICK, selector="#other", url="/permits/", page_id=7)
    assert problem_key([dead, rage, other_rage]) == ProblemKey(
        page_id=7, url="/permits/", kind="rage_click", element="#submit"
    )


def test_an_error_clicks_problem_is_its_error_signature_not_the_element():
    error = SignalFact(
        SignalKind.ERROR_CLICK, selector="#submit", detail=ERROR_DETAIL, url="/p/", page_id=7
    )
    key = problem_key([error])
    assert key.error == ERROR_DETAIL and key.element == ""
    assert key.replay_list_query(4) == {
        "department": 4,
        "page": 7,
        "kind": "error_click",
        "error": ERROR_DETAIL,
    }


def test_an_elements_problem_links_to_the_replay_list_by_element():
    assert problem(5).replay_list_query() == {"page": 5, "kind": "rage_click", "element": "#go"}


def test_a_session_without_signals_has_the_no_signal_problem():
    assert problem_key([]) == NO_SIGNAL
    assert NO_SIGNAL.describe() == "No frustration signal"


def test_the_problem_reads_in_words():
    assert problem(2).describe() == "Rage click on “#go” (/page-2/)"


def test_the_top_10_shows_ten_different_problems_before_any_repeat():
    # 12 problems; problems 0 and 1 have the 20 best sessions between them.
    candidates = [candidate(n, 100 - n, n % 2) for n in range(20)]
    candidates += [candidate(100 + n, 50 - n, n + 2) for n in range(10)]
    top = diversified_top(candidates, 10)
    assert len(top) == 10
    assert len({pick.candidate.problem for pick in top}) == 10
    assert [pick.candidate.session_id for pick in top[:3]] == [0, 1, 100]


def test_each_row_says_how_many_other_sessions_share_its_problem():
    candidates = [candidate(n, 100 - n, n % 2) for n in range(20)]
    candidates += [candidate(100, 10, 2)]
    top = diversified_top(candidates, 10)
    by_session = {pick.candidate.session_id: pick for pick in top}
    assert by_session[0].group_size == 10 and by_session[0].more == 9
    assert by_session[100].group_size == 1 and by_session[100].more == 0


def test_with_fewer_problems_than_rows_the_next_best_sessions_fill_the_rows():
    candidates = [candidate(n, 100 - n, n % 2) for n in range(20)]
    candidates += [candidate(100, 10, 2)]
    top = [pick.candidate.session_id for pick in diversified_top(candidates, 10)]
    assert top == [0, 1, 100, 2, 3, 4, 5, 6, 7, 8]


def test_problems_are_ordered_by_their_best_session():
    candidates = [candidate(1, 5, 0), candidate(2, 90, 1), candidate(3, 40, 0)]
    top = diversified_top(candidates, 2)
    assert [pick.candidate.session_id for pick in top] == [2, 3]
    assert [pick.more for pick in top] == [0, 1]  # session 1 shares problem 0 with session 3


def test_equal_ranks_keep_one_order_whatever_the_input_order():
    candidates = [candidate(n, 50, n) for n in (7, 3, 9, 1, 5)]
    first = [pick.candidate.session_id for pick in diversified_top(candidates, 3)]
    second = [pick.candidate.session_id for pick in diversified_top(candidates[::-1], 3)]
    assert first == second == [1, 3, 5]


def test_no_candidates_give_no_rows():
    assert diversified_top([], 10) == []
