"""Retention of tombstones: kept as long as the longest retention of the data map, then gone."""

import datetime

import pytest
from django.utils import timezone

from cityux import tombstones
from cityux.models import Tombstone
from cityux.mydata import longest_retention_days
from cityux.tasks import purge_tombstones

pytestmark = pytest.mark.django_db


def tombstone_of(sid, days_ago):
    tombstones.forget(None, [sid])
    Tombstone.objects.filter(digest=tombstones.digest("session", sid)).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_tombstones_are_kept_as_long_as_the_longest_retention():
    # The defaults: survey answers, profiles, exposures and conversions are kept 365 days.
    assert tombstones.retention_days() == longest_retention_days() == 365


def test_tombstones_older_than_the_longest_retention_are_purged():
    tombstone_of("old", 366)
    tombstone_of("recent", 364)
    assert purge_tombstones() == 1
    assert not tombstones.is_forgotten(sid="old")
    assert tombstones.is_forgotten(sid="recent")


def test_a_longer_retention_anywhere_keeps_tombstones_longer(settings):
    settings.CITYUX_SOCIAL = {"AUTHOR_RETENTION_DAYS": 800}
    tombstone_of("old", 400)
    assert purge_tombstones() == 0


def test_the_tombstone_retention_can_be_set(settings):
    settings.CITYUX_TOMBSTONE_RETENTION_DAYS = 10
    tombstone_of("old", 11)
    assert purge_tombstones() == 1
