""" "Live now": what residents meet on a department's pages in the last 15 minutes.

Reads the signals live detection (live.py) writes while visits go on, and the day rollups
for each page's usual rate. The spike rule (`is_spike`) is a pure function:

    A page spikes when it had at least `min_signals` (5) signals in the last 15 minutes
    and more than `ratio` (3) times its usual number per 15 minutes: its signals over
    the 28 full days before today, divided by 28 × 96 (the 15-minute windows of a day).

So a page with no history spikes from its 5th signal, and a page that usually has 2 signals
per 15 minutes spikes from its 7th (more than 6).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Sum
from django.urls import reverse
from django.utils import timezone

from .element_names import describe_rows
from .models import FrustrationSignal, PageDailyStats, SignalKind, TrackedSession

WINDOW = datetime.timedelta(minutes=15)
HISTORY_DAYS = 28
WINDOWS_PER_DAY = 96
TOP = 10


@dataclass(frozen=True)
class SpikeRule:
    min_signals: int = 5
    ratio: float = 3.0


def is_spike(recent, usual, rule=SpikeRule()):
    """Whether `recent` signals in 15 minutes are a spike for a page usually at `usual`."""
    return recent >= rule.min_signals and recent > rule.ratio * usual


def usual_per_window(signals_in_history, days=HISTORY_DAYS):
    """A page's usual signals per 15 minutes from its signals over `days` full days."""
    return signals_in_history / (days * WINDOWS_PER_DAY)


def live_now(departments, now=None, rule=SpikeRule()):
    """The "Live now" figures of these departments, ready for JSON and for the template."""
    now = now or timezone.now()
    since = now - WINDOW
    department_ids = [department.pk for department in departments]
    signals = FrustrationSignal.objects.filter(
        department_id__in=department_ids, occurred_at__gte=since, occurred_at__lte=now
    )
    # From the sessions active in the window (an index) to their views of these departments.
    visits = (
        TrackedSession.objects.filter(
            last_event_at__gte=since, views__department_id__in=department_ids
        )
        .values("pk")
        .distinct()
        .count()
    )
    pages = list(
        signals.values("url", "page_id", "page__title")
        .annotate(signals=Count("pk"), last=Max("occurred_at"))
        .order_by("-signals", "url")[:TOP]
    )
    usual = _usual_by_url([page["url"] for page in pages], timezone.localdate(now))
    elements = describe_rows(
        signals.values("url", "page__title", "kind", "selector")
        .annotate(signals=Count("pk"), last=Max("occurred_at"))
        .order_by("-signals", "-last")[:TOP],
        title_key="page__title",
    )
    labels = dict(SignalKind.choices)
    return {
        "window_minutes": int(WINDOW.total_seconds() // 60),
        "visits": visits,
        "signals": signals.count(),
        "pages": [
            {
                "url": page["url"],
                "title": page["page__title"] or page["url"],
                "report_url": (
                    reverse("cityux_analytics_reports:page", args=[page["page_id"]])
                    if page["page_id"]
                    else ""
                ),
                "signals": page["signals"],
                "usual": round(usual.get(page["url"], 0.0), 2),
                "spike": is_spike(page["signals"], usual.get(page["url"], 0.0), rule),
            }
            for page in pages
        ],
        "elements": [
            {
                "url": element["url"],
                "title": element["page__title"] or element["url"],
                "kind": element["kind"],
                "kind_label": str(labels.get(element["kind"], element["kind"])),
                "element": element["element"],
                "selector": element["selector"],
                "signals": element["signals"],
                "last": timezone.localtime(element["last"]).strftime("%H:%M:%S"),
            }
            for element in elements
        ],
        "updated": timezone.localtime(now).strftime("%H:%M:%S"),
    }


def _usual_by_url(urls, today):
    if not urls:
        return {}
    every_kind = sum((F(kind) for kind in SignalKind.values[1:]), F(SignalKind.values[0]))
    rows = (
        PageDailyStats.objects.filter(
            url__in=urls,
            date__gte=today - datetime.timedelta(days=HISTORY_DAYS),
            date__lt=today,
        )
        .values("url")
        .annotate(signals=Sum(every_kind))
    )
    return {row["url"]: usual_per_window(row["signals"] or 0) for row in rows}
