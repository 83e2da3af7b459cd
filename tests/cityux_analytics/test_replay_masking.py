"""Replay privacy on the server: which pages the recorder must leave out, how the tracker tag
tells it to mask a page, and what the player says about a recording."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cityux.models import Department
from cityux.site.models import FormPage, HomePage, SearchPage, SectionPage, ServicePage
from cityux_analytics.models import TrackedSession
from cityux_analytics.replay.checks import check_block_url_patterns
from cityux_analytics.replay.privacy import (
    blocked_offsets,
    is_blocked_path,
    masking_modes,
    unmasks_page,
)
from cityux_analytics.replay.views import store_chunk
from tests.cityux_analytics.factories import T0, new_sid

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cityux_analytics.replay_urls")]


# -- which pages are never recorded ---------------------------------------------------------


@pytest.mark.parametrize(
    "path, view_name",
    [
        ("/cityux/my-data/", "cityux_personalize:my_data"),
        ("/cityux/my-data/download/", "cityux_personalize:my_data_download"),
        ("/cityux/resume/", "cityux_personalize:resume"),
        ("/cityux/resume/codes/12/", "cityux_personalize:issue_code"),
        ("/cityux/cookies/", "cityux:cookie_settings"),
    ],
)
def test_the_pages_about_the_resident_are_blocked_by_url_name(path, view_name):
    assert is_blocked_path(path, view_name)


def test_the_same_pages_are_blocked_wherever_a_site_mounts_them():
    assert is_blocked_path("/privacy/mine/", "cityux_personalize:my_data")


def test_a_service_page_is_not_blocked():
    assert not is_blocked_path("/public-works/report-a-pothole/", "wagtail_serve")


def test_a_sites_url_pattern_blocks_its_account_pages(settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_BLOCK_URL_PATTERNS": [r"^/account/"]}
    assert is_blocked_path("/account/settings/", "wagtail_serve")
    assert not is_blocked_path("/services/account/", "wagtail_serve")


def test_a_block_pattern_that_is_not_a_regular_expression_is_named(settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_BLOCK_URL_PATTERNS": ["^/account/(("]}
    with pytest.raises(ImproperlyConfigured, match=r"REPLAY_BLOCK_URL_PATTERNS.*\^/account/\(\("):
        is_blocked_path("/account/", None)


# -- which page types keep their text -------------------------------------------------------


@pytest.mark.parametrize("model", [HomePage, SectionPage, ServicePage])
def test_the_reference_sites_content_pages_are_unmasked(model):
    assert unmasks_page(model(title="Parks"))


@pytest.mark.parametrize("model", [FormPage, SearchPage])
def test_pages_that_show_residents_words_back_stay_masked(model):
    assert not unmasks_page(model(title="Apply"))


def test_a_site_unmasks_a_page_type_by_its_label_in_any_case(settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_UNMASK_PAGE_TYPES": ["CityUX_Site.FormPage"]}
    assert unmasks_page(FormPage(title="Apply"))


def test_no_page_is_not_unmasked():
    assert not unmasks_page(None)


# -- the tracker tag tells the recorder ------------------------------------------------------


def _tracker_tag(client, path):
    html = client.get(path).content.decode()
    start = html.index("<script src=")
    return html[start : html.index("</script>", start)]


@pytest.fixture
def site_client(consented_client, settings):
    # The reference templates are the ones the demo site renders; a page is all that's needed.
    settings.CITYUX_ANALYTICS = {"REPLAY_MODE": "sample", "REPLAY_SAMPLE_PERCENT": 100}
    return consented_client


def test_the_tracker_tag_on_my_data_tells_the_recorder_not_to_record(site_client):
    tag = _tracker_tag(site_client, "/cityux/my-data/")
    assert 'data-replay-block="1"' in tag
    assert "data-replay-strict" not in tag


def test_the_tracker_tag_on_the_resume_page_tells_the_recorder_not_to_record(site_client):
    assert 'data-replay-block="1"' in _tracker_tag(site_client, "/cityux/resume/")


def test_the_tracker_tag_masks_all_text_by_default(site_client):
    tag = _tracker_tag(site_client, "/cityux/personalize/area/")
    assert 'data-replay-strict="1"' in tag
    assert "data-replay-block" not in tag
    assert "data-replay-unmask-page" not in tag


def test_relaxed_masking_is_a_setting(site_client, settings):
    settings.CITYUX_ANALYTICS = {**settings.CITYUX_ANALYTICS, "REPLAY_STRICT_MASKING": False}
    assert "data-replay-strict" not in _tracker_tag(site_client, "/cityux/personalize/area/")


def test_the_sites_unmask_selectors_reach_the_recorder(site_client, settings):
    settings.CITYUX_ANALYTICS = {
        **settings.CITYUX_ANALYTICS,
        "REPLAY_UNMASK_SELECTORS": [".prose", "nav"],
    }
    tag = _tracker_tag(site_client, "/cityux/personalize/area/")
    assert 'data-replay-unmask="[&quot;.prose&quot;, &quot;nav&quot;]"' in tag


def test_a_sites_block_pattern_reaches_the_recorder(site_client, settings):
    settings.CITYUX_ANALYTICS = {
        **settings.CITYUX_ANALYTICS,
        "REPLAY_BLOCK_URL_PATTERNS": [r"^/cityux/personalize/"],
    }
    assert 'data-replay-block="1"' in _tracker_tag(site_client, "/cityux/personalize/area/")


# -- what the player says --------------------------------------------------------------------


def _meta(at, masking=None):
    data = {"href": "http://testserver/", "width": 800, "height": 600}
    if masking:
        data["cityuxMasking"] = masking
    return {"type": 4, "data": data, "timestamp": at}


def _snapshot(at):
    return {"type": 2, "data": {"node": {"type": 0, "childNodes": [], "id": 1}}, "timestamp": at}


def _blocked(at):
    return {"type": 5, "data": {"tag": "cityux-blocked", "payload": {}}, "timestamp": at}


def test_blocked_pages_are_found_at_their_offset_into_the_replay():
    events = [_meta(T0, "strict"), _snapshot(T0 + 1), _blocked(T0 + 4000), _meta(T0 + 9000)]
    assert blocked_offsets(events) == [4000]


def test_the_masking_of_each_recorded_page_is_read_from_its_meta_event():
    events = [_meta(T0, "strict"), _meta(T0 + 1, "private_only"), _meta(T0 + 2)]
    assert masking_modes(events) == {"strict", "private_only", "unknown"}


@pytest.fixture
def blocked_session(city):
    sid = new_sid()
    events = [_meta(T0, "strict"), _snapshot(T0 + 1), _blocked(T0 + 4000)]
    store_chunk({"v": 1, "sid": sid, "seq": 0, "events": events})
    session = TrackedSession.objects.get(sid=sid)
    session.department = Department.objects.get(slug="public-works")
    session.save()
    return session


def test_the_player_says_all_text_was_masked_and_counts_the_pages_left_out(
    client, city_wide_analyst, blocked_session
):
    client.force_login(city_wide_analyst)
    html = client.get(f"/admin/cityux/replays/{blocked_session.pk}/").content.decode()
    assert "All text of these pages was masked" in html
    assert "relaxed masking" not in html
    assert "1 page of this session was not recorded." in html
    assert "This page is not recorded: it shows the resident's own data." in html


def test_a_block_pattern_that_does_not_compile_fails_the_system_check(settings):
    settings.CITYUX_ANALYTICS = {"REPLAY_BLOCK_URL_PATTERNS": ["^/account/(("]}
    errors = check_block_url_patterns(None)
    assert [error.id for error in errors] == ["cityux_analytics.E101"]
    assert "^/account/((" in errors[0].msg


def test_until_it_is_fixed_no_page_is_recorded(site_client, settings):
    settings.CITYUX_ANALYTICS = {
        **settings.CITYUX_ANALYTICS,
        "REPLAY_BLOCK_URL_PATTERNS": ["^/account/(("],
    }
    response = site_client.get("/cityux/personalize/area/")
    assert response.status_code == 200
    assert 'data-replay-block="1"' in _tracker_tag(site_client, "/cityux/personalize/area/")
