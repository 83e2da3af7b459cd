"""The transparent "worth watching" score (0-100) of a session, and its reasons in words.

Each thing a session shows earns points (the constants below); the points are scaled down for
old sessions (`RECENCY_HALF_LIFE_DAYS`) and for very short ones (`SHORT_SESSION_FACTOR`), then
saturate: ``score = round(100 × (1 − e^(−points / POINTS_SCALE)))``, so 6 points give 39,
12 give 63 and 24 give 86. The reasons name the largest contributions first, e.g.
"3 rage clicks on “#submit”; script error “TypeError: form is undefined”; left the form
“#licence-form” unfinished".
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from ..models import SignalKind

# Points per signal of each kind.
RAGE_CLICK_POINTS = 3.0
ERROR_CLICK_POINTS = 4.0
DEAD_CLICK_POINTS = 1.0
FORM_ABANDONMENT_POINTS = 3.0
OTHER_SIGNAL_POINTS = 1.0  # mouse thrash, quick back, excessive scrolling
# Points per distinct error signature, on top of its error clicks: two different errors tell
# more than the same error twice.
DISTINCT_ERROR_POINTS = 2.0
# Points per step of the lowest survey rating below LOW_RATING_FROM (a 1 of 5 earns 3 steps).
LOW_RATING_POINTS_PER_STEP = 3.0
LOW_RATING_FROM = 4
# Points per page of the department seen beyond the first (a longer journey), at most
# JOURNEY_MAX_PAGES pages counted.
JOURNEY_PAGE_POINTS = 0.5
JOURNEY_MAX_PAGES = 6
# A session this many days old counts half as much as one from today.
RECENCY_HALF_LIFE_DAYS = 14.0
# Sessions shorter than this show too little to learn from: their points are scaled down.
SHORT_SESSION_SECONDS = 10.0
SHORT_SESSION_FACTOR = 0.5
# Where the score saturates: POINTS_SCALE points give 63.
POINTS_SCALE = 12.0
# How many reasons a row shows.
MAX_REASONS = 4

KIND_POINTS = {
    SignalKind.RAGE_CLICK: RAGE_CLICK_POINTS,
    SignalKind.ERROR_CLICK: ERROR_CLICK_POINTS,
    SignalKind.DEAD_CLICK: DEAD_CLICK_POINTS,
    SignalKind.FORM_ABANDONMENT: FORM_ABANDONMENT_POINTS,
    SignalKind.MOUSE_THRASH: OTHER_SIGNAL_POINTS,
    SignalKind.QUICK_BACK: OTHER_SIGNAL_POINTS,
    SignalKind.EXCESSIVE_SCROLL: OTHER_SIGNAL_POINTS,
}


@dataclass(frozen=True)
class WorthScore:
    value: int
    points: float
    reasons: tuple[str, ...]

    @property
    def reasons_text(self):
        return "; ".join(self.reasons)


def score_session(features):
    """The session's score (0-100) and the reasons for it, largest contribution first."""
    contributions = _contributions(features)
    points = sum(points for points, _ in contributions)
    points *= recency_factor(features.age_days)
    if features.duration_seconds < SHORT_SESSION_SECONDS:
        points *= SHORT_SESSION_FACTOR
    value = round(100 * (1 - math.exp(-points / POINTS_SCALE)))
    ordered = sorted(contributions, key=lambda item: -item[0])
    reasons = tuple(text for points, text in ordered if points > 0)[:MAX_REASONS]
    return WorthScore(value=value, points=round(points, 2), reasons=reasons)


def recency_factor(age_days):
    """1 for a session of today, 1/2 at RECENCY_HALF_LIFE_DAYS, 1/4 at twice that."""
    return 0.5 ** (max(0.0, age_days) / RECENCY_HALF_LIFE_DAYS)


def _contributions(features):
    """(points, reason) for every part of the score, before recency and duration."""
    items = []
    by_target = Counter()
    words = {}
    for signal in features.signals:
        target = signal_target(signal)
        by_target[(signal.kind, target)] += 1
        if signal.words and target == signal.selector:
            words[(signal.kind, target)] = signal.words
    for (kind, target), count in by_target.items():
        points = KIND_POINTS.get(kind, OTHER_SIGNAL_POINTS) * count
        if kind == SignalKind.ERROR_CLICK and target:
            points += DISTINCT_ERROR_POINTS
        items.append((points, describe_signals(kind, target, count, words.get((kind, target)))))
    if features.lowest_rating is not None:
        steps = max(0, LOW_RATING_FROM - features.lowest_rating)
        if steps:
            items.append((LOW_RATING_POINTS_PER_STEP * steps, describe_rating(features)))
    extra_pages = min(features.department_pages, JOURNEY_MAX_PAGES) - 1
    if extra_pages > 0:
        items.append(
            (
                JOURNEY_PAGE_POINTS * extra_pages,
                ngettext(
                    "saw %(count)d of the department's pages",
                    "saw %(count)d of the department's pages",
                    features.department_pages,
                )
                % {"count": features.department_pages},
            )
        )
    return items


def signal_target(signal):
    """What a signal is about: the error signature of an error click, else the element (or
    the page's address when the signal has no element)."""
    if signal.kind == SignalKind.ERROR_CLICK and signal.detail:
        return signal.detail
    return signal.selector or signal.url


def shorten(text, length=80):
    return text if len(text) <= length else text[: length - 1] + "…"


def describe_signals(kind, target, count, words=None):
    """`count` signals of `kind` on `target` (a selector, error signature or address), in words;
    `words` names the element as the page does (“Send” button), in place of its selector."""
    values = {"count": count, "target": shorten(target), "words": words}
    if kind == SignalKind.RAGE_CLICK:
        text = ngettext("%(count)d rage click", "%(count)d rage clicks", count)
    elif kind == SignalKind.DEAD_CLICK:
        text = ngettext("%(count)d dead click", "%(count)d dead clicks", count)
    elif kind == SignalKind.ERROR_CLICK:
        if not target:
            return ngettext("%(count)d script error", "%(count)d script errors", count) % values
        if count == 1:
            return gettext("script error “%(target)s”") % values
        return gettext("script error “%(target)s” (%(count)d times)") % values
    elif kind == SignalKind.FORM_ABANDONMENT:
        if words:
            if count == 1:
                return gettext("left the %(words)s unfinished") % values
            return gettext("left the %(words)s unfinished %(count)d times") % values
        if count == 1:
            return gettext("left the form “%(target)s” unfinished") % values
        return gettext("left the form “%(target)s” unfinished %(count)d times") % values
    elif kind == SignalKind.MOUSE_THRASH:
        text = ngettext("%(count)d mouse thrash", "%(count)d mouse thrashes", count)
    elif kind == SignalKind.QUICK_BACK:
        text = ngettext("%(count)d quick back", "%(count)d quick backs", count)
    else:
        text = ngettext("%(count)d bout of scrolling", "%(count)d bouts of scrolling", count)
    if words:
        text += gettext(" on the %(words)s")
    elif target:
        text += gettext(" on “%(target)s”")
    return text % values


def describe_rating(features):
    return gettext("rated the page %(rating)d of 5") % {"rating": features.lowest_rating}
