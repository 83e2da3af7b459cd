"""Session replay: the upload endpoint, the admin player's department scoping, retention."""

import datetime
import json

import pytest
from django.utils import timezone

from cityux.models import Department
from cityux_analytics import pipeline
from cityux_analytics.models import FrustrationSignal, ReplayChunk, SignalKind, TrackedSession
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
        (upload(v=2), "v must be 1"),
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
        ({**upload(), "extra": 1}, "unknown keys"),
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
    assert "You cannot see this report" in response.content.decode()
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
