"""The weekly digest: who gets it, what it says, once a week, and its admin preview."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page

from cityux.models import Department, DepartmentRootPage
from cityux_analytics import digest, reports, tasks
from cityux_analytics.models import DepartmentDailyStats, PageDailyStats

pytestmark = pytest.mark.django_db

STATEMENT = "Rage clicks on Report a pothole rose from 28 to 105 this week."


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


@pytest.fixture(autouse=True)
def memory_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WAGTAILADMIN_BASE_URL = "https://admin.riverton.example"


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


@pytest.fixture
def pothole(works):
    section = Page.get_first_root_node().add_child(instance=Page(title="Works", slug="works"))
    DepartmentRootPage.objects.create(department=works, page=section)
    return section.add_child(instance=Page(title="Report a pothole", slug="pothole"))


@pytest.fixture
def leads(works, police, make_lead, django_user_model):
    """Who is in which lead group, with or without an e-mail, active or not."""

    def lead(username, department, email, active=True):
        user = make_lead(department, username=username)
        user.email, user.is_active = email, active
        user.save()
        return user

    return {
        "works": lead("works-lead", works, "works@riverton.example"),
        "inactive": lead("gone", works, "gone@riverton.example", active=False),
        "no_email": lead("no-email", works, ""),
        "police": lead("police-lead", police, "police@riverton.example"),
        "analyst": django_user_model.objects.create_superuser(
            "admin", "admin@riverton.example", "pw"
        ),
    }


def add_week(week, pothole, department, rage_click, sessions=420):
    for n in range(7):
        day = week.start + datetime.timedelta(days=n)
        DepartmentDailyStats.objects.create(
            date=day,
            department=department,
            sessions=sessions // 7,
            frustrated_sessions=rage_click // 7,
            rage_click=rage_click // 7,
        )
        PageDailyStats.objects.create(
            date=day,
            url="/works/pothole/",
            page=pothole,
            department=department,
            sessions=sessions // 7,
            frustrated_sessions=rage_click // 7,
            rage_click=rage_click // 7,
        )


def previous(week):
    return digest.DateRange(
        week.start - datetime.timedelta(days=7), week.end - datetime.timedelta(days=7)
    )


@pytest.fixture
def week():
    return digest.digest_week()


@pytest.fixture
def works_data(week, pothole, works):
    """Rage clicks on the pothole page rose from 28 to 105 last week."""
    add_week(previous(week), pothole, works, rage_click=28)
    add_week(week, pothole, works, rage_click=105)


def recipients_of(outbox):
    return sorted(address for message in outbox for address in message.to)


# -- the week ---------------------------------------------------------------------------------


@pytest.mark.parametrize("today", ["2026-03-16", "2026-03-19", "2026-03-22"])
def test_digest_week_is_the_last_full_monday_to_sunday(today):
    week = digest.digest_week(datetime.date.fromisoformat(today))
    assert (week.start, week.end) == (datetime.date(2026, 3, 9), datetime.date(2026, 3, 15))
    assert digest.week_label(week) == "2026-W11"


# -- who gets it ------------------------------------------------------------------------------


def test_digest_goes_only_to_the_departments_active_leads_with_an_email(leads, works_data):
    sent = digest.send_weekly_digests()
    assert recipients_of(mail.outbox) == ["works@riverton.example"]
    assert sent["public-works"] == 1
    assert sent["police"] == 0  # no data: no e-mail to its lead


def test_departments_without_data_get_no_email(leads, week, works):
    assert digest.send_digest(works, week) == 0
    assert mail.outbox == []


def test_digest_is_not_sent_twice_in_the_same_week(leads, works_data):
    digest.send_weekly_digests()
    digest.send_weekly_digests()
    assert len(mail.outbox) == 1


def test_digest_of_a_new_week_is_sent_again(leads, works_data, week, works, pothole):
    assert digest.send_digest(works, week) == 1
    next_week = digest.DateRange(
        week.start + datetime.timedelta(days=7), week.end + datetime.timedelta(days=7)
    )
    add_week(next_week, pothole, works, rage_click=105)
    assert digest.send_digest(works, next_week) == 1
    assert len(mail.outbox) == 2


def test_a_failed_send_is_tried_again_by_the_next_run(leads, works_data, week, works, settings):
    settings.EMAIL_BACKEND = "tests.cityux_analytics.test_digest.FailingBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        digest.send_digest(works, week)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digest.send_digest(works, week) == 1


def test_what_was_sent_is_recorded(leads, works_data, week, works):
    assert digest.sent_record(works, week) is None
    digest.send_digest(works, week)
    assert digest.sent_record(works, week)["recipients"] == 1


def test_celery_task_sends_the_digests(leads, works_data):
    result = tasks.send_weekly_digests.delay().get()
    assert result["public-works"] == 1
    assert recipients_of(mail.outbox) == ["works@riverton.example"]


# -- what it says -----------------------------------------------------------------------------


def test_digest_states_the_insights_and_the_headline_numbers(leads, works_data, works):
    digest.send_weekly_digests()
    [message] = mail.outbox
    assert message.subject.startswith("Public Works: your website week")
    assert STATEMENT in message.body
    assert "Sessions: 420 (same as the week before)" in message.body
    assert "Frustration signals: 105 (up 275% on the week before)" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert STATEMENT in html
    assert "105" in html


def test_digest_links_into_the_admin_with_absolute_urls(leads, works_data, week, works, pothole):
    digest.send_weekly_digests()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    dates = f"date_from={week.start.isoformat()}&date_to={week.end.isoformat()}"
    pages = f"https://admin.riverton.example/admin/cityux/analytics/pages/?department={works.pk}"
    assert f"{pages}&{dates}" in message.body
    assert escape(f"{pages}&{dates}") in html
    page_report = f"https://admin.riverton.example/admin/cityux/analytics/page/{pothole.pk}/"
    assert f"{page_report}?{dates}" in message.body
    hub = "https://admin.riverton.example/admin/cityux/departments/public-works/?from="
    assert hub in message.body


def test_digest_says_when_there_is_no_statement(leads, week, works, pothole):
    add_week(previous(week), pothole, works, rage_click=7, sessions=70)
    add_week(week, pothole, works, rage_click=7, sessions=70)
    digest.send_weekly_digests()
    [message] = mail.outbox
    assert "No statement this week: not enough data." in message.body


# -- the admin preview ------------------------------------------------------------------------


def preview_url(department):
    return reverse("cityux_analytics_reports:digest_preview", args=[department.pk])


def test_preview_lists_only_the_users_departments(client, leads, works, police):
    client.force_login(leads["works"])
    response = client.get(reverse("cityux_analytics_reports:digest"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{works.pk}"' in html
    assert f'<option value="{police.pk}"' not in html


def test_preview_selector_opens_the_chosen_department(client, leads, works):
    client.force_login(leads["works"])
    response = client.get(reverse("cityux_analytics_reports:digest"), {"department": works.pk})
    assert response.status_code == 302
    assert response["Location"] == preview_url(works)


def test_preview_of_another_department_is_403(client, leads, police):
    client.force_login(leads["works"])
    assert client.get(preview_url(police)).status_code == 403
    assert client.post(preview_url(police)).status_code == 403
    index = reverse("cityux_analytics_reports:digest")
    assert client.get(index, {"department": police.pk}).status_code == 403
    assert mail.outbox == []


def test_preview_shows_the_email_as_it_will_be_sent(client, leads, works_data, works):
    client.force_login(leads["works"])
    response = client.get(preview_url(works))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(response.context["html"]) in html  # inside the sandboxed frame
    assert STATEMENT in response.context["html"]
    assert "works@riverton.example" in html
    assert "gone@riverton.example" not in html


def test_test_copy_goes_to_the_user_alone_and_is_not_recorded(
    client, leads, works_data, week, works
):
    client.force_login(leads["works"])
    response = client.post(preview_url(works))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["works@riverton.example"]
    assert message.subject.startswith("[test] ")
    assert digest.sent_record(works, week) is None
    assert digest.send_digest(works, week) == 1


def test_test_copy_needs_an_email_address(client, leads, works_data, works):
    client.force_login(leads["no_email"])
    response = client.post(preview_url(works), follow=True)
    assert "no e-mail address" in response.content.decode()
    assert mail.outbox == []


def test_preview_escapes_what_the_email_quotes(client, leads, works_data, works):
    works.name = "Works & <script>alert(1)</script>"
    works.save()
    client.force_login(leads["works"])
    html = client.get(preview_url(works)).content.decode()
    assert "<script>alert(1)" not in html
    digest.send_weekly_digests()
    [message] = mail.outbox
    assert message.subject.startswith("Works & <script>alert(1)</script>: your website week")
    assert "<script>alert(1)" not in message.alternatives[0][0]


def test_digest_links_each_statement_to_its_sessions(leads, works_data, week, works, pothole):
    digest.send_weekly_digests()
    [message] = mail.outbox
    link = reports.replay_link(week, department=works.pk, page=pothole.pk, kind="rage_click")
    if link is None:  # no replay list installed: no link rather than a broken one
        assert "Watch sessions" not in message.body
    else:
        assert f"Watch sessions: https://admin.riverton.example{link}\n" in message.body
