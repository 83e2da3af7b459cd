"""The replay player and "Sessions worth watching" name elements in the page's words, the
CSS selector kept on hover (a title) and in the export (issue 16)."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from cityux.models import Department
from cityux_analytics.models import ElementName, SignalKind
from cityux_analytics.worth.features import SignalFact
from cityux_analytics.worth.grouping import problem_key
from cityux_analytics.worth.score import describe_signals
from tests.cityux_analytics.test_replay import rage, visit

WORTH_URL = "/admin/cityux/replays/worth/"
SEND = "div:nth-of-type(2)>form>button"
WORDS = "“Send report” button in “Report a pothole” form"


def name(selector, url="/somewhere/"):
    """The tracker's name for `selector` on `url` (where `visit` puts its signals)."""
    ElementName.objects.create(
        key=ElementName.key_of(url, selector), url=url, selector=selector, role="button",
        name="Send report", context="Report a pothole", context_role="form",
        seen_at="2026-09-22T10:00:00Z",
    )  # fmt: skip


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def lead(client, make_lead, works):
    client.force_login(make_lead(works))
    return client


def test_the_player_lists_and_marks_a_named_signal_in_words_with_its_selector_on_hover(lead, works):
    name(SEND)
    session = visit(works, rage(SEND), rage("#unnamed"), replay=True)
    html = lead.get(f"/admin/cityux/replays/{session.pk}/").content.decode()
    assert f'<span title="{escape(SEND)}" data-replay-element>{escape(WORDS)}</span>' in html
    assert 'title="#unnamed" data-replay-element>an unnamed element</span>' in html
    markers = re.search(r'id="cityux-replay-markers"[^>]*>(.*?)</script>', html, re.S)[1]
    labels = [marker["label"] for marker in json.loads(markers)]
    assert labels == [f"Rage click on the {WORDS}", "Rage click"]


def test_a_name_given_on_another_page_does_not_name_the_signal(lead, works):
    name(SEND, url="/elsewhere/")
    session = visit(works, rage(SEND), replay=True)
    html = lead.get(f"/admin/cityux/replays/{session.pk}/").content.decode()
    assert WORDS not in html and "“Send report”" not in html
    assert f'<span title="{escape(SEND)}" data-replay-element>a button</span>' in html


def test_worth_watching_says_the_problem_and_reasons_in_words_and_exports_the_selector(lead, works):
    name(SEND)
    visit(works, rage(SEND), rage(SEND), replay=True)
    html = lead.get(WORTH_URL).content.decode()
    assert f"2 rage clicks on the {escape(WORDS)}" in html
    problem = f"Rage click on the {WORDS} (/somewhere/)"
    assert f'<span title="{escape(SEND)}">{escape(problem)}</span>' in html
    response = lead.get(WORTH_URL, {"export": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Problem"] == problem and row["Element selector"] == SEND
    assert row["Why"].startswith(f"2 rage clicks on the {WORDS}")


def test_the_hubs_worth_watching_rows_show_words_with_the_selector_on_hover(lead, works):
    name(SEND)
    visit(works, rage(SEND), replay=True)
    html = lead.get(reverse("cityux_hub:department", args=[works.slug])).content.decode()
    problem = escape(f"Rage click on the {WORDS} (/somewhere/)")
    assert f'<span title="{escape(SEND)}">{problem}</span>' in html


def test_reasons_and_problems_fall_back_to_the_selector_and_words_do_not_split_a_problem():
    assert describe_signals(SignalKind.DEAD_CLICK, "#pay", 2) == "2 dead clicks on “#pay”"
    assert describe_signals(SignalKind.DEAD_CLICK, "#pay", 1, "“Pay” link") == (
        "1 dead click on the “Pay” link"
    )
    assert describe_signals(SignalKind.FORM_ABANDONMENT, "#f", 2, "“Apply” form") == (
        "left the “Apply” form unfinished 2 times"
    )
    named = SignalFact(SignalKind.RAGE_CLICK, selector=SEND, url="/a/", words=WORDS)
    unnamed = SignalFact(SignalKind.RAGE_CLICK, selector=SEND, url="/a/")
    assert problem_key([named]) == problem_key([unnamed])
    assert problem_key([named]).describe() == f"Rage click on the {WORDS} (/a/)"
    assert problem_key([unnamed]).describe() == f"Rage click on “{SEND}” (/a/)"
