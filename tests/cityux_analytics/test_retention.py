"""Retention, proven per table: after the daily purge nothing older than its retention is left,
and what is younger stays."""

import datetime
import uuid

import pytest
from django.utils import timezone

from cityux_analytics.ingest import from_ms, ingest_batch
from cityux_analytics.models import (
    DeadLetteredBatch,
    FrustrationSignal,
    PageView,
    RawEvent,
    ReceivedBatch,
    ReplayChunk,
    ReplayFeedback,
    SpooledBatch,
    SurveyResponse,
    TrackedSession,
)
from cityux_analytics.replay.views import store_chunk
from cityux_analytics.schema import batch_payload, parse_batch
from cityux_analytics.tasks import purge_expired
from tests.cityux_analytics import test_survey_api as survey_api
from tests.cityux_analytics.factories import T0, body, click, new_sid, view
from tests.cityux_analytics.test_replay import upload

pytestmark = pytest.mark.django_db
DAY_MS = 86_400_000
# The purge runs "now"; with the default 30 days, a visit 31 days ago is past its retention and
# one 29 days ago is not.
NOW = from_ms(T0 + 60 * DAY_MS)
OLD, RECENT = T0 + 29 * DAY_MS, T0 + 31 * DAY_MS
works, parks, pages = survey_api.works, survey_api.parks, survey_api.pages


@pytest.fixture
def frozen_now(monkeypatch):
    """The purge task reads the clock: pin it to NOW (the edge of the world, not our code)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def visit(ts, staff):
    """A linked session at `ts` with a batch, a page view, events, a signal, a replay chunk and
    a staff member's feedback on it."""
    sid = new_sid()
    events = [view("/", ts=ts), click(ts + 5)]
    payload = batch_payload(parse_batch(body(events, sid=sid)), str(uuid.uuid4()))
    assert ingest_batch(payload) == "stored"
    store_chunk(upload(sid=sid))
    session = TrackedSession.objects.get(sid=sid)
    FrustrationSignal.objects.create(
        session=session, view_id=0, kind="rage_click", url="/", occurred_at=from_ms(ts)
    )
    ReplayFeedback.objects.create(session=session, user=staff, useful=True)
    return session


@pytest.fixture
def visits(city, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", password="pw")
    return {"old": visit(OLD, staff), "recent": visit(RECENT, staff)}


@pytest.mark.parametrize(
    "model",
    [
        TrackedSession,
        ReceivedBatch,
        PageView,
        RawEvent,
        FrustrationSignal,
        ReplayChunk,
        ReplayFeedback,
    ],
    ids=lambda model: model.__name__,
)
def test_visit_rows_older_than_the_retention_are_purged(model, visits, frozen_now):
    session_field = "pk" if model is TrackedSession else "session"

    def sessions_with_rows():
        return set(model.objects.values_list(session_field, flat=True))

    assert sessions_with_rows() == {visits["old"].pk, visits["recent"].pk}
    purge_expired()
    assert sessions_with_rows() == {visits["recent"].pk}


def test_a_shorter_retention_setting_purges_sooner(visits, frozen_now, settings):
    settings.CITYUX_ANALYTICS = {"RETENTION_DAYS": 10}
    purge_expired()
    assert not TrackedSession.objects.exists() and not ReplayChunk.objects.exists()


def test_spooled_batches_older_than_the_retention_are_purged(city, frozen_now):
    old = SpooledBatch.objects.create(payload={"sid": new_sid()})
    recent = SpooledBatch.objects.create(payload={"sid": new_sid()})
    SpooledBatch.objects.filter(pk=old.pk).update(received_at=NOW - datetime.timedelta(days=31))
    SpooledBatch.objects.filter(pk=recent.pk).update(received_at=NOW - datetime.timedelta(days=29))
    purge_expired()
    assert list(SpooledBatch.objects.values_list("pk", flat=True)) == [recent.pk]


def test_dead_lettered_batches_received_before_the_retention_are_purged(city, frozen_now):
    def dead_letter(name, received_days_ago, failed_days_ago):
        return DeadLetteredBatch.objects.create(
            source="buffer",
            body=name.encode(),
            digest=name,
            received_at=None
            if received_days_ago is None
            else NOW - datetime.timedelta(days=received_days_ago),
            failed_at=NOW - datetime.timedelta(days=failed_days_ago),
            error="IntegrityError",
        )

    old = dead_letter("old", 31, 31)
    retried_lately = dead_letter("retried", 31, 1)
    unknown_old = dead_letter("unknown-old", None, 31)
    recent = dead_letter("recent", 29, 29)
    unknown_recent = dead_letter("unknown-recent", None, 29)
    purge_expired()
    kept = set(DeadLetteredBatch.objects.values_list("pk", flat=True))
    assert kept == {recent.pk, unknown_recent.pk}
    assert not kept & {old.pk, retried_lately.pk, unknown_old.pk}


@pytest.mark.urls("tests.cityux_analytics.survey_urls")
def test_survey_answers_older_than_their_retention_are_purged(works, pages, frozen_now):
    survey = survey_api.make_survey(works, target_pages=[pages["pothole"]])
    for days in (366, 364):
        SurveyResponse.objects.create(
            survey=survey,
            url="/works/pothole/",
            visitor_id=uuid.uuid4(),
            answers={"a": 1},
            comment=f"{days} days ago",
            created_at=NOW - datetime.timedelta(days=days),
        )
    purge_expired()
    assert list(SurveyResponse.objects.values_list("comment", flat=True)) == ["364 days ago"]
