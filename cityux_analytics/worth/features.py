"""What a session shows, as numbers a person can read and a model can learn from.

`session_features` turns the facts of one session (its signals on a department's pages, the
ratings it gave, how many of the department's pages it saw, when and how long) into a
`SessionFeatures` row; `feature_vector` gives that row as the numbers `model` learns from.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field

from ..models import SignalKind

KINDS = tuple(SignalKind.values)


@dataclass(frozen=True)
class SignalFact:
    """One frustration signal as stored (see `FrustrationSignal`)."""

    kind: str
    selector: str = ""
    detail: str = ""
    page_id: int | None = None
    url: str = ""
    count: int = 1
    words: str = ""  # the element in the page's words (element_names), when the tracker named it


@dataclass(frozen=True)
class SessionFacts:
    """What the database knows of a session, for one department (or every department)."""

    session_id: int
    started_at: datetime.datetime
    last_event_at: datetime.datetime
    signals: tuple[SignalFact, ...] = ()
    ratings: tuple[int, ...] = ()
    department_pages: int = 0
    has_replay: bool = False


@dataclass(frozen=True)
class SessionFeatures:
    session_id: int
    kind_counts: dict = field(default_factory=dict)
    error_signatures: tuple[str, ...] = ()
    abandoned_forms: tuple[str, ...] = ()
    lowest_rating: int | None = None
    department_pages: int = 0
    age_days: float = 0.0
    duration_seconds: float = 0.0
    has_replay: bool = False
    signals: tuple[SignalFact, ...] = ()

    def count(self, kind):
        return self.kind_counts.get(kind, 0)

    @property
    def signal_count(self):
        return sum(self.kind_counts.values())


def session_features(facts, now):
    """The `SessionFeatures` of `facts`, with its age measured at `now`."""
    counts = Counter(signal.kind for signal in facts.signals)
    errors = _distinct(
        signal.detail
        for signal in facts.signals
        if signal.kind == SignalKind.ERROR_CLICK and signal.detail
    )
    forms = _distinct(
        signal.selector or signal.url
        for signal in facts.signals
        if signal.kind == SignalKind.FORM_ABANDONMENT
    )
    age = (now - facts.last_event_at).total_seconds() / 86400
    duration = (facts.last_event_at - facts.started_at).total_seconds()
    return SessionFeatures(
        session_id=facts.session_id,
        kind_counts={kind: counts[kind] for kind in KINDS if counts[kind]},
        error_signatures=errors,
        abandoned_forms=forms,
        lowest_rating=min(facts.ratings) if facts.ratings else None,
        department_pages=facts.department_pages,
        age_days=max(0.0, age),
        duration_seconds=max(0.0, duration),
        has_replay=facts.has_replay,
        signals=tuple(facts.signals),
    )


def _distinct(values):
    """Distinct values in their first order."""
    return tuple(dict.fromkeys(values))


# The columns of `feature_vector`, in order; stored with every trained model.
FEATURE_NAMES = (
    *(f"{kind}_count" for kind in KINDS),
    "distinct_errors",
    "abandoned_forms",
    "rated",
    "rating_shortfall",
    "department_pages",
    "age_days",
    "log_duration_seconds",
)


def feature_vector(features):
    """The numbers a model learns from; see FEATURE_NAMES."""
    rated = features.lowest_rating is not None
    return [
        *(float(features.count(kind)) for kind in KINDS),
        float(len(features.error_signatures)),
        float(len(features.abandoned_forms)),
        1.0 if rated else 0.0,
        float(5 - features.lowest_rating) if rated else 0.0,
        float(features.department_pages),
        float(features.age_days),
        math.log1p(features.duration_seconds),
    ]
