"""Session replay: the upload endpoint, the admin player's department scoping, retention."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from cityux.models import Department
from cityux_analytics import pipeline
from cityux_analytics.models import FrustrationSignal, ReplayChunk, SignalKind, TrackedSession
from cityux_analytics.replay.sessions import SessionCriteria, filter_sessions, may_see_session
from cityux_analytics.replay.views import store_chunk
from tests.cityux_analytics.factories import T0, new_sid

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cityux_analytics.replay_urls")]
URL = "/cityux/replay/"
ORIGIN = {"Origin": "http://testserver"}


def rrweb_events(count=3, start=T0):
    """A meta event, a full snapshot and some mouse moves, shaped like rrweb's."""
    meta = {"href": "http://testserver/", "width": 800, "height": 600}
    snapshot = {"node": {"type": 0, "childNodes": [], "id": 1}}
    events = [
        {"type": 4, "data": meta, "timestamp": start},
        {"type": 2, "data": snapshot, "timestamp": start + 1},
    ]
    for index in range(count - 2):
        events.append(
            {"type": 3, "data": {"source": 1, "positions": []}, "timestamp": start + 10 + index}
        )
    return events


def upload(events=None, sid=None, seq=0, **extra):
    return {
        "v": 1,
        "sid": sid or new_sid(),
        "seq": seq,
        "events": rrweb_events() if events is None else events,
        **extra,
    }


def _post(client, payload, **headers):
    data = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(URL, data, content_type="application/json", headers={**ORIGIN, **headers})


def _stored():
    return ReplayChunk.objects.count() + TrackedSession.objects.count()


def test_a_valid_upload_is_stored_compressed(consented_client):
    payload = upload(rrweb_events(50))
    assert _post(consented_client, payload).status_code == 204
    chunk = ReplayChunk.objects.get()
    assert chunk.session.sid == payload["sid"] and chunk.seq == 0
    assert chunk.events == payload["events"]
    assert chunk.size == len(bytes(chunk.data)) < len(json.dumps(payload["events"]))


@pytest.mark.parametrize(
    "payload, complaint",
    [
        (b"not json", "JSON"),
        (b"[]", "object"),
        (upload(v=2), "v: Invalid enum value 2"),
        (upload(sid="short"), "sid"),
        (upload(seq=-1), "seq"),
        (upload(seq="1"), "seq"),
        (upload(events=[]), "events"),
        (upload(events={"type": 2}), "events"),
        (upload(events=["text"]), "events[0]"),
        (upload(events=[{"type": "2", "timestamp": T0}]), "type"),
        (upload(events=[{"type": 2, "timestamp": "now"}]), "timestamp"),
        (upload(events=[{"type": 2}]), "timestamp"),
        (upload(events=[{"type": True, "timestamp": T0}]), "type"),
        ({**upload(), "extra": 1}, "unknown field `extra`"),
    ],
)
def test_invalid_upload_gets_a_json_400_and_writes_nothing(consented_client, payload, complaint):
    response = _post(consented_client, payload)
    assert response.status_code == 400
    assert complaint in response.json()["error"]
    assert _stored() == 0


def test_an_upload_over_256_kb_is_refused(consented_client):
    big = rrweb_events(3)
    big[2]["data"]["padding"] = "x" * (257 * 1024)
    response = _post(consented_client, upload(big))
    assert response.status_code == 400 and "larger than" in response.json()["error"]
    assert _stored() == 0


def test_another_sites_origin_is_refused(consented_client):
    response = consented_client.post(
        URL, json.dumps(upload()), content_type="application/json",
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403
    assert _stored() == 0


def test_without_consent_the_upload_is_dropped_unread(client, city):
    assert _post(client, upload()).status_code == 204
    assert _stored() == 0


@pytest.mark.parametrize("signal", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_gpc_or_dnt_drops_the_upload_even_with_consent(consented_client, signal):
    assert _post(consented_client, upload(), **signal).status_code == 204
    assert _stored() == 0


def test_a_retried_upload_is_stored_once(consented_client):
    sid = new_sid()
    for _ in range(3):
        assert _post(consented_client, upload(sid=sid, seq=0)).status_code == 204
    _post(consented_client, upload(rrweb_events(5, start=T0 + 100), sid=sid, seq=1))
    assert list(ReplayChunk.objects.values_list("seq", flat=True).order_by("seq")) == [0, 1]
    assert TrackedSession.objects.count() == 1


def test_uploads_over_the_sessions_byte_cap_are_dropped(consented_client, settings):
    sid = new_sid()
    _post(consented_client, upload(sid=sid, seq=0))
    first = ReplayChunk.objects.get().size
    settings.CITYUX_ANALYTICS = {"REPLAY_MAX_BYTES_PER_SESSION": first + 10}
    assert _post(consented_client, upload(sid=sid, seq=1)).status_code == 204
    assert ReplayChunk.objects.count() == 1


def test_too_many_uploads_from_one_session_get_429(consented_client, settings):
    settings.CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 2, "ip": 100}}
    sid = new_sid()
    statuses = [_post(consented_client, upload(sid=sid, seq=seq)).status_code for seq in range(3)]
    assert statuses == [204, 204, 429]


