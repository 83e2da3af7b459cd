"""Attribution: the element and the error signature behind a change."""

import dataclasses

from ..models import SignalKind
from .rules import FALL, MIN_SHARED_SESSIONS, RISE, Attribution


def attribute(change, elements, signals, rules):
    """Which element (and, for a rise, which error) explains `change`.

    `elements`: ElementWeek rows of the change's kind and page; `signals`: SessionSignal rows of
    this week on the page (the kind's and the error clicks).
    """
    # Signals without an element (a quick back, say) count in the total but are never named;
    # the page's own count bounds it from below should element rows be missing.
    total = max(sum(element.this_week for element in elements), change.counts.this_week)
    elements = [element for element in elements if element.selector]
    if not elements:
        return Attribution()
    if change.tone == RISE:
        top = max(elements, key=lambda e: (e.this_week, e.selector))
        if not total or top.this_week / total < rules.attribution_share:
            return Attribution()
        share = top.this_week / total
    else:
        drop = sum(max(e.week_before - e.this_week, 0) for e in elements)
        top = max(elements, key=lambda e: (e.week_before - e.this_week, e.selector))
        if not drop or (top.week_before - top.this_week) / drop < rules.attribution_share:
            return Attribution()
        share = (top.week_before - top.this_week) / drop
    attribution = Attribution(
        selector=top.selector,
        words=top.words,
        share=share,
        selector_this_week=top.this_week,
        selector_week_before=top.week_before,
    )
    if change.tone == FALL:
        return attribution
    error, error_share = shared_error(change.counts.kind, top.selector, signals)
    if error_share < rules.attribution_share:
        return attribution
    return dataclasses.replace(attribution, error=error, error_share=error_share)


def shared_error(kind, selector, signals):
    """The error signature most sessions with `kind` on `selector` hit, and their share."""
    with_signal = {s.session_id for s in signals if s.kind == kind and s.selector == selector}
    by_error = {}
    for signal in signals:
        if signal.kind == SignalKind.ERROR_CLICK and signal.detail:
            by_error.setdefault(signal.detail, set()).add(signal.session_id)
    best, shared = "", 0
    for error, sessions in sorted(by_error.items()):
        overlap = len(sessions & with_signal)
        if overlap > shared:
            best, shared = error, overlap
    if not with_signal or shared < MIN_SHARED_SESSIONS:
        return "", 0.0
    return best, shared / len(with_signal)
