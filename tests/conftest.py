"""Fixtures shared by every app's tests."""

import importlib
import os

import pytest
from cookie_consent.cache import delete_cache as forget_consent_groups
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache

from cityux.consent import forget_group_versions
from cityux.departments import forget_owned_paths
from cityux.models import Department

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one per thread."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run `make chromium` "
            "(apt-get install chromium). They are never skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


_seed_migration = importlib.import_module(
    "cityux.migrations.0002_seed_departments_and_consent_groups"
)


def seed_city():
    """The migration's seed (22 departments, groups, consent groups), idempotent.

    Transactional tests flush the database, so tests ask for this instead of trusting
    that migration data is still there.
    """
    _seed_migration.seed(django_apps, None)
    cache.clear()  # nothing cached may point at rows of a flushed database
    forget_consent_groups()
    forget_group_versions()
    forget_owned_paths()


@pytest.fixture
def city(db):
    seed_city()
    return Department.objects.all()


@pytest.fixture
def make_lead(django_user_model):
    """A non-superuser member of the lead groups of the given departments."""

    def make(*departments, username="lead"):
        user = django_user_model.objects.create_user(username=username, password="pw")
        for department in departments:
            user.groups.add(department.lead_group)
        return user

    return make


@pytest.fixture
def city_wide_analyst(city, django_user_model):
    user = django_user_model.objects.create_user(username="analyst", password="pw")
    user.groups.add(Group.objects.get(name=_seed_migration.CITY_WIDE_GROUP))
    return user
