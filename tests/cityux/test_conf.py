"""One settings accessor for every app: unknown keys refused alike, nested dicts merged, and
the setting read when asked, never at import."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cityux.conf import cityux_setting, settings_accessor
from cityux_analytics.conf import analytics_setting, get_thresholds
from cityux_analytics.surveys.conf import survey_setting
from cityux_personalize.conf import personalize_setting
from cityux_social.conf import social_setting

DEFAULTS = {"LIMIT": 5, "SERVER": {"URL": "", "TIMEOUT": 10.0}, "RATES": {}}
example_setting = settings_accessor("CITYUX_EXAMPLE", DEFAULTS)

# (accessor, its Django setting, a key it knows)
APP_ACCESSORS = [
    (analytics_setting, "CITYUX_ANALYTICS", "RETENTION_DAYS"),
    (survey_setting, "CITYUX_SURVEYS", "MIN_ELAPSED_MS"),
    (personalize_setting, "CITYUX_PERSONALIZE", "VISIT_GAP_MINUTES"),
    (social_setting, "CITYUX_SOCIAL", "FETCH_MAX_POSTS"),
]


def test_a_missing_setting_gives_the_defaults(settings):
    assert not hasattr(settings, "CITYUX_EXAMPLE")
    assert example_setting("LIMIT") == 5
    assert example_setting.all() == DEFAULTS


def test_the_setting_is_read_at_call_time(settings):
    settings.CITYUX_EXAMPLE = {"LIMIT": 7}
    assert example_setting("LIMIT") == 7
    settings.CITYUX_EXAMPLE = {"LIMIT": 9}
    assert example_setting("LIMIT") == 9


def test_a_nested_dict_is_merged_with_its_defaults(settings):
    settings.CITYUX_EXAMPLE = {"SERVER": {"URL": "https://311.example/"}}
    assert example_setting("SERVER") == {"URL": "https://311.example/", "TIMEOUT": 10.0}
    assert DEFAULTS["SERVER"] == {"URL": "", "TIMEOUT": 10.0}  # the defaults are untouched


def test_an_empty_default_dict_takes_any_keys(settings):
    settings.CITYUX_EXAMPLE = {"RATES": {"ip": 3}}
    assert example_setting("RATES") == {"ip": 3}


def test_an_unknown_key_is_refused_with_the_known_ones(settings):
    settings.CITYUX_EXAMPLE = {"LIMT": 7}
    with pytest.raises(ImproperlyConfigured) as refused:
        example_setting("LIMIT")
    assert str(refused.value) == (
        "CITYUX_EXAMPLE has unknown keys: LIMT. Known keys: LIMIT, RATES, SERVER."
    )


def test_an_unknown_nested_key_is_refused_with_its_path(settings):
    settings.CITYUX_EXAMPLE = {"SERVER": {"TIMOUT": 3}}
    with pytest.raises(ImproperlyConfigured, match=r"CITYUX_EXAMPLE\['SERVER'\] has unknown "
                       r"keys: TIMOUT\. Known keys: TIMEOUT, URL\."):  # fmt: skip
        example_setting("SERVER")


@pytest.mark.parametrize("value", [["LIMIT", 7], "LIMIT=7"])
def test_a_setting_that_is_not_a_dict_is_refused(settings, value):
    settings.CITYUX_EXAMPLE = value
    with pytest.raises(ImproperlyConfigured, match="CITYUX_EXAMPLE must be a dict"):
        example_setting("LIMIT")


def test_a_nested_value_that_is_not_a_dict_is_refused(settings):
    settings.CITYUX_EXAMPLE = {"SERVER": "https://311.example/"}
    with pytest.raises(ImproperlyConfigured, match=r"CITYUX_EXAMPLE\['SERVER'\] must be a dict"):
        example_setting("SERVER")


def test_skip_unknown_keeps_the_known_overrides(settings):
    settings.CITYUX_EXAMPLE = {"LIMT": 1, "LIMIT": 2}
    assert example_setting.all(skip_unknown=True)["LIMIT"] == 2


def test_asking_for_a_key_without_a_default_is_a_bug():
    with pytest.raises(KeyError, match="CITYUX_EXAMPLE has no key 'NOPE'"):
        example_setting("NOPE")


@pytest.mark.parametrize("accessor, setting, key", APP_ACCESSORS)
def test_every_app_refuses_an_unknown_key_the_same_way(settings, accessor, setting, key):
    setattr(settings, setting, {"NO_SUCH_KEY": 1})
    with pytest.raises(ImproperlyConfigured, match=rf"^{setting} has unknown keys: NO_SUCH_KEY\."):
        accessor(key)


@pytest.mark.parametrize("accessor, setting, key", APP_ACCESSORS)
def test_every_app_reads_its_setting_at_call_time(settings, accessor, setting, key):
    setattr(settings, setting, {key: 11})
    assert accessor(key) == 11
    setattr(settings, setting, {key: 12})
    assert accessor(key) == 12


@pytest.mark.parametrize(
    "accessor, setting, key, override, expected",
    [
        (analytics_setting, "CITYUX_ANALYTICS", "RATE_LIMITS", {"ip": 5}, {"session": 60, "ip": 5}),
        (survey_setting, "CITYUX_SURVEYS", "RATE_LIMITS", {"ip": 2},
         {"ip": 2, "survey": 600, "shown_ip": 120}),
        (social_setting, "CITYUX_SOCIAL", "OPEN311", {"TIMEOUT": 3.0},
         {"ENDPOINT": "", "API_KEY_ENV": "CITYUX_OPEN311_API_KEY", "JURISDICTION_ID": "",
          "TIMEOUT": 3.0, "FORMAT": "json", "LOOKUP_CAP": 1000, "TOKEN_GIVE_UP_HOURS": 48}),
    ],
)  # fmt: skip
def test_every_app_merges_its_nested_dicts(settings, accessor, setting, key, override, expected):
    setattr(settings, setting, {key: override})
    assert accessor(key) == expected


def test_a_swapped_connector_keeps_the_other_kinds(settings):
    settings.CITYUX_SOCIAL = {"CONNECTORS": {"x": "city.connectors.X"}}
    connectors = social_setting("CONNECTORS")
    assert connectors["x"] == "city.connectors.X"
    assert connectors["file"] == "cityux_social.sources.file.FileConnector"


def test_the_core_reads_one_django_setting_per_key(settings):
    settings.CITYUX_TRUSTED_PROXY_COUNT = 2
    assert cityux_setting("TRUSTED_PROXY_COUNT") == 2
    settings.CITYUX_TRUSTED_PROXY_COUNT = 1
    assert cityux_setting("TRUSTED_PROXY_COUNT") == 1
    assert cityux_setting("RETRY_AFTER_SECONDS") == 30


def test_thresholds_are_read_through_the_same_accessor(settings):
    settings.CITYUX_ANALYTICS_THRESHOLDS = {"rage_click_min_clicks": 4, "quick_back_ms": [1]}
    thresholds = get_thresholds()
    assert (thresholds.rage_click_min_clicks, thresholds.quick_back_ms) == (4, (1,))
    settings.CITYUX_ANALYTICS_THRESHOLDS = {"rage_clicks": 4}
    with pytest.raises(ImproperlyConfigured, match="^CITYUX_ANALYTICS_THRESHOLDS has unknown"):
        get_thresholds()
