"""One problem per row: group sessions by what went wrong, so the top rows differ.

A session's problem is its weightiest signal's page, kind and element (or, for an error
click, its error signature). `diversified_top` takes the best session of each problem first,
best problem first; only when there are fewer problems than rows does it add a second session
of a problem. Each row says how many other sessions share its problem.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from ..models import SignalKind
from .score import KIND_POINTS, OTHER_SIGNAL_POINTS, shorten


@dataclass(frozen=True, order=True)
class ProblemKey:
    """Page (id, or address when the page is gone), signal kind, and element or error."""

    page_id: int | None = None
    url: str = ""
    kind: str = ""
    element: str = ""
    error: str = ""
    words: str = field(default="", compare=False)  # the element in the page's words

    @property
    def is_signal(self):
        return bool(self.kind)

    def describe(self):
        """The problem in words, e.g. "Rage click on the “Submit” button (/permits/licence/)",
        or "Rage click on “#submit” (/permits/licence/)" when the element has no name."""
        if not self.kind:
            return gettext("No frustration signal")
        kind = SignalKind(self.kind).label if self.kind in SignalKind.values else self.kind
        target = self.error or self.element
        if self.words and not self.error:
            text = f"{kind} " + (gettext("on the %(words)s") % {"words": self.words})
        elif target:
            text = f"{kind} " + (gettext("on “%(target)s”") % {"target": shorten(target)})
        else:
            text = str(kind)
        return f"{text} ({self.url})" if self.url else text

    def replay_list_query(self, department_id=None):
        """The replay list's query (see replay.listing) for the sessions with this problem."""
        query = {}
        if department_id is not None:
            query["department"] = department_id
        if self.page_id is not None:
            query["page"] = self.page_id
        if self.kind:
            query["kind"] = self.kind
        if self.error:
            query["error"] = self.error
        elif self.element:
            query["element"] = self.element
        return query


NO_SIGNAL = ProblemKey()


def problem_key(signals):
    """The problem of a session with `signals` (SignalFacts): its weightiest signal's, the
    first one on a tie; NO_SIGNAL without signals."""
    best = None
    for signal in signals:
        weight = KIND_POINTS.get(signal.kind, OTHER_SIGNAL_POINTS)
        if best is None or weight > best[0]:
            best = (weight, signal)
    if best is None:
        return NO_SIGNAL
    signal = best[1]
    is_error = signal.kind == SignalKind.ERROR_CLICK and bool(signal.detail)
    return ProblemKey(
        page_id=signal.page_id,
        url=signal.url,
        kind=signal.kind,
        element="" if is_error else signal.selector,
        error=signal.detail if is_error else "",
        words="" if is_error else signal.words,
    )


@dataclass(frozen=True)
class Candidate:
    session_id: int
    rank: float
    problem: ProblemKey
    payload: Any = None


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    more: int  # the other sessions with the same problem
    group_size: int


def ranked(candidates):
    """Best first; equal ranks keep one order (the older session id first)."""
    return sorted(candidates, key=lambda candidate: (-candidate.rank, candidate.session_id))


def diversified_top(candidates, count=10):
    """The top `count` candidates, one per problem first, as Picks."""
    groups = {}
    for candidate in ranked(candidates):
        groups.setdefault(candidate.problem, []).append(candidate)
    chosen = [members[0] for members in groups.values()][:count]
    if len(chosen) < count:
        taken = {candidate.session_id for candidate in chosen}
        rest = [c for c in ranked(candidates) if c.session_id not in taken]
        chosen += rest[: count - len(chosen)]
    return [
        Pick(
            candidate=candidate,
            more=len(groups[candidate.problem]) - 1,
            group_size=len(groups[candidate.problem]),
        )
        for candidate in chosen
    ]
