"""Declining a group deletes its cookies where they were set, domain included (issue 19).

A cookie set for a parent domain (`.city.example`, shared by the city's sites) is only removed
by a deletion for that same domain; one without a domain would leave it in the browser.
"""

import pytest
from cookie_consent.models import Cookie, CookieGroup

from cityux.consent import ANALYTICS

pytestmark = pytest.mark.django_db


def _decline_all(client):
    return client.post("/cityux/cookies/", {"action": "decline_all", "groups": [], "next": "/"})


def test_declining_deletes_a_cookie_set_for_a_parent_domain_on_that_domain(client, city):
    Cookie.objects.create(
        cookiegroup=CookieGroup.objects.get(varname=ANALYTICS),
        name="cityux_shared",
        domain=".city.example",
        path="/services/",
    )

    deletion = _decline_all(client).cookies["cityux_shared"]

    assert deletion["max-age"] == 0
    assert (deletion["domain"], deletion["path"]) == (".city.example", "/services/")


def test_declining_deletes_a_cookie_without_domain_on_the_current_host(client, city):
    deletion = _decline_all(client).cookies["cityux_vid"]

    assert deletion["max-age"] == 0
    assert deletion["domain"] == ""
