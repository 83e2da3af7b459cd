"""Content-Security-Policy and Permissions-Policy headers (cityux.middleware)."""

import pytest

from cityux.middleware import permissions_policy_header

pytestmark = pytest.mark.django_db

COOKIE_PAGE = "/cityux/cookies/"


def directives(response):
    """{"script-src": ["'self'", …], …} from the response's Content-Security-Policy."""
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_the_public_site_allows_only_its_own_scripts(client):
    policy = directives(client.get(COOKIE_PAGE))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_admin_allows_the_inline_scripts_and_styles_wagtail_writes(client):
    policy = directives(client.get("/admin/login/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]


def test_without_an_admin_policy_the_admin_gets_the_sites_policy(client, settings):
    settings.CITYUX_ADMIN_CONTENT_SECURITY_POLICY = None
    assert directives(client.get("/admin/login/"))["script-src"] == ["'self'"]


def test_every_response_sends_the_permissions_policy(client):
    header = client.get(COOKIE_PAGE)["Permissions-Policy"]
    assert "camera=()" in header
    assert "geolocation=(self)" in header


def test_an_empty_permissions_policy_setting_sends_no_header(client, settings):
    settings.CITYUX_PERMISSIONS_POLICY = {}
    assert "Permissions-Policy" not in client.get(COOKIE_PAGE)


def test_permissions_policy_quotes_origins_and_keeps_keywords_bare():
    policy = {"camera": [], "geolocation": ["self", "https://maps.example"], "fullscreen": ["*"]}
    assert permissions_policy_header(policy) == (
        'camera=(), geolocation=(self "https://maps.example"), fullscreen=(*)'
    )
