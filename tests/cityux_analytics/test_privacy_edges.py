"""Each rule of URL scrubbing redacts on its own (issue 19: swapping an `or` for an `and` in
`_looks_private` went unnoticed, as every test value broke two rules at once)."""

import pytest

from cityux_analytics.privacy import scrub_url


@pytest.mark.parametrize(
    "query",
    [
        "name=Jane",  # a private-sounding key, an innocent-looking value
        "q=jane@example.org",  # an e-mail address under an innocent key
        "q=303-555-0199",  # a phone number under an innocent key
        "ref=a1b2c3d4e5f6a7b8c9d0",  # a token under an innocent key
    ],
)
def test_each_kind_of_private_value_is_redacted_on_its_own(query):
    key = query.split("=")[0]
    assert scrub_url(f"/search/?{query}") == f"/search/?{key}=redacted"


def test_an_innocent_key_and_value_are_kept():
    assert scrub_url("/search/?q=pool&page=2") == "/search/?q=pool&page=2"


def test_a_blank_value_is_kept_as_blank():
    assert scrub_url("/search/?q=&page=2") == "/search/?q=&page=2"
