"""Elements in the page's own words: the wire fields, what ingest keeps, how reports say it."""

import datetime

import pytest
from wagtail.models import Page, Site

from cityux_analytics.element_names import (
    describe,
    describe_rows,
    names_by_selector,
    tag_words,
    unnamed_words,
)
from cityux_analytics.ingest import ingest_batch
from cityux_analytics.models import ElementName, PageDailyStats
from cityux_analytics.schema import SchemaError, parse_batch

from .factories import T0, batch, body, click, new_sid, view

SUBMIT = {"role": "button", "name": "Submit report", "ctx": "Report a pothole", "ctxr": "form"}


def named_click(ts=T0 + 1000, vid=0, sel="#send", **names):
    return {**click(ts, sel=sel, vid=vid), **(names or SUBMIT)}


# -- the wire --------------------------------------------------------------------------------


def test_a_click_with_a_name_and_its_place_is_valid():
    (_, event) = parse_batch(body([view("/roads/"), named_click()])).events
    assert {key: event[key] for key in SUBMIT} == SUBMIT


def test_a_click_from_an_older_tracker_without_names_is_still_valid():
    (_, event) = parse_batch(body([view("/roads/"), click(T0 + 1000)])).events
    assert (event["role"], event["name"], event["ctx"], event["ctxr"]) == ("", "", "", "")


def test_a_role_the_tracker_never_names_is_refused_by_field():
    with pytest.raises(SchemaError, match=r"events\[1\].role"):
        parse_batch(body([view("/"), named_click(role="textbox", name="Jane")]))


def test_a_name_longer_than_60_characters_is_refused_by_field():
    with pytest.raises(SchemaError, match=r"events\[1\].name"):
        parse_batch(body([view("/"), named_click(role="button", name="x" * 61)]))


def test_a_context_role_must_be_a_landmark():
    with pytest.raises(SchemaError, match=r"events\[1\].ctxr"):
        parse_batch(body([view("/"), named_click(ctx="Roads", ctxr="button")]))


# -- ingest ----------------------------------------------------------------------------------


def ingest(events, sid=None, seq=0):
    payload = batch(events, sid=sid, seq=seq)
    payload["events"] = parse_batch(body(events, sid=payload["sid"], seq=seq)).events
    return ingest_batch(payload)


@pytest.mark.django_db
def test_ingest_keeps_an_elements_name_under_its_page_address_and_selector():
    ingest([view("/roads/?ref=home"), named_click()])
    (row,) = ElementName.objects.all()
    assert (row.url, row.selector) == ("/roads/?ref=home", "#send")
    assert (row.role, row.name, row.context, row.context_role) == (
        "button",
        "Submit report",
        "Report a pothole",
        "form",
    )


@pytest.mark.django_db
def test_a_click_in_a_later_batch_is_named_by_the_page_view_stored_before():
    sid = new_sid()
    ingest([view("/roads/")], sid=sid)
    ingest([named_click()], sid=sid, seq=1)
    assert ElementName.objects.get().url == "/roads/"


@pytest.mark.django_db
def test_the_latest_name_of_an_element_wins_and_one_row_is_kept():
    ingest([view("/roads/"), named_click(), named_click(ts=T0 + 2000, role="button", name="Send")])
    ingest([view("/roads/"), named_click(ts=T0 + 5000, role="button", name="Send it")])
    assert list(ElementName.objects.values_list("name", flat=True)) == ["Send it"]


@pytest.mark.django_db
def test_a_click_without_words_keeps_no_name():
    ingest([view("/roads/"), click(T0 + 1000)])
    assert not ElementName.objects.exists()


@pytest.mark.django_db
def test_an_email_address_or_phone_number_in_a_name_is_scrubbed_again_on_the_server():
    ingest([view("/"), named_click(role="link", name="Mail jo@example.org or 0161 496 0000")])
    assert ElementName.objects.get().name == "Mail [email] or [phone]"


# -- in words --------------------------------------------------------------------------------


def words(**fields):
    return describe(
        ElementName(**{"role": "", "name": "", "context": "", "context_role": "", **fields})
    )


def test_a_named_button_in_a_form_is_said_with_both_names():
    assert words(
        role="button", name="Submit report", context="Report a pothole", context_role="form"
    ) == ("“Submit report” button in “Report a pothole” form")


def test_a_link_in_an_unnamed_navigation_is_said_with_the_landmark():
    assert (
        words(role="link", name="Bins", context_role="navigation")
        == "“Bins” link in the navigation"
    )


