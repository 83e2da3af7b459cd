"""Fuzz of the cookie-choice endpoints: never a 5xx, an unknown action is a JSON 400 naming it,
and a refused choice records nothing."""

from urllib.parse import urlsplit

import pytest
from cookie_consent.models import LogItem
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.hostile import content_types, hostile_json

fuzz = hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
texts = st.text(max_size=60) | st.sampled_from(["\x00", "save", "accept_all", "//evil.example"])
choices = st.fixed_dictionaries(
    {},
    optional={
        "action": texts,
        "groups": st.lists(texts | st.sampled_from(["analytics", "personalization"]), max_size=4),
        "next": texts | st.sampled_from(["/ok/", "https://evil.example/", "/\x00/"]),
    },
)


@fuzz
@given(form=choices, fetch=st.booleans())
def test_a_cookie_choice_never_fails_and_a_refused_one_records_nothing(client, city, form, fetch):
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    before = LogItem.objects.count()
    response = client.post("/cityux/cookies/", form, headers=headers)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "action" in response.json()["error"].lower()
        assert LogItem.objects.count() == before
    elif response.status_code == 302:
        assert urlsplit(response["Location"]).netloc in ("", "testserver")  # no open redirect


@fuzz
@given(body=hostile_json({"action": "save"}), content_type=content_types)
def test_a_body_that_is_no_form_never_fails(client, city, body, content_type):
    response = client.generic("POST", "/cityux/cookies/", body, content_type=content_type)
    assert response.status_code < 500


@pytest.mark.parametrize("action", ["delete_everything", "\x00", ""])
def test_an_unknown_action_is_a_json_400_naming_it(client, city, action):
    response = client.post("/cityux/cookies/", {"action": action})
    assert response.status_code == 400 and "action" in response.json()["error"].lower()
    assert not LogItem.objects.exists()
