"""Edges of the analytics purge that the mutation run found unpinned (issue 19): the exact
retention boundary, the count the purge reports, and the tombstone sweep across batches."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cityux.tombstones import forget, is_forgotten
from cityux_analytics.models import DeadLetteredBatch, SpooledBatch, TrackedSession
from cityux_analytics.retention import (
    purge_expired,
    sweep_forgotten_sessions,
    tombstone_linked_sessions,
)
from cityux_analytics.surveys.models import SurveyResponse
from tests.cityux_analytics import test_survey_api as survey_api
from tests.cityux_analytics.factories import new_sid

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
works, parks, pages = survey_api.works, survey_api.parks, survey_api.pages


def _spooled(received_at):
    batch = SpooledBatch.objects.create(payload={"sid": new_sid()})
    SpooledBatch.objects.filter(pk=batch.pk).update(received_at=received_at)
    return batch.pk


def _session(last_event_at, visitor_id=None):
    return TrackedSession.objects.create(
        sid=new_sid(), started_at=last_event_at, last_event_at=last_event_at, visitor_id=visitor_id
    )


def test_a_batch_exactly_thirty_days_old_stays_and_the_purge_counts_what_it_deleted(city):
    kept = _spooled(NOW - 30 * DAY)
    _spooled(NOW - 30 * DAY - SECOND)
    _spooled(NOW - 31 * DAY)
    DeadLetteredBatch.objects.create(
        source="buffer", body=b"{}", digest="old", received_at=NOW - 31 * DAY,
        failed_at=NOW - 31 * DAY, error="IntegrityError",
    )  # fmt: skip
    _session(NOW - 31 * DAY)
    recent = _session(NOW - 29 * DAY)

    # Two batches, one dead letter, one session (without rows hanging off it).
    assert purge_expired(now=NOW) == 4
    assert list(SpooledBatch.objects.values_list("pk", flat=True)) == [kept]
    assert not DeadLetteredBatch.objects.exists()
    assert list(TrackedSession.objects.all()) == [recent]


def test_the_retention_days_argument_moves_the_boundary(city):
    kept = _spooled(NOW - 7 * DAY)
    _spooled(NOW - 7 * DAY - SECOND)

    assert purge_expired(now=NOW, days=7) == 1
    assert list(SpooledBatch.objects.values_list("pk", flat=True)) == [kept]


def test_without_a_time_the_purge_uses_the_clock(city, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # the edge of the world, not our code
    kept = _spooled(NOW - 30 * DAY)
    _spooled(NOW - 30 * DAY - SECOND)

    assert purge_expired() == 1
    assert list(SpooledBatch.objects.values_list("pk", flat=True)) == [kept]


def test_only_linked_sessions_about_to_expire_are_tombstoned(city):
    linked_old = _session(NOW - 31 * DAY, uuid.uuid4())
    anonymous_old = _session(NOW - 31 * DAY)
    linked_recent = _session(NOW - 29 * DAY, uuid.uuid4())

    assert tombstone_linked_sessions(NOW - 30 * DAY) == 1
    assert is_forgotten(sid=linked_old.sid)
    assert not is_forgotten(sid=anonymous_old.sid)
    assert not is_forgotten(sid=linked_recent.sid)


def test_the_sweep_deletes_every_tombstoned_recent_session_across_batches(city):
    sessions = [_session(NOW - DAY) for _ in range(5)]
    old = _session(NOW - 3 * DAY)
    forget(None, [sessions[0].sid, sessions[2].sid, sessions[4].sid, old.sid])

    assert sweep_forgotten_sessions(NOW - 2 * DAY, batch_size=2) == 3
    left = set(TrackedSession.objects.values_list("sid", flat=True))
    assert left == {sessions[1].sid, sessions[3].sid, old.sid}


def test_the_purge_tombstones_the_linked_sessions_it_deletes(city):
    linked_old = _session(NOW - 31 * DAY, uuid.uuid4())
    anonymous_old = _session(NOW - 31 * DAY)

    purge_expired(now=NOW)
    assert not TrackedSession.objects.exists()
    assert is_forgotten(sid=linked_old.sid)
    assert not is_forgotten(sid=anonymous_old.sid)


def test_the_purge_sweeps_tombstoned_sessions_of_the_last_two_days(city):
    late = _session(NOW - DAY)
    earlier = _session(NOW - 3 * DAY)  # older than any batch in flight: not swept
    forget(None, [late.sid, earlier.sid])

    assert purge_expired(now=NOW) == 1
    assert list(TrackedSession.objects.values_list("sid", flat=True)) == [earlier.sid]


@pytest.mark.urls("tests.cityux_analytics.survey_urls")
def test_the_purge_counts_the_survey_answers_past_their_retention(works, pages):
    survey = survey_api.make_survey(works, target_pages=[pages["pothole"]])
    for days in (365, 366, 400):
        SurveyResponse.objects.create(
            survey=survey, url="/works/pothole/", answers={"a": 1}, comment=f"{days} days",
            created_at=NOW - datetime.timedelta(days=days),
        )  # fmt: skip

    assert purge_expired(now=NOW) == 2
    assert list(SurveyResponse.objects.values_list("comment", flat=True)) == ["365 days"]


def test_the_sweep_ends_on_a_last_batch_of_one_session(city):
    for _ in range(3):
        _session(NOW - DAY)

    assert sweep_forgotten_sessions(NOW - 2 * DAY, batch_size=2) == 0
    assert TrackedSession.objects.count() == 3