def test_an_unnamed_element_under_a_heading_is_said_with_the_heading():
    assert words(context="Opening hours") == "element in “Opening hours”"


def test_an_element_with_no_words_at_all_is_not_described():
    assert words(role="button") == ""


def test_an_unnamed_element_is_said_by_the_tag_of_its_selectors_last_step():
    assert (
        unnamed_words("main>form#report>div:nth-of-type(2)", "Report a pothole")
        == "a <div> on “Report a pothole”"
    )


@pytest.mark.parametrize(
    ("selector", "words"),
    [
        ("main>p:nth-of-type(3)>a", "a link on “Roads”"),
        ("main>button:nth-of-type(2)", "a button on “Roads”"),
        ("figure>img", "an image on “Roads”"),
        ('form>select[name="ward"]', "a drop-down list on “Roads”"),
        ("article>h2:nth-of-type(1)", "a heading on “Roads”"),
        ("main>section>custom-card", "a <custom-card> on “Roads”"),
    ],
)
def test_an_unnamed_elements_tag_is_said_in_words_where_there_are_some(selector, words):
    assert unnamed_words(selector, "Roads") == words


def test_an_unnamed_elements_tag_alone_serves_rows_of_many_pages():
    assert [tag_words(s) for s in ("main>a", "li>span", "#send", "")] == [
        "a link",
        "a <span>",
        "an unnamed element",
        "",
    ]


def test_an_unnamed_element_found_by_its_id_alone_is_said_by_its_page():
    assert (
        unnamed_words("#report-form-submit", "Report a pothole")
        == "an unnamed element on “Report a pothole”"
    )


def test_a_signal_on_no_element_is_not_described():
    assert unnamed_words("", "Report a pothole") == ""


@pytest.mark.django_db
def test_report_rows_read_names_and_say_unnamed_elements_by_their_page_address():
    ingest([view("/roads/"), named_click()])
    rows = describe_rows(
        [{"url": "/roads/", "selector": "#send"}, {"url": "/roads/", "selector": "#other"}]
    )
    assert [row["element"] for row in rows] == [
        "“Submit report” button in “Report a pothole” form",
        "an unnamed element on “/roads/”",
    ]


@pytest.mark.django_db
def test_report_rows_say_an_unnamed_element_by_its_pages_title(city):
    home = Site.objects.get(is_default_site=True).root_page
    page = home.add_child(instance=Page(title="Report a pothole", slug="report-a-pothole"))
    PageDailyStats.objects.create(
        date=datetime.date(2026, 5, 4), url="/report-a-pothole/", page=page, sessions=1, views=1
    )
    (row,) = describe_rows([{"url": "/report-a-pothole/", "selector": "main>div"}])
    assert row["element"] == "a <div> on “Report a pothole”"


@pytest.mark.django_db
def test_rows_that_carry_their_pages_title_are_said_by_it_without_a_lookup(
    django_assert_num_queries,
):
    rows = [
        {"url": "/roads/", "title": "Roads", "selector": "main>a"},
        {"url": "/gone/", "title": None, "selector": "main>div"},
    ]
    with django_assert_num_queries(1):  # the tracker's names only, no rollup lookup
        described = describe_rows(rows, title_key="title")
    assert [row["element"] for row in described] == [
        "a link on “Roads”",
        "a <div> on “/gone/”",
    ]


@pytest.mark.django_db
def test_the_same_selector_on_another_page_is_not_named_by_this_one():
    ingest([view("/roads/"), named_click()])
    (row,) = describe_rows([{"url": "/parks/", "selector": "#send"}])
    assert row["element"] == "an unnamed element on “/parks/”"


@pytest.mark.django_db
def test_names_by_selector_serves_a_report_without_page_addresses():
    ingest([view("/roads/"), named_click()])
    assert names_by_selector(["#send", "#gone"]) == {
        "#send": "“Submit report” button in “Report a pothole” form"
    }


# -- pages about the resident ------------------------------------------------------------------


def tracker_tag(client, path):
    html = client.get(path).content.decode()
    start = html.index("<script src=")
    return html[start : html.index("</script>", start)]


@pytest.mark.django_db
def test_the_tracker_reads_no_words_on_my_data_even_without_replay(consented_client):
    assert 'data-private="1"' in tracker_tag(consented_client, "/cityux/my-data/")


@pytest.mark.django_db
def test_the_tracker_reads_words_on_a_service_page(consented_client):
    assert "data-private" not in tracker_tag(consented_client, "/cityux/personalize/area/")
