"""Consent is given to one version of a consent group's text (issue 19).

django-cookie-consent versions a group by its newest cookie: adding a cookie to the group (the
city now sets something new under "analytics") makes every earlier consent to that group lapse,
so the resident is asked again before the new cookie is set.
"""

import importlib.util

import pytest
from cookie_consent.cache import delete_cache
from cookie_consent.models import Cookie, CookieGroup
from django.test import RequestFactory

from cityux import consent
from cityux.consent import ANALYTICS, PERSONALIZATION, consent_state, has_consent, needs_choice

pytestmark = pytest.mark.django_db


def _accept_all(client):
    response = client.post("/cityux/cookies/", {"action": "accept_all", "groups": [], "next": "/"})
    assert response.status_code == 302


def _request_of(client):
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def _new_cookie_in(varname):
    """A new cookie in the group: a new version of the group, as the admin would add it."""
    Cookie.objects.create(
        cookiegroup=CookieGroup.objects.get(varname=varname),
        name="cityux_heatmap",
        description="Remembers which parts of the page you scrolled to.",
    )


def test_a_consent_to_the_current_version_counts(client, city):
    _accept_all(client)
    assert has_consent(_request_of(client), ANALYTICS)


def test_a_consent_to_an_older_version_of_the_group_is_no_consent(client, city):
    _accept_all(client)
    _new_cookie_in(ANALYTICS)

    request = _request_of(client)
    assert not has_consent(request, ANALYTICS)
    assert has_consent(request, PERSONALIZATION)  # that group's text did not change


def test_a_lapsed_consent_brings_the_banner_back(client, city):
    _accept_all(client)
    _new_cookie_in(ANALYTICS)

    request = _request_of(client)
    assert consent_state(request)[ANALYTICS] is None
    assert needs_choice(request)


def test_accepting_the_new_version_gives_consent_again(client, city):
    _accept_all(client)
    _new_cookie_in(ANALYTICS)
    _accept_all(client)

    assert has_consent(_request_of(client), ANALYTICS)


def test_a_version_changed_by_another_process_lapses_consent_here_after_ten_seconds(
    client, city, monkeypatch
):
    """Each process keeps the versions for 10 s: a cookie added elsewhere (no signal here, no
    cache entry of ours cleared) makes consent lapse at exactly 10 s, not a moment before."""
    clock = [1000.0]
    monkeypatch.setattr(consent.time, "monotonic", lambda: clock[0])
    consent.forget_group_versions()
    _accept_all(client)
    request = _request_of(client)
    assert has_consent(request, ANALYTICS)  # versions read at 1000.0

    # Another process adds a cookie to the group: no post_save here, its cache cleared.
    group = CookieGroup.objects.get(varname=ANALYTICS)
    Cookie.objects.bulk_create([Cookie(cookiegroup=group, name="cityux_heatmap")])
    delete_cache()

    clock[0] = 1009.999
    assert has_consent(_request_of(client), ANALYTICS)
    clock[0] = 1010.0
    assert not has_consent(_request_of(client), ANALYTICS)


def test_a_freshly_started_process_reads_the_versions_on_its_first_check(city):
    """A new process (a worker, a restarted server) knows no versions yet: its very first
    consent check reads them from the database rather than failing or using an empty set."""
    spec = importlib.util.spec_from_file_location("fresh_consent", consent.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)

    versions = fresh._group_versions()

    expected = {group.varname: group.get_version() for group in CookieGroup.objects.all()}
    assert versions == expected
    assert set(versions) >= {ANALYTICS, PERSONALIZATION}
