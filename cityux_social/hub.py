"""The hub's "Social inbox" section: posts by type and status, decisions, and how fast they go."""

import datetime
import statistics

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .conf import social_setting
from .models import SocialPost
from .tickets.models import Ticket

Status = SocialPost.Status
PERIOD_DAYS = 28
ACCEPTED = (Status.ACCEPTED, Status.TICKET_FAILED, Status.TICKETED, Status.CLOSED)
# The columns of the "by type" table, and which statuses each counts.
COLUMNS = [
    ("waiting", _("Waiting"), (Status.NEW, Status.NEEDS_REVIEW)),
    ("accepted", _("Accepted"), (Status.ACCEPTED, Status.TICKETED)),
    ("failed", _("Ticket failed"), (Status.TICKET_FAILED,)),
    ("closed", _("Fixed"), (Status.CLOSED,)),
    ("dismissed", _("Dismissed"), (Status.DISMISSED,)),
]


def median_duration(durations):
    """The median of timedeltas (negative ones, from clock skew, ignored); None if none."""
    seconds = [d.total_seconds() for d in durations if d is not None and d.total_seconds() >= 0]
    if not seconds:
        return None
    return datetime.timedelta(seconds=statistics.median(seconds))


def duration_words(duration):
    """A duration as people say it: "45 min", "3 h 20 min", "2 days 4 h"; "" for None."""
    if duration is None:
        return ""
    minutes = round(duration.total_seconds() / 60)
    if minutes < 1:
        return gettext("under a minute")
    if minutes < 60:
        return gettext("%(n)d min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        big, small = gettext("%(n)d h") % {"n": hours}, gettext("%(n)d min") % {"n": minutes}
    else:
        days, hours = divmod(hours, 24)
        big, small = gettext("%(n)d days") % {"n": days}, gettext("%(n)d h") % {"n": hours}
        minutes = hours
    return f"{big} {small}" if minutes else big


def table_by_type(counts):
    """Rows {type, cells, total} from (type name, status, count) triples (pure)."""
    rows = {}
    for type_name, status, count in counts:
        row = rows.setdefault(
            type_name or gettext("No type yet"), dict.fromkeys(c[0] for c in COLUMNS)
        )
        for key, _label, statuses in COLUMNS:
            if status in statuses:
                row[key] = (row[key] or 0) + count
    return [
        {
            "type": name,
            "cells": [row[key] or 0 for key, _label, _statuses in COLUMNS],
            "total": sum(row[key] or 0 for key, _label, _statuses in COLUMNS),
        }
        for name, row in sorted(rows.items(), key=lambda item: str(item[0]))
    ]


def social_section_context(request, departments):
    """The last 28 days of posts routed to `departments`."""
    departments = list(departments)
    since = timezone.now() - datetime.timedelta(days=PERIOD_DAYS)
    posts = SocialPost.objects.filter(department__in=departments, fetched_at__gte=since)
    counts = posts.values_list("request_type__name", "status").annotate(n=Count("pk"))
    decided = posts.filter(decided_at__isnull=False)
    to_accept = [
        decided_at - (posted_at or fetched_at)
        for decided_at, posted_at, fetched_at in decided.filter(status__in=ACCEPTED).values_list(
            "decided_at", "posted_at", "fetched_at"
        )
    ]
    closed = Ticket.objects.filter(
        post__in=posts, closed_at__isnull=False, post__decided_at__isnull=False
    ).values_list("closed_at", "post__decided_at")
    inbox_url = reverse("cityux_social_inbox:index")
    if len(departments) == 1:
        inbox_url += "?" + urlencode({"department": departments[0].pk, "status": "all"})
    # Counted by status, like the table beside them (a post may lack its decision's time).
    accepted = posts.filter(status__in=ACCEPTED).count()
    dismissed = posts.filter(status=Status.DISMISSED).count()
    return {
        "period_days": PERIOD_DAYS,
        "columns": [label for _key, label, _statuses in COLUMNS],
        "rows": table_by_type(counts),
        "accepted": accepted,
        "dismissed": dismissed,
        "accepted_share": round(100 * accepted / (accepted + dismissed))
        if accepted + dismissed
        else None,
        "waiting": posts.filter(status__in=(Status.NEW, Status.NEEDS_REVIEW)).count(),
        "median_to_accept": duration_words(median_duration(to_accept)),
        "fixed": posts.filter(status=Status.CLOSED).count(),
        "median_to_close": duration_words(
            median_duration([closed_at - decided_at for closed_at, decided_at in closed])
        ),
        "inbox_url": inbox_url,
        "classifier": classifier_headline(),
    }


def classifier_headline():
    """Which model proposes types and how good it measured, in one sentence (or None)."""
    from .classifier.display import headline
    from .models import ClassifierModel

    record = ClassifierModel.objects.filter(active=True).defer("estimator").order_by("-pk").first()
    return headline(record, social_setting("REVIEW_CONFIDENCE")) if record else None


def register_sections():
    """The hub's "Social inbox" section (called from `CityUXSocialConfig.ready()`)."""
    from cityux.hub import HubSection, register_section

    register_section(
        HubSection(
            app_label="cityux_social",
            title=_("Social inbox"),
            template_name="cityux_social/hub/section.html",
            get_context=social_section_context,
            order=50,
        )
    )
