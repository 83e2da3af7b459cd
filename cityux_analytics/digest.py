"""The weekly digest: each department's leads get last week's insights and numbers by e-mail.

Monday morning the Celery task `cityux_analytics.send_weekly_digests` calls
`send_weekly_digests()`: every department with sessions in the last full week (Monday to
Sunday) gets one e-mail per lead (active members of its lead group with an e-mail address), as
HTML and plain text, with absolute links into the admin (`WAGTAILADMIN_BASE_URL`). What was
sent is remembered per department and ISO week in the cache, so a second run of the task in the
same week sends nothing (use a shared cache, e.g. Redis, when several workers run).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cityux.models import Department

from . import insights, reports
from .models import DepartmentDailyStats, PageDailyStats
from .presenters import summary_context
from .reports import DateRange

# How long "sent" is remembered: longer than a week, so the same week is never sent twice.
SENT_MEMORY_SECONDS = 60 * 60 * 24 * 60
TOP_PAGES = 5


def digest_week(today=None):
    """The last full ISO week (Monday to Sunday) before the week of `today`."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return DateRange(monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))


def week_label(week):
    year, number, _ = week.start.isocalendar()
    return f"{year}-W{number:02d}"


def absolute(path, **query):
    """An absolute admin URL for `path` (WAGTAILADMIN_BASE_URL), with `query` if given."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    if path is None:
        return None
    return f"{base}{path}" + (f"?{urlencode(query)}" if query else "")


def absolute_replay_link(week, **filters):
    link = reports.replay_link(week, **filters)
    return absolute(link) if link else None


@dataclass(frozen=True)
class Digest:
    department: Department
    week: DateRange
    summary: dict
    insights: list
    no_insight_reason: str
    top_pages: list
    links: dict

    @property
    def has_data(self):
        return bool(self.summary["sessions"])

    @property
    def week_label(self):
        return week_label(self.week)


def build_digest(department, week):
    """The Digest of `department` for `week` (rollups only, plus the insights' page-weeks)."""
    rows = DepartmentDailyStats.objects.filter(department=department)
    summary = summary_context(reports.summarise(rows, week))
    found = insights.department_insights(department, week)
    dates = {"date_from": week.start.isoformat(), "date_to": week.end.isoformat()}
    filters = {"department": department.pk, **dates}
    pages = PageDailyStats.objects.filter(department=department, date__range=week.bounds)
    top_pages = [
        {
            "title": row["page__title"] or row["url"],
            "url": row["url"],
            "frustrated_sessions": row["total_frustrated_sessions"],
            "sessions": row["total_sessions"],
            "ux_score": row["ux_score"],
            "report_url": absolute(
                reverse("cityux_analytics_reports:page", args=[row["page"]]), **dates
            )
            if row["page"]
            else None,
        }
        for row in reports.pages_by_frustration(pages)[:TOP_PAGES]
    ]
    items = [
        {
            "text": insight.text,
            "tone": insight.tone,
            "replay_url": absolute_replay_link(
                week,
                department=department.pk,
                page=insight.counts.page_id,
                element=insight.attribution.selector,
                kind=insight.counts.kind,
            ),
        }
        for insight in found.insights
    ]
    links = {
        "hub": absolute(
            reverse("cityux_hub:department", args=[department.slug]),
            **{"from": dates["date_from"], "to": dates["date_to"]},
        ),
        **{
            name: absolute(reverse(f"cityux_analytics_reports:{name}"), **filters)
            for name in ("pages", "elements", "errors")
        },
        "replays": absolute_replay_link(week, department=department.pk),
        "preview": absolute(
            reverse("cityux_analytics_reports:digest_preview", args=[department.pk])
        ),
    }
    return Digest(
        department=department,
        week=week,
        summary=summary,
        insights=items,
        no_insight_reason=found.reason_text,
        top_pages=top_pages,
        links=links,
    )


def render_digest(digest):
    """(subject, plain text, HTML) of the e-mail."""
    context = {"digest": digest, "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "")}
    subject = render_to_string("cityux_analytics/digest/subject.txt", context)
    return (
        " ".join(subject.split()),
        render_to_string("cityux_analytics/digest/email.txt", context),
        render_to_string("cityux_analytics/digest/email.html", context),
    )


def recipients(department):
    """The department's leads who can get the e-mail: active, with an e-mail address."""
    if department.lead_group_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(groups=department.lead_group_id, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def messages_for(digest, users):
    subject, text, html = render_digest(digest)
    messages = []
    for user in users:
        message = EmailMultiAlternatives(subject, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    return messages


def sent_key(department, week):
    return f"cityux_analytics:digest-sent:{department.pk}:{week_label(week)}"


def sent_record(department, week):
    """What was sent for `department` and `week` ({"sent_at", "recipients"}), or None."""
    return cache.get(sent_key(department, week))


def send_digest(department, week, connection=None):
    """E-mail `department`'s digest of `week` to its leads, unless already sent or empty.

    Returns the number of e-mails sent. The week is claimed in the cache before sending (so two
    workers never both send it) and released if sending fails (so a retry can).
    """
    key = sent_key(department, week)
    record = {"sent_at": timezone.now().isoformat(), "recipients": 0}
    if not cache.add(key, record, SENT_MEMORY_SECONDS):
        return 0
    try:
        digest = build_digest(department, week)
        users = recipients(department)
        if not digest.has_data or not users:
            cache.delete(key)  # nothing to say: a later run with data may still send
            return 0
        connection = connection or get_connection()
        sent = connection.send_messages(messages_for(digest, users)) or 0
    except Exception:
        cache.delete(key)
        raise
    cache.set(key, {**record, "recipients": sent}, SENT_MEMORY_SECONDS)
    return sent


def send_test_copy(department, week, user):
    """E-mail the digest to `user` alone (the admin preview's button); not recorded as sent."""
    [message] = messages_for(build_digest(department, week), [user])
    message.subject = f"[test] {message.subject}"
    return message.send()


def send_weekly_digests(today=None):
    """Send every department's digest of the last full week; {department slug: e-mails sent}."""
    week = digest_week(today)
    connection = get_connection()
    return {
        department.slug: send_digest(department, week, connection)
        for department in Department.objects.order_by("pk")
    }
