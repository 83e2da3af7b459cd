"""The statements in plain words, ranked and cut to the rules' maximum."""

from django.utils.translation import gettext as _

from ..element_names import tag_words
from ..models import SignalKind
from ..reports import kind_label
from .attribution import attribute
from .rules import FALL, RISE, Insight, InsightList, significant_changes


def error_message(signature):
    """The message part of an error signature ("TypeError: x @ /static/a.js" → "TypeError: x")."""
    return signature.split(" @ ", 1)[0]


def percent(share):
    return round(100 * share)


def per_hundred(signals, sessions):
    return f"{100 * signals / sessions:.1f}"


def describe(change, attribution):
    """The statement of `change` in plain words."""
    counts = change.counts
    values = {
        "kind": kind_label(counts.kind),
        "subject": counts.subject,
        "before": counts.week_before,
        "now": counts.this_week,
        "rate_before": per_hundred(counts.week_before, counts.sessions_before),
        "rate_now": per_hundred(counts.this_week, counts.sessions),
    }
    counts_agree = (counts.this_week > counts.week_before) == (change.tone == RISE)
    if change.tone == RISE:
        if counts_agree:
            text = _("%(kind)s on %(subject)s rose from %(before)s to %(now)s this week")
        else:
            text = _(
                "%(kind)s on %(subject)s rose from %(rate_before)s to %(rate_now)s per 100 "
                "sessions this week (%(before)s to %(now)s in all, with fewer sessions)"
            )
    elif counts_agree:
        text = _("%(kind)s on %(subject)s fell from %(before)s to %(now)s this week")
    else:
        text = _(
            "%(kind)s on %(subject)s fell from %(rate_before)s to %(rate_now)s per 100 "
            "sessions this week (%(before)s to %(now)s in all, with more sessions)"
        )
    parts = [text % values]
    if attribution.selector and change.tone == RISE:
        parts.append(
            _("%(share)s%% are on %(selector)s")
            % {"share": percent(attribution.share), "selector": _element(attribution)}
        )
    if attribution.error:
        if counts.kind == SignalKind.ERROR_CLICK:
            words = _("%(share)s%% of those sessions hit “%(error)s”")
        else:
            words = _("%(share)s%% of those sessions also hit “%(error)s”")
        parts.append(
            words
            % {"share": percent(attribution.error_share), "error": error_message(attribution.error)}
        )
    if change.tone == FALL:
        if attribution.selector:
            parts.append(
                _("%(selector)s went from %(before)s to %(now)s")
                % {
                    "selector": _element(attribution),
                    "before": attribution.selector_week_before,
                    "now": attribution.selector_this_week,
                }
            )
        return "; ".join(parts) + _(" — the fix seems to work.")
    return "; ".join(parts) + "."


def _element(attribution):
    """The element in the page's words, else its tag in words with the selector to find it."""
    if attribution.words:
        return attribution.words
    return _("%(tag)s (%(selector)s)") % {
        "tag": tag_words(attribution.selector),
        "selector": attribution.selector,
    }


def statements(candidates, elements_for, signals_for, rules, week):
    """The InsightList of `candidates`: significant changes, attributed and worded.

    `elements_for(change)` and `signals_for(change)` give the attribution data of one kept
    change (callables, so that only the few kept changes cost a query).
    """
    changes, reason = significant_changes(candidates, rules)
    insights = []
    for change in changes:
        signals = signals_for(change) if change.tone == RISE else []
        attribution = attribute(change, elements_for(change), signals, rules)
        insights.append(Insight(describe(change, attribution), change.tone, change, attribution))
    return InsightList(week=week, insights=insights, reason=reason)
