"""The consent gate in a real browser: banner, keyboard, Decline / Accept, GPC."""

import pytest

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _status(page, base_url):
    return page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.json())",
        f"{base_url}/cityux/cookies/status/",
    )


def _choose(page, button):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _cookie_names(context):
    return {cookie["name"] for cookie in context.cookies()}


def test_banner_shows_on_first_visit(city_site, page):
    page.goto(city_site.url)
    banner = page.get_by_role("region", name="Cookies on this website")
    assert banner.is_visible()
    assert banner.get_by_role("button", name="Accept all").is_visible()
    assert banner.get_by_role("button", name="Decline").is_visible()
    assert banner.get_by_role("checkbox", name="Usability measurement").is_visible()


def test_decline_means_no_consent_and_no_optional_cookie(city_site, page):
    page.goto(city_site.url)
    _choose(page, "Decline")
    assert not page.get_by_role("region", name="Cookies on this website").is_visible()
    status = _status(page, city_site.url)
    assert status["groups"] == {"analytics": False, "personalization": False}
    assert _cookie_names(page.context) <= {"cookie_consent", "csrftoken"}


def test_accept_all_gives_consent(city_site, page):
    page.goto(city_site.url)
    _choose(page, "Accept all")
    status = _status(page, city_site.url)
    assert status == {
        "privacySignal": False,
        "groups": {"analytics": True, "personalization": True},
    }


def test_global_privacy_control_wins_even_after_accept(city_site, new_context):
    page = new_context(extra_http_headers={"Sec-GPC": "1"}).new_page()
    page.goto(city_site.url + "/cityux/cookies/")
    _choose(page, "Accept all")
    status = _status(page, city_site.url)
    assert status["privacySignal"] is True
    assert status["groups"] == {"analytics": False, "personalization": False}


def test_banner_is_operable_by_keyboard_alone(city_site, page):
    page.goto(city_site.url)
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Accept all":
            break
    else:
        pytest.fail("Tab never reached the banner's Accept all button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _status(page, city_site.url)["groups"]["analytics"] is True


def test_per_group_choice_with_the_keyboard(city_site, page):
    page.goto(city_site.url)
    page.get_by_role("checkbox", name="Personalised information").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my choices").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    groups = _status(page, city_site.url)["groups"]
    assert groups == {"analytics": False, "personalization": True}


def test_cookie_settings_link_reopens_the_banner_and_moves_focus(city_site, page):
    page.goto(city_site.url)
    _choose(page, "Decline")
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").click()
    banner = page.get_by_role("region", name="Cookies on this website")
    assert banner.is_visible()
    assert page.evaluate("document.activeElement.id") == "cityux-consent-title"
    page.keyboard.press("Escape")
    assert not banner.is_visible()


def test_home_and_hub_screenshots(city_site, page, screenshot):
    """Drives the main screens once; with CITYUX_SCREENSHOT_DIR set, saves the README images."""
    page.goto(city_site.url)
    screenshot(page, "site-home-with-consent-banner")
    _choose(page, "Accept all")
    log_in(page, city_site.url, "admin")
    page.goto(city_site.url + "/admin/cityux/")
    assert page.get_by_role("link", name="Public Works").is_visible()
    assert page.locator("#listing-results table tbody tr").count() == 22
    screenshot(page, "admin-hub-overview")
    page.get_by_role("link", name="Public Works").click()
    page.wait_for_url("**/admin/cityux/departments/public-works/")
    assert page.get_by_role("heading", name="Pages of this department").is_visible()
    screenshot(page, "admin-hub-department")
