"""Report rows and summaries as the admin templates and the digest show them.

Pure presentation: no view is imported here, so the digest task can use it.
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import insights, reports
from .models import SignalKind
from .reports import KINDS, kind_label, total


def kind_display(value):
    return str(SignalKind(value).label) if value in SignalKind.values else value


def percent_display(value):
    return "" if value is None else f"{value}%"


MAIN_KINDS = (SignalKind.RAGE_CLICK, SignalKind.DEAD_CLICK, SignalKind.ERROR_CLICK)
KIND_EXPORT = [total(kind) for kind in KINDS]
KIND_HEADINGS = {total(kind): kind_label(kind) for kind in KINDS}


def page_report_url(row):
    if row["page"] is None:
        return None
    return reverse("cityux_analytics_reports:page", args=[row["page"]])


def error_about(detail):
    """An error signature as a screen reader announces it beside a link: its message."""
    return insights.error_message(detail or "")


def add_element_replay(row, replay_link, department=None, page=None):
    """Give an element row (a dict) its "Watch sessions" link.

    `page` is a page id, or a {address: page id} dict to look the row's address up in.
    """
    if isinstance(page, dict):
        page = page.get(row["url"])
    error = row.get("detail", "") if row["kind"] == SignalKind.ERROR_CLICK else ""
    row["replay_url"] = replay_link(
        department=department, page=page, element=row["selector"], error=error, kind=row["kind"]
    )
    element = row.get("element") or row["selector"] or row["url"]
    row["replay_about"] = f"{element} ({kind_display(row['kind'])})"


def insights_context(insight_list):
    """An InsightList as the `_insights.html` template reads it, with replay links."""
    items = []
    for insight in insight_list.insights:
        counts = insight.counts
        items.append(
            {
                "text": insight.text,
                "tone": insight.tone,
                "about": f"{kind_label(counts.kind)}, {counts.subject}",
                "replay_url": reports.replay_link(
                    insight_list.week,
                    department=counts.department_id,
                    page=counts.page_id,
                    element=insight.attribution.selector,
                    kind=counts.kind,
                ),
            }
        )
    return {"items": items, "reason": insight_list.reason_text, "week": insight_list.week}


def frustrated_of_sessions(row):
    return _("%(frustrated)s of %(sessions)s") % {
        "frustrated": intcomma(row["total_frustrated_sessions"]),
        "sessions": intcomma(row["total_sessions"]),
    }


def other_signals(row):
    return sum(row[total(kind)] for kind in KINDS if kind not in MAIN_KINDS)


def compared_with(days):
    """The days a change is measured against, in words: "the day before", "the week before"."""
    if days == 1:
        return _("the day before")
    if days == 7:
        return _("the week before")
    return _("the %(days)s days before") % {"days": days}


def describe_change(current, previous, higher_is_better=False, points=False, days=7):
    """How the last `days` days compare with as many before: a text and whether it is good news.

    `points` compares scores (a difference in points) instead of counts (a change in percent).
    """
    before = compared_with(days)
    if current is None or previous is None:
        return {"text": _("too few visits to compare"), "tone": "none"}
    if not points and previous == 0:
        if current == 0:
            return {"text": _("none, nor %(before)s") % {"before": before}, "tone": "none"}
        text = _("new: none %(before)s") % {"before": before}
        return {"text": text, "tone": _tone(1, higher_is_better)}
    change = current - previous if points else reports.change_percent(current, previous)
    if change == 0:
        return {"text": _("same as %(before)s") % {"before": before}, "tone": "none"}
    values = {"change": abs(change), "before": before}
    if points:
        text = _("up %(change)s points on %(before)s")
        if change < 0:
            text = _("down %(change)s points on %(before)s")
    else:
        text = _("up %(change)s%% on %(before)s")
        if change < 0:
            text = _("down %(change)s%% on %(before)s")
    return {
        "text": text % values,
        "tone": _tone(change, higher_is_better),
        "arrow": "▲" if change > 0 else "▼",
    }


def _tone(change, higher_is_better):
    return "better" if (change > 0) == higher_is_better else "worse"


def summary_context(summary):
    """The headline numbers of a Summary, each with its change on the days before described."""
    period, recent, before = summary.period, summary.recent, summary.before
    days = summary.compared_days

    def change(current, previous, higher_is_better=False, points=False):
        return describe_change(current, previous, higher_is_better, points, days)

    return {
        "compared_days": days,
        "sessions": period["sessions"],
        "sessions_change": change(recent["sessions"], before["sessions"], True),
        "frustrated_sessions": period["frustrated_sessions"],
        "frustrated_change": change(recent["frustrated_sessions"], before["frustrated_sessions"]),
        "ux_score": period.ux_score,
        "ux_score_change": change(recent.ux_score, before.ux_score, True, points=True),
        "signals": period.signals,
        "signals_change": change(recent.signals, before.signals),
        "kinds": [
            {"summary": kind, "change": change(kind.recent, kind.before)}
            for kind in summary.kinds()
        ],
    }


def chart_context(days):
    """Data for the "Signals per day" chart (JSON for Chart.js) and its table alternative."""
    return {
        "data": {
            "totalLabel": str(_("All signals")),
            "labels": [day["date"].isoformat() for day in days],
            "datasets": [
                {
                    "kind": kind,
                    "label": str(kind_label(kind)),
                    "data": [d[total(kind)] for d in days],
                }
                for kind in KINDS
            ],
        },
        "days": [
            {
                "date": day["date"],
                "counts": [day[total(kind)] for kind in KINDS],
                "signals": day["total_signals"],
                "sessions": day["total_sessions"],
                "frustrated_sessions": day["total_frustrated_sessions"],
            }
            for day in days
        ],
        "kinds": [(kind, kind_label(kind)) for kind in KINDS],
        "has_signals": any(day["total_signals"] for day in days),
    }
