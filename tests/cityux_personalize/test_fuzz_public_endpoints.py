"""Fuzz of the personalisation endpoints anyone can call: drafts, resume codes, My data.

For every hostile request: never a 5xx; the JSON endpoint's error is JSON with a message, a
form's error is its page with the error summary; a refused request stores (or deletes) nothing.
"""

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cityux_personalize.models import FormDraft, ResumeCode, VisitorProfile
from tests.cityux_personalize.test_resume import build_form_page, visit
from tests.hostile import DEEP_ARRAY, DEEP_OBJECT, content_types, hostile_json

fuzz = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
form_values = st.text(max_size=80) | st.sampled_from(["\x00", "yes", "AAAA-AAAA", "x" * 5000])
form_bodies = st.dictionaries(
    st.sampled_from(["code", "email", "confirm", "withdraw", "fields", "x\x00"]),
    form_values | st.lists(form_values, max_size=3),
    max_size=4,
)


@pytest.fixture
def resident(form_page_ready):
    return form_page_ready[0]


@pytest.fixture
def form_page_ready(make_visitor, settings):
    settings.CITYUX_PERSONALIZE = {
        "RESUME_MAX_FAILURES": 10**6,
        "RESUME_MAX_FAILURES_PER_ADDRESS": 10**6,
        "RESUME_CODES_PER_HOUR": 10**6,
    }
    page = build_form_page()
    client = make_visitor()
    visit(client, page)
    client.post(
        f"/cityux/resume/drafts/{page.pk}/",
        json.dumps({"fields": {"business_name": "Bakery"}}),
        content_type="application/json",
    )
    return client, page


def stored():
    return [
        FormDraft.objects.count(),
        ResumeCode.objects.count(),
        ResumeCode.objects.filter(used_at__isnull=False).count(),
        VisitorProfile.objects.count(),
    ]


def assert_json_refusal(response, before):
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json"
        assert isinstance(response.json()["error"], str) and response.json()["error"]
        assert stored() == before


def assert_form_refusal(response, before, unparseable_is_bad_request=False):
    """A 4xx page that says what is wrong; Django's own 400 for a body that is no form."""
    assert response.status_code < 500
    if response.status_code >= 400:
        page = response.content.decode()
        assert 'class="error-summary"' in page or (
            unparseable_is_bad_request and "Bad Request (400)" in page
        )
        assert stored() == before


@fuzz
@given(data=st.data())
def test_a_draft_never_fails_on_a_hostile_body(form_page_ready, data):
    client, page = form_page_ready
    body = data.draw(hostile_json({"fields": {"business_name": "Bakery", "comments": "x"}}))
    before = stored()
    response = client.generic(
        "POST", f"/cityux/resume/drafts/{page.pk}/", body, content_type=data.draw(content_types)
    )
    assert_json_refusal(response, before)


@fuzz
@given(data=st.data())
def test_draft_field_values_never_fail(form_page_ready, data):
    client, page = form_page_ready
    raw = data.draw(hostile_json({"business_name": "Bakery"}, extra_keys=("comments", "kind")))
    body = b'{"fields": %s}' % raw
    before = stored()
    response = client.post(
        f"/cityux/resume/drafts/{page.pk}/", body, content_type="application/json"
    )
    assert_json_refusal(response, before)


@fuzz
@given(fields=form_bodies)
def test_entering_a_code_never_fails_on_a_hostile_form(resident, fields):
    before = stored()
    assert_form_refusal(resident.post("/cityux/resume/", fields), before)


@fuzz
@given(body=hostile_json({"code": "AAAA-AAAA"}), content_type=content_types)
def test_entering_a_code_never_fails_on_a_body_that_is_no_form(resident, body, content_type):
    before = stored()
    response = resident.generic("POST", "/cityux/resume/", body, content_type=content_type)
    assert_form_refusal(response, before, unparseable_is_bad_request=True)


@fuzz
@given(fields=form_bodies)
def test_asking_for_a_code_never_fails_on_a_hostile_form(form_page_ready, fields):
    client, page = form_page_ready
    before = stored()
    response = client.post(f"/cityux/resume/codes/{page.pk}/", fields)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "e-mail address" in response.content.decode()
        assert stored() == before


@fuzz
@given(fields=form_bodies)
def test_my_data_never_fails_and_deletes_nothing_unconfirmed(resident, fields):
    before = stored()
    response = resident.post("/cityux/my-data/", fields)
    assert response.status_code < 500
    confirm = fields.get("confirm")
    if isinstance(confirm, list):  # a repeated field: Django reads the last value
        confirm = confirm[-1] if confirm else None
    if confirm != "yes":
        assert response.status_code == 400
        assert 'class="error-summary"' in response.content.decode()
        assert stored() == before


# -- the errors name the field ----------------------------------------------------------------


@pytest.mark.parametrize("nesting", [DEEP_ARRAY, DEEP_OBJECT])
def test_a_deeply_nested_draft_is_a_json_400(form_page_ready, nesting):
    client, page = form_page_ready
    before = stored()
    body = f'{{"fields": {{"business_name": {nesting}}}}}'
    response = client.post(
        f"/cityux/resume/drafts/{page.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "nested too deeply" in response.json()["error"]
    assert stored() == before


@pytest.mark.parametrize("value", ["1", "{}", "[1]", '"a\\u0000b"', "null"])
def test_a_wrong_draft_value_is_a_400_naming_the_field(form_page_ready, value):
    client, page = form_page_ready
    body = f'{{"fields": {{"business_name": {value}}}}}'
    response = client.post(
        f"/cityux/resume/drafts/{page.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "business_name" in response.json()["error"]
    assert FormDraft.objects.get().data == {"business_name": "Bakery"}


def test_an_unknown_draft_key_is_named(form_page_ready):
    client, page = form_page_ready
    response = client.post(
        f"/cityux/resume/drafts/{page.pk}/", '{"fields": {}, "extra": 1}',
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "`extra`" in response.json()["error"]
