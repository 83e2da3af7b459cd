"""Resume on any device and "delete my data", in a real browser on the reference site."""

import pytest

from cityux_personalize.models import (
    Conversion,
    Exposure,
    FormDraft,
    ResumeCode,
    VisitorProfile,
)
from tests.e2e.helpers import (
    accept_all,
    axe_violations,
    delete_my_data,
    licence_form_url,
    open_my_data,
)

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAL_TABLES = (VisitorProfile, FormDraft, ResumeCode, Exposure, Conversion)


def type_business_name(page, name):
    """Type into the form and wait until the draft was saved."""
    with page.expect_response(lambda r: "/cityux/resume/drafts/" in r.url) as saved:
        page.get_by_label("Business name").fill(name)
    assert saved.value.status == 200


def test_a_draft_started_in_one_browser_is_restored_in_another_with_the_code(
    city_site, new_context, screenshot
):
    laptop = new_context().new_page()
    laptop.goto(licence_form_url(city_site))
    accept_all(laptop)
    type_business_name(laptop, "Riverside Bakery")
    laptop.get_by_role("button", name="Get a code").click()
    code = laptop.locator(".cityux-resume__code").inner_text()
    assert len(code) == 9 and code[4] == "-"
    assert axe_violations(laptop, "[data-cityux-resume]") == []
    screenshot(laptop, "resume-code")

    phone = new_context(viewport={"width": 375, "height": 740}).new_page()
    phone.goto(f"{city_site.url}/cityux/resume/")
    accept_all(phone)
    phone.get_by_label("Your code").fill(code.lower())
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continue").click()

    assert phone.url == licence_form_url(city_site)
    assert phone.get_by_label("Business name").input_value() == "Riverside Bakery"
    assert phone.get_by_role("status").filter(has_text="We filled in").is_visible()
    assert VisitorProfile.objects.filter(merged_into__isnull=False).count() == 1


def test_the_code_cannot_be_used_twice(city_site, new_context):
    laptop = new_context().new_page()
    laptop.goto(licence_form_url(city_site))
    accept_all(laptop)
    type_business_name(laptop, "Riverside Bakery")
    # By keyboard: from the e-mail field, Tab to "Get a code" and press Enter.
    laptop.get_by_label("E-mail me the code").focus()
    laptop.keyboard.press("Tab")
    assert laptop.evaluate("document.activeElement.textContent.trim()") == "Get a code"
    laptop.keyboard.press("Enter")
    code = laptop.locator(".cityux-resume__code").inner_text()
    # The result takes the focus, so a screen reader reads the code out.
    assert laptop.evaluate("document.activeElement.id") == "cityux-resume-result"

    phone = new_context().new_page()
    phone.goto(f"{city_site.url}/cityux/resume/?code={code}")
    accept_all(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continue").click()

    tablet = new_context().new_page()
    tablet.goto(f"{city_site.url}/cityux/resume/?code={code}")
    accept_all(tablet)
    with tablet.expect_navigation():
        tablet.get_by_role("button", name="Continue").click()
    assert tablet.get_by_role("alert").filter(has_text="already used").is_visible()


def test_without_consent_the_form_saves_nothing(city_site, page):
    page.goto(licence_form_url(city_site))
    with page.expect_navigation():
        page.get_by_role("button", name="Decline").click()
    page.get_by_label("Business name").fill("Riverside Bakery")
    page.wait_for_timeout(1200)  # longer than the save delay: nothing may be sent
    assert not page.get_by_role("heading", name="Continue on another device").count()
    assert not FormDraft.objects.exists() and not VisitorProfile.objects.exists()


def row_counts():
    return {model.__name__: model.objects.count() for model in PERSONAL_TABLES}


def test_delete_my_data_removes_every_row(city_site, page, screenshot):
    demo_rows = row_counts()  # the demo's own exposures and conversions, of other visitors
    page.goto(licence_form_url(city_site))
    accept_all(page)
    type_business_name(page, "Riverside Bakery")
    page.get_by_role("button", name="Get a code").click()
    page.locator(".cityux-resume__code").wait_for()
    before = row_counts()
    assert before["VisitorProfile"] == demo_rows["VisitorProfile"] + 1
    assert before["FormDraft"] == demo_rows["FormDraft"] + 1
    assert before["ResumeCode"] == demo_rows["ResumeCode"] + 1

    open_my_data(page, city_site.url)
    assert page.get_by_role("heading", name="Forms you started").is_visible()
    assert page.get_by_text("Riverside Bakery").is_visible()
    assert axe_violations(page, "main") == []
    screenshot(page, "my-data")
    delete_my_data(page)
    assert row_counts() == demo_rows
    assert "cityux_vid" not in {cookie["name"] for cookie in page.context.cookies()}
