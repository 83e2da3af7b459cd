import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cityux.consent import ANALYTICS, PERSONALIZATION, has_consent

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/cityux/cookies/"


def _choose(client, action, groups=(), **headers):
    return client.post(
        SETTINGS_URL, {"action": action, "groups": list(groups), "next": "/"}, headers=headers
    )


def _request_with_cookies_of(client, **headers):
    request = RequestFactory().get("/", headers=headers)
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


def test_no_choice_means_no_consent(city):
    request = RequestFactory().get("/")
    assert not has_consent(request, ANALYTICS)
    assert not has_consent(request, PERSONALIZATION)


def test_accept_all_gives_consent_to_both_groups(client, city):
    assert _choose(client, "accept_all").status_code == 302
    request = _request_with_cookies_of(client)
    assert has_consent(request, ANALYTICS) and has_consent(request, PERSONALIZATION)


def test_decline_withdraws_consent_for_both_groups(client, city):
    _choose(client, "accept_all")
    _choose(client, "decline_all")
    request = _request_with_cookies_of(client)
    assert not has_consent(request, ANALYTICS) and not has_consent(request, PERSONALIZATION)


def test_per_group_choice_accepts_only_the_ticked_group(client, city):
    _choose(client, "save", groups=[ANALYTICS])
    request = _request_with_cookies_of(client)
    assert has_consent(request, ANALYTICS)
    assert not has_consent(request, PERSONALIZATION)


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}])
def test_privacy_signal_overrides_an_earlier_accept(client, city, header):
    _choose(client, "accept_all")
    request = _request_with_cookies_of(client, **header)
    assert not has_consent(request, ANALYTICS)
    assert not has_consent(request, PERSONALIZATION)


def test_gpc_zero_is_not_a_decline(client, city):
    _choose(client, "accept_all")
    assert has_consent(_request_with_cookies_of(client, **{"Sec-GPC": "0"}), ANALYTICS)


def test_declining_expires_the_optional_cookies(client, city):
    client.cookies["cityux_vid"] = "abc"
    response = _choose(client, "decline_all")
    assert response.cookies["cityux_vid"]["max-age"] == 0


def test_status_endpoint_reports_what_the_server_honours(client, city):
    _choose(client, "accept_all")
    data = client.get(reverse("cityux:consent_status"), headers={"Sec-GPC": "1"}).json()
    assert data == {"privacySignal": True, "groups": {"analytics": False, "personalization": False}}


def test_unknown_action_is_a_clear_400_and_stores_nothing(client, city):
    response = _choose(client, "accept_some")
    assert response.status_code == 400
    assert "accept_some" in response.json()["error"]
    assert "cookie_consent" not in response.cookies


def test_next_cannot_redirect_off_site(client, city):
    response = client.post(SETTINGS_URL, {"action": "accept_all", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_choice_is_written_to_the_consent_log(client, city):
    from cookie_consent.models import LogItem

    _choose(client, "save", groups=[ANALYTICS])
    assert sorted(LogItem.objects.values_list("cookiegroup__varname", "action")) == [
        ("analytics", 1),
        ("personalization", -1),
    ]


def test_settings_page_lists_each_group_with_its_state(client, city):
    _choose(client, "save", groups=[PERSONALIZATION])
    html = client.get(SETTINGS_URL).content.decode()
    assert 'value="personalization" id="cityux-settings-personalization" checked' in html
    assert 'value="analytics" id="cityux-settings-analytics" aria' in html


def test_gpc_json_is_published(client):
    response = client.get("/.well-known/gpc.json")
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["gpc"] is True and len(body["lastUpdate"]) == 10


def test_ifconsent_renders_its_content_only_with_consent(client, city):
    template = Template(
        '{% load cityux_consent %}{% ifconsent "analytics" %}<script>{% endifconsent %}'
    )
    request = RequestFactory().get("/")
    assert template.render(Context({"request": request})) == ""
    _choose(client, "accept_all")
    assert template.render(Context({"request": _request_with_cookies_of(client)})) == "<script>"
    gpc = _request_with_cookies_of(client, **{"Sec-GPC": "1"})
    assert template.render(Context({"request": gpc})) == ""


def test_banner_is_shown_until_the_resident_chooses(client, city):
    template = Template("{% load cityux_consent %}{% consent_banner %}")
    first = template.render(Context({"request": RequestFactory().get("/")}))
    assert 'id="cityux-consent"' in first and " hidden" not in first.split(">")[2]
    _choose(client, "decline_all")
    later = template.render(Context({"request": _request_with_cookies_of(client)}))
    assert 'aria-labelledby="cityux-consent-title" hidden' in later
