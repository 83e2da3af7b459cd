"""Resume on any device: drafts, one-time codes, and profiles joined by a code or by signing in."""

import datetime
import hashlib
import json
import re

import pytest
from django import forms
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, Site

from cityux.site.models import FormField, FormPage, HomePage, SectionPage
from cityux_personalize import drafts, resume
from cityux_personalize.conf import DEFAULTS as personalize_defaults
from cityux_personalize.conf import VISITOR_COOKIE
from cityux_personalize.models import FormDraft, ResumeCode, VisitorProfile
from tests.cityux_personalize.conftest import choose

CODE_IN_TEXT = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")


def build_form_page():
    """A minimal reference site with one form page (two text fields and a choice)."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Riverton", slug="riverton-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost"}
    )
    section = home.add_child(instance=SectionPage(title="Business", slug="business"))
    page = FormPage(
        title="Apply for a business licence",
        slug="apply",
        form_fields=[
            FormField(sort_order=0, label="Business name", field_type="singleline"),
            FormField(sort_order=1, label="Comments", field_type="multiline", required=False),
            FormField(
                sort_order=2, label="Kind", field_type="dropdown", choices="Shop\nRestaurant"
            ),
        ],
    )
    section.add_child(instance=page)
    return page


@pytest.fixture
def form_page(city):
    return build_form_page()


def profile_of(client):
    return VisitorProfile.objects.get(visitor_id=client.cookies[VISITOR_COOKIE].value)


def visit(client, page):
    """Open the form page (which gives a consenting visitor a profile)."""
    response = client.get(page.url)
    assert response.status_code == 200
    return response


def save(client, page, fields, **headers):
    return client.post(
        f"/cityux/resume/drafts/{page.pk}/",
        json.dumps({"fields": fields}),
        content_type="application/json",
        **headers,
    )


# -- codes ----------------------------------------------------------------------------------------


def test_a_code_carries_at_least_40_bits_from_an_unambiguous_alphabet():
    assert resume.code_bits() >= 40
    assert not set("ILOU") & set(resume.ALPHABET)
    code = resume.new_code()
    assert len(code) == 8 and set(code) <= set(resume.ALPHABET)


def test_codes_come_from_a_secure_random_source_and_do_not_repeat():
    codes = {resume.new_code() for _ in range(2000)}
    assert len(codes) == 2000


@pytest.mark.parametrize("typed", ["7kq2-m9xd", " 7KQ2 M9XD ", "7KQ2M9XD"])
def test_typing_is_forgiving_about_case_spaces_and_dashes(typed):
    assert resume.normalize_code(typed) == "7KQ2M9XD"


def test_lookalike_letters_count_as_digits():
    assert resume.normalize_code("OI2L-ABCD") == "0121ABCD"


@pytest.mark.parametrize("typed", ["", "7KQ2-M9X", "7KQ2-M9XDD", "7KQ2-M9X!", None])
def test_something_that_cannot_be_a_code_is_rejected(typed):
    assert resume.normalize_code(typed) is None


def test_only_a_keyed_hash_of_the_code_is_stored(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    issued = resume.issue_code(profile_of(client), form_page)
    stored = ResumeCode.objects.get()
    assert stored.code_hash == resume.hash_code(issued.code)
    assert issued.code not in stored.code_hash
    assert stored.code_hash != hashlib.sha256(issued.code.encode()).hexdigest()


def test_a_code_works_only_once(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    issued = resume.issue_code(profile_of(client), form_page)
    assert resume.redeem_code(issued.display, resume.attempt_limits("a")).used_at is not None
    with pytest.raises(resume.ResumeError, match="already used"):
        resume.redeem_code(issued.display, resume.attempt_limits("a"))


def test_a_code_expires_after_the_configured_minutes(form_page, make_visitor, settings):
    settings.CITYUX_PERSONALIZE = {"RESUME_CODE_MINUTES": 5}
    client = make_visitor()
    visit(client, form_page)
    issued = resume.issue_code(profile_of(client), form_page)
    assert issued.resume_code.expires_at - issued.resume_code.created == datetime.timedelta(
        minutes=5
    )
    later = timezone.now() + datetime.timedelta(minutes=6)
    with pytest.raises(resume.ResumeError, match="expired"):
        resume.redeem_code(issued.code, resume.attempt_limits("a"), now=later)


def test_wrong_codes_lock_out_the_visitor_even_for_the_right_code(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    issued = resume.issue_code(profile_of(client), form_page)
    for number in range(personalize_defaults["RESUME_MAX_FAILURES"]):
        with pytest.raises(resume.ResumeError, match="not right"):
            resume.redeem_code("AAAA-AAAA", resume.attempt_limits(f"address-{number}", "v1"))
    with pytest.raises(resume.ResumeError, match="Too many wrong codes"):
        resume.redeem_code(issued.code, resume.attempt_limits("address-new", "v1"))
    assert ResumeCode.objects.get().used_at is None
    # Another visitor at another address is not locked out.
    assert resume.redeem_code(issued.code, resume.attempt_limits("b", "v2")).used_at is not None


def test_wrong_codes_lock_out_the_address_for_every_visitor_there(form_page, make_visitor):
    for number in range(personalize_defaults["RESUME_MAX_FAILURES_PER_ADDRESS"]):
        with pytest.raises(resume.ResumeError, match="not right"):
            resume.redeem_code("AAAA-AAAA", resume.attempt_limits("office", f"visitor-{number}"))
    with pytest.raises(resume.ResumeError, match="Too many wrong codes"):
        resume.redeem_code("BBBB-BBBB", resume.attempt_limits("office", "visitor-new"))


def test_entering_codes_is_locked_out_over_http_too(form_page, make_visitor):
    client = make_visitor()
    for _ in range(personalize_defaults["RESUME_MAX_FAILURES"]):
        client.post("/cityux/resume/", {"code": "AAAA-AAAA"})
    response = client.post("/cityux/resume/", {"code": "AAAA-AAAA"})
    assert "Too many wrong codes" in response.content.decode()


def test_a_refused_right_code_counts_its_attempts(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    issued = resume.issue_code(profile_of(client), form_page)
    resume.redeem_code(issued.code, resume.attempt_limits("a"))
    with pytest.raises(resume.ResumeError):
        resume.redeem_code(issued.code, resume.attempt_limits("b"))
    assert ResumeCode.objects.get().attempts == 2


# -- drafts ---------------------------------------------------------------------------------------


class SignUpForm(forms.Form):
    name = forms.CharField()
    secret = forms.CharField(widget=forms.PasswordInput)
    photo = forms.FileField()
    picture = forms.ImageField()
    token = forms.CharField(widget=forms.HiddenInput)
    topics = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])


def test_a_draft_never_keeps_file_password_or_hidden_fields():
    assert drafts.draftable_fields(SignUpForm) == {"name", "topics"}


def test_cleaning_drops_fields_the_form_does_not_offer():
    data = drafts.clean_draft(
        {"name": "Ada", "secret": "hunter2", "photo": "x", "topics": ["a"], "nope": 1},
        drafts.draftable_fields(SignUpForm),
        10_000,
    )
    assert data == {"name": "Ada", "topics": ["a"]}


def test_a_draft_over_the_size_cap_is_refused():
    with pytest.raises(drafts.DraftError, match="too long"):
        drafts.clean_draft({"name": "x" * 3000}, {"name"}, 1000)


def test_a_draft_is_saved_as_the_resident_types_with_consent(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    response = save(client, form_page, {"business_name": "Bakery", "kind": "Shop"})
    assert response.status_code == 200
    assert FormDraft.objects.get().data == {"business_name": "Bakery", "kind": "Shop"}


def test_no_draft_is_saved_without_consent(form_page, make_visitor):
    client = make_visitor(consent=False)
    response = save(client, form_page, {"business_name": "Bakery"})
    assert response.status_code == 403
    assert "Cookie settings" in response.json()["error"]
    assert not FormDraft.objects.exists() and not VisitorProfile.objects.exists()


def test_no_draft_is_saved_with_global_privacy_control(form_page, make_visitor):
    client = make_visitor()
    response = save(client, form_page, {"business_name": "Bakery"}, HTTP_SEC_GPC="1")
    assert response.status_code == 403
    assert not FormDraft.objects.exists()


def test_the_server_drops_a_password_the_browser_sent_anyway(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    save(client, form_page, {"business_name": "Bakery", "password": "hunter2"})
    assert FormDraft.objects.get().data == {"business_name": "Bakery"}


def test_a_too_large_draft_gets_a_clear_413(form_page, make_visitor, settings):
    settings.CITYUX_PERSONALIZE = {"DRAFT_MAX_BYTES": 200}
    client = make_visitor()
    visit(client, form_page)
    response = save(client, form_page, {"comments": "x" * 500})
    assert response.status_code == 413
    assert "too long" in response.json()["error"]
    assert not FormDraft.objects.exists()


def test_a_draft_of_a_page_that_is_not_a_form_is_404(form_page, make_visitor):
    client = make_visitor()
    response = save(client, form_page.get_parent(), {"x": "y"})
    assert response.status_code == 404


def test_sending_the_form_clears_its_draft(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    save(client, form_page, {"business_name": "Bakery"})
    response = client.post(form_page.url, {"business_name": "Bakery", "kind": "Shop"})
    assert response.status_code == 200 and "form_submission" in response.context
    assert not FormDraft.objects.exists()


def test_a_form_sent_back_with_errors_keeps_its_draft(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    save(client, form_page, {"business_name": "Bakery"})
    client.post(form_page.url, {"business_name": ""})
    assert FormDraft.objects.exists()


def test_the_form_page_offers_the_tools_only_with_consent(form_page, make_visitor):
    with_consent = visit(make_visitor(), form_page).content.decode()
    without = visit(make_visitor(consent=False), form_page).content.decode()
    assert "Continue on another device" in with_consent and "resume.js" in with_consent
    assert "Continue on another device" not in without and "resume.js" not in without


# -- another device -------------------------------------------------------------------------------


def sign_in(client, username="ada", password="pw"):
    """Sign in through the admin's login form, as a resident's browser would (with its cookies)."""
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return response


def get_code(client, page, **data):
    response = client.post(f"/cityux/resume/codes/{page.pk}/", data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_code_on_another_device_joins_the_profiles_and_restores_the_draft(
    form_page, make_visitor
):
    laptop, phone = make_visitor(), make_visitor()
    visit(laptop, form_page)
    save(laptop, form_page, {"business_name": "Riverside Bakery"})
    code = get_code(laptop, form_page)
    assert CODE_IN_TEXT.fullmatch(code["code"]) and code["code"] in code["link"]
    visit(phone, form_page)
    phone_profile = profile_of(phone)

    response = phone.post("/cityux/resume/", {"code": code["code"].lower()})

    assert response.status_code == 302 and response["Location"] == form_page.url
    laptop_profile = profile_of(laptop)
    assert phone.cookies[VISITOR_COOKIE].value == str(laptop_profile.visitor_id)
    phone_profile.refresh_from_db()
    assert phone_profile.merged_into == laptop_profile
    page = visit(phone, form_page).content.decode()
    assert "Riverside Bakery" in page and 'id="cityux-resume-draft"' in page


def test_the_link_fills_in_the_code_but_does_not_use_it(form_page, make_visitor):
    laptop = make_visitor()
    visit(laptop, form_page)
    code = get_code(laptop, form_page)
    response = make_visitor().get(code["link"])
    assert code["code"] in response.content.decode()
    assert ResumeCode.objects.get().used_at is None


def test_a_wrong_code_says_so_and_keeps_what_was_typed(form_page, make_visitor):
    response = make_visitor().post("/cityux/resume/", {"code": "AAAA-AAAA"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This code is not right" in page and 'value="AAAA-AAAA"' in page


def test_entering_a_code_without_consent_explains_how_to_turn_it_on(form_page, make_visitor):
    laptop = make_visitor()
    visit(laptop, form_page)
    code = get_code(laptop, form_page)
    response = make_visitor(consent=False).post("/cityux/resume/", {"code": code["code"]})
    assert response.status_code == 400
    assert "Cookie settings" in response.content.decode()
    assert ResumeCode.objects.get().used_at is None


def test_the_code_can_be_emailed_and_the_address_is_not_kept(form_page, make_visitor):
    laptop = make_visitor()
    visit(laptop, form_page)
    code = get_code(laptop, form_page, email="ada@example.org")
    assert code["emailed"]
    assert mail.outbox[0].to == ["ada@example.org"]
    assert code["code"] in mail.outbox[0].body and code["link"] in mail.outbox[0].body
    for model in (ResumeCode, VisitorProfile, FormDraft):
        for row in model.objects.values():
            assert "ada@example.org" not in json.dumps(row, default=str)


def test_a_bad_email_address_is_a_clear_error_and_no_code(form_page, make_visitor):
    laptop = make_visitor()
    visit(laptop, form_page)
    response = laptop.post(
        f"/cityux/resume/codes/{form_page.pk}/", {"email": "ada@"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "not an e-mail address" in response.json()["error"]
    assert not ResumeCode.objects.exists()


def test_without_javascript_the_code_page_shows_the_code(form_page, make_visitor):
    laptop = make_visitor()
    visit(laptop, form_page)
    response = laptop.post(f"/cityux/resume/codes/{form_page.pk}/")
    assert CODE_IN_TEXT.search(response.content.decode())


def test_signing_in_joins_this_device_to_the_accounts_profile(
    form_page, make_visitor, django_user_model
):
    user = django_user_model.objects.create_user(username="ada", password="pw")
    work = make_visitor()
    work.force_login(user)
    visit(work, form_page)
    account_profile = profile_of(work)
    VisitorProfile.objects.filter(pk=account_profile.pk).update(user=user)

    phone = make_visitor()
    visit(phone, form_page)
    save(phone, form_page, {"business_name": "Bakery"})
    phone_profile = profile_of(phone)
    sign_in(phone)

    phone_profile.refresh_from_db()
    assert phone_profile.merged_into_id == account_profile.pk
    assert FormDraft.objects.get().profile_id == account_profile.pk


def test_signing_in_links_a_first_profile_to_the_account(
    form_page, make_visitor, django_user_model
):
    user = django_user_model.objects.create_user(username="ada", password="pw")
    phone = make_visitor()
    visit(phone, form_page)
    sign_in(phone)
    assert profile_of(phone).user == user


def test_signing_in_without_consent_creates_no_profile(form_page, django_user_model):
    django_user_model.objects.create_user(username="ada", password="pw")
    client = choose(Client(), "analytics")
    sign_in(client)
    assert not VisitorProfile.objects.exists()


def test_a_draft_that_is_not_json_gets_a_clear_400(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    response = client.post(
        f"/cityux/resume/drafts/{form_page.pk}/", "fields=1", content_type="application/json"
    )
    assert response.status_code == 400 and "A draft is JSON" in response.json()["error"]
    response = save(client, form_page, ["not", "an", "object"])
    assert response.status_code == 400
    assert not FormDraft.objects.exists()


def test_a_form_page_with_a_draft_is_never_stored_by_a_shared_cache(form_page, make_visitor):
    client = make_visitor()
    visit(client, form_page)
    save(client, form_page, {"business_name": "Riverside Bakery"})
    response = visit(client, form_page)
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