def test_get_is_not_allowed(consented_client):
    assert consented_client.get(URL).status_code == 405


# -- the admin player -------------------------------------------------------------------------


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


@pytest.fixture
def works_session(works):
    sid = new_sid()
    store_chunk(upload(rrweb_events(5), sid=sid))
    session = TrackedSession.objects.get(sid=sid)
    session.department = works
    session.save()
    FrustrationSignal.objects.create(
        session=session, view_id=0, url="/public-works/", department=works,
        kind=SignalKind.RAGE_CLICK, selector="#send-report",
        occurred_at=datetime.datetime.fromtimestamp((T0 + 3) / 1000, tz=datetime.UTC),
    )  # fmt: skip
    return session


def player_url(session):
    return f"/admin/cityux/replays/{session.pk}/"


def test_a_lead_of_another_department_gets_403_on_the_player_and_its_events(
    client, make_lead, police, works_session
):
    client.force_login(make_lead(police))
    response = client.get(player_url(works_session))
    assert response.status_code == 403
    assert "You cannot open this" in response.content.decode()
    assert client.get(player_url(works_session) + "events.json").status_code == 403


def test_the_departments_lead_sees_the_player_with_its_signals(
    client, make_lead, works, works_session
):
    client.force_login(make_lead(works))
    response = client.get(player_url(works_session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rage click" in html and "#send-report" in html
    assert 'data-replay-jump="3"' in html  # 3 ms after the first event
    assert "vendor/rrweb/rrweb-player.min.js" in html


def test_the_events_are_served_decompressed_in_time_order(client, make_lead, works, works_session):
    store_chunk(upload(rrweb_events(3, start=T0 - 50), sid=works_session.sid, seq=1))
    client.force_login(make_lead(works))
    response = client.get(player_url(works_session) + "events.json")
    assert response.status_code == 200
    timestamps = [event["timestamp"] for event in response.json()]
    assert len(timestamps) == 8 and timestamps == sorted(timestamps)


def test_a_session_without_department_is_for_city_wide_staff_only(
    client, make_lead, works, city_wide_analyst
):
    sid = new_sid()
    store_chunk(upload(sid=sid))
    session = TrackedSession.objects.get(sid=sid)
    client.force_login(make_lead(works))
    assert client.get(player_url(session)).status_code == 403
    client.force_login(city_wide_analyst)
    assert client.get(player_url(session)).status_code == 200


def test_purge_removes_replay_chunks_with_their_session(works_session):
    old = timezone.now() - datetime.timedelta(days=40)
    TrackedSession.objects.filter(pk=works_session.pk).update(last_event_at=old)
    deleted = pipeline.purge_expired()
    assert deleted >= 2  # the session and its chunk (and its signal)
    assert not ReplayChunk.objects.exists()


# -- the list of sessions and replays ----------------------------------------------------------

LIST_URL = "/admin/cityux/replays/"
ERROR_DETAIL = "TypeError: form is undefined @ /static/licence.js"


def visit(department, *signals, pages=(), started=None, replay=False, rating=None, seconds=120):
    """A closed session of `department`: page views of `pages` ((url, page, department)),
    `signals` ((kind, selector, detail, page)), a replay and a survey rating if asked."""
    from cityux_analytics.models import PageView
    from cityux_analytics.surveys.models import Survey, SurveyResponse

    started = started or timezone.now() - datetime.timedelta(hours=1)
    session = TrackedSession.objects.create(
        sid=new_sid(),
        started_at=started,
        last_event_at=started + datetime.timedelta(seconds=seconds),
        closed_at=started + datetime.timedelta(seconds=seconds),
        department=department,
        page_views=max(1, len(pages)),
        score=10 * len(signals),
    )
    for view_id, (url, page, view_department) in enumerate(pages):
        PageView.objects.create(
            session=session, view_id=view_id, url=url, page=page, department=view_department,
            started_at=started,
        )  # fmt: skip
    for kind, selector, detail, page in signals:
        FrustrationSignal.objects.create(
            session=session, view_id=0, url="/somewhere/", page=page, department=department,
            kind=kind, selector=selector, detail=detail, occurred_at=started,
        )  # fmt: skip
    if replay:
        store_chunk(upload(rrweb_events(5), sid=session.sid))
    if rating is not None:
        survey = Survey.objects.filter(department=department).first() or Survey.objects.create(
            title="Report a problem", department=department, questions=[]
        )
        SurveyResponse.objects.create(
            survey=survey, url="/somewhere/", department=department, session=session,
            rating=rating, created_at=started,
        )  # fmt: skip
    return session


def rage(selector="#send-report", page=None):
    return (SignalKind.RAGE_CLICK, selector, "", page)


def error_click(detail=ERROR_DETAIL, page=None):
    return (SignalKind.ERROR_CLICK, "#submit", detail, page)


def listed(client, **query):
    """The session ids the list shows for `query` (every page of it, through the CSV export)."""
    import csv
    import io

    response = client.get(LIST_URL, {**query, "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return sorted(
        int(row["Replay"].rstrip("/").split("/")[-1]) for row in rows if "/" in row["Replay"]
    )


def listed_count(client, **query):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    return response.context["items_count"]


@pytest.fixture
def pages():
    import swapper

    Page = swapper.load_model("wagtailcore", "Page")
    return list(Page.objects.order_by("pk")[:2])


@pytest.fixture
def works_lead(client, make_lead, works):
    client.force_login(make_lead(works))
    return client


def test_the_list_shows_columns_play_links_and_a_summary(works_lead, works):
    recorded = visit(works, rage(), rage(), error_click(), replay=True, rating=2, seconds=95)
    visit(works)
    response = works_lead.get(LIST_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Session replays" in html
    assert "2 sessions match; 1 has a replay." in html
    play = re.search(rf'href="/admin/cityux/replays/{recorded.pk}/"[^>]*>\s*Play\s*</a>', html)
    assert play is not None
    assert "no replay recorded" in html
    assert "2 rage clicks, 1 error click" in html
    assert "1:35" in html and "2 of 5" in html


def test_a_lead_sees_only_sessions_that_touched_their_departments_pages(
    client, make_lead, works, police, city
):
    parks = Department.objects.get(slug="parks-recreation")
    visit(works, replay=True)
    passing_through = visit(parks, pages=[("/police/", None, police)], replay=True)
    visit(None, replay=True)
    started_there = visit(police, replay=True)
    client.force_login(make_lead(police))
    assert listed(client) == [passing_through.pk, started_there.pk]


def test_a_lead_of_another_department_sees_zero_rows_and_gets_403_asking_for_it(
    client, make_lead, works, police
):
    visit(works, rage(), replay=True)
    client.force_login(make_lead(police))
    assert listed_count(client) == 0
    response = client.get(LIST_URL, {"department": works.pk})
    assert response.status_code == 403
    assert client.get(LIST_URL, {"department": works.pk, "export": "csv"}).status_code == 403


def test_the_export_is_scoped_to_the_leads_departments(client, make_lead, works, police):
    mine = visit(works, rage(), replay=True)
    visit(police, rage(), replay=True)
    client.force_login(make_lead(works))
    response = client.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert listed(client) == [mine.pk]


def test_city_wide_staff_see_every_session(client, city_wide_analyst, works, police):
    sessions = [visit(works, replay=True), visit(police, replay=True), visit(None, replay=True)]
    client.force_login(city_wide_analyst)
    assert listed(client) == sorted(s.pk for s in sessions)


def test_the_department_filter_keeps_sessions_that_touched_it(
    client, city_wide_analyst, works, police
):
    started_there = visit(works, replay=True)
    viewed_it = visit(police, pages=[("/public-works/", None, works)], replay=True)
    visit(police, replay=True)
    client.force_login(city_wide_analyst)
    assert listed(client, department=works.pk) == [started_there.pk, viewed_it.pk]


def test_the_page_filter_alone_keeps_sessions_that_viewed_the_page(works_lead, works, pages):
    viewed = visit(works, pages=[("/a/", pages[0], works)], replay=True)
    visit(works, pages=[("/b/", pages[1], works)], replay=True)
    assert listed(works_lead, page=pages[0].pk) == [viewed.pk]


def test_element_kind_and_page_match_one_signal_together(works_lead, works, pages):
    both = visit(works, rage("#pay", pages[0]), replay=True)
    visit(works, rage("#pay", pages[1]), replay=True)  # other page
    visit(works, (SignalKind.DEAD_CLICK, "#pay", "", pages[0]), replay=True)  # other kind
    visit(works, rage("#other", pages[0]), replay=True)  # other element
    query = {"element": "#pay", "kind": "rage_click", "page": pages[0].pk}
    assert listed(works_lead, **query) == [both.pk]
    assert len(listed(works_lead, element="#pay")) == 3


def test_the_error_filter_matches_the_stored_signature(works_lead, works):
    hit = visit(works, error_click(), replay=True)
    visit(works, error_click("ReferenceError: x @ /y.js"), replay=True)
    assert listed(works_lead, error=ERROR_DETAIL, kind="error_click") == [hit.pk]


def test_the_dates_filter_by_the_day_the_session_started(works_lead, works):
    now = timezone.now()
    old = visit(works, started=now - datetime.timedelta(days=10), replay=True)
    recent = visit(works, started=now - datetime.timedelta(hours=1), replay=True)
    day = timezone.localdate(old.started_at).isoformat()
    assert listed(works_lead, date_from=day, date_to=day) == [old.pk]
    later = (timezone.localdate(old.started_at) + datetime.timedelta(days=1)).isoformat()
    assert listed(works_lead, date_from=later) == [recent.pk]


def test_recorded_1_keeps_only_sessions_with_a_replay(works_lead, works):
    recorded = visit(works, replay=True)
    visit(works)
    assert listed_count(works_lead) == 2
    assert listed_count(works_lead, recorded=1) == 1
    assert listed(works_lead, recorded=1) == [recorded.pk]


def test_a_filter_that_cannot_be_read_is_named_and_left_out(works_lead, works):
    visit(works, replay=True)
    response = works_lead.get(LIST_URL, {"page": "abc", "date_from": "31/12/2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be used" in html
    assert "Page (id)" in html and "is not a date" in html
    assert response.context["items_count"] == 1


def test_a_user_without_departments_gets_403(client, django_user_model, city):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(LIST_URL).status_code == 403


def test_a_lead_may_play_a_session_that_viewed_their_departments_pages(
    client, make_lead, works, police
):
    session = visit(police, pages=[("/public-works/", None, works)], replay=True)
    client.force_login(make_lead(works))
    assert client.get(player_url(session)).status_code == 200


def test_a_user_without_departments_may_see_no_session(django_user_model, works):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    session = visit(works, pages=[("/public-works/", None, works)], replay=True)
    assert may_see_session(user, session) is False
    assert may_see_session(user, visit(None, replay=True)) is False


def test_criteria_left_empty_keep_every_session_recorded_or_not(works):
    sessions = [visit(works, replay=True), visit(works), visit(None)]
    kept = filter_sessions(TrackedSession.objects.all(), SessionCriteria())
    assert sorted(kept.values_list("pk", flat=True)) == sorted(s.pk for s in sessions)


def test_a_kind_with_a_department_needs_that_departments_signal(works, police):
    own = visit(works, rage())
    visit(police, rage(), pages=[("/public-works/", None, works)])  # touched, signal elsewhere
    criteria = SessionCriteria(kind=SignalKind.RAGE_CLICK, department_id=works.pk)
    kept = filter_sessions(TrackedSession.objects.all(), criteria)
    assert list(kept.values_list("pk", flat=True)) == [own.pk]


def test_the_end_date_keeps_its_last_moment_and_not_the_next_days_first(works):
    day = datetime.date(2026, 3, 10)
    midnight = timezone.make_aware(datetime.datetime(2026, 3, 11))
    last = visit(works, started=midnight - datetime.timedelta(microseconds=1))
    visit(works, started=midnight)
    kept = filter_sessions(TrackedSession.objects.all(), SessionCriteria(start=day, end=day))
    assert list(kept.values_list("pk", flat=True)) == [last.pk]
