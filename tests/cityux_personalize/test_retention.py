"""Retention, proven per table: profiles, drafts, resume codes, exposures and conversions older
than their retention are gone after the daily purge; younger ones stay."""

import datetime
import uuid

import pytest
from django.utils import timezone
from wagtail.models import Page

from cityux import tombstones
from cityux_personalize.models import (
    Conversion,
    Exposure,
    FormDraft,
    Goal,
    ResumeCode,
    Segment,
    VisitorProfile,
)
from cityux_personalize.tasks import purge_expired

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def ago(days):
    return NOW - datetime.timedelta(days=days)


def profile(last_seen_days_ago):
    return VisitorProfile.objects.create(
        visitor_id=uuid.uuid4(), first_seen=ago(400), last_seen=ago(last_seen_days_ago)
    )


def test_profiles_not_seen_for_the_retention_are_purged_with_a_tombstone(city):
    old, recent = profile(366), profile(364)
    purge_expired()
    assert list(VisitorProfile.objects.values_list("pk", flat=True)) == [recent.pk]
    assert tombstones.is_forgotten(visitor_id=old.visitor_id)
    assert not tombstones.is_forgotten(visitor_id=recent.visitor_id)


def test_the_profile_retention_is_a_setting(city, settings):
    profile(100)
    settings.CITYUX_PERSONALIZE = {"PROFILE_RETENTION_DAYS": 90}
    purge_expired()
    assert not VisitorProfile.objects.exists()


def test_drafts_not_saved_for_the_retention_are_purged(city):
    owner, page = profile(1), Page.objects.get(depth=1)
    FormDraft.objects.create(profile=owner, page=page, data={"name": "old"}, updated=ago(31))
    other_page = Page.objects.filter(depth=2).first()
    FormDraft.objects.create(profile=owner, page=other_page, data={"name": "new"}, updated=ago(29))
    purge_expired()
    assert list(FormDraft.objects.values_list("data", flat=True)) == [{"name": "new"}]


def test_resume_codes_are_purged_a_day_after_they_expired(city):
    owner = profile(1)
    for name, expired in (("old", ago(1) - datetime.timedelta(minutes=1)), ("new", ago(0.5))):
        ResumeCode.objects.create(
            code_hash=name, profile=owner, created=expired, expires_at=expired
        )
    purge_expired()
    assert list(ResumeCode.objects.values_list("code_hash", flat=True)) == ["new"]


def test_exposures_older_than_the_profile_retention_are_purged(city):
    segment = Segment.objects.create(name="Business owners", holdout_percent=10)
    for days in (366, 364):
        Exposure.objects.create(
            segment=segment, visitor_id=uuid.uuid4(), variant="shown", first_exposed=ago(days)
        )
    purge_expired()
    assert [e.first_exposed for e in Exposure.objects.all()] == [ago(364)]


def test_conversions_older_than_the_profile_retention_are_purged(city):
    goal = Goal.objects.create(name="Sent the form", kind="form_submitted")
    for days in (366, 364):
        Conversion.objects.create(goal=goal, visitor_id=uuid.uuid4(), reached_at=ago(days))
    purge_expired()
    assert [c.reached_at for c in Conversion.objects.all()] == [ago(364)]
