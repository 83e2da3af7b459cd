"""Security headers: a Content-Security-Policy for the site and one for the Wagtail admin, and a
Permissions-Policy.

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "cityux.middleware.PermissionsPolicyMiddleware",
        "cityux.middleware.ContentSecurityPolicyMiddleware",  # instead of csp.middleware's
        ...
    ]
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": {...}}               # the public site (django-csp)
    CITYUX_ADMIN_CONTENT_SECURITY_POLICY = {"DIRECTIVES": {...}}  # the Wagtail admin
    CITYUX_PERMISSIONS_POLICY = {"camera": [], "geolocation": ["self"]}

The public site runs no inline script without the request's nonce. Wagtail's admin still writes
inline scripts and styles of its own (date pickers, inline panels), so it gets its own, looser
policy; without `CITYUX_ADMIN_CONTENT_SECURITY_POLICY` the site's policy applies there too.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Features no CityUX page uses are switched off; the resident's own location is asked for by
# the "choose your area" page, and the replay player offers full screen.
DEFAULT_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}


def is_admin_request(request):
    """Whether the request is for a page under the Wagtail admin's URL prefix."""
    try:
        prefix = reverse("wagtailadmin_home")
    except NoReverseMatch:
        return False
    return request.path_info.startswith(prefix)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with `CITYUX_ADMIN_CONTENT_SECURITY_POLICY` under the admin."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin_policy = getattr(settings, "CITYUX_ADMIN_CONTENT_SECURITY_POLICY", None)
        # A view's own @csp decorator (parts.config) still wins over both policies.
        if not report_only and admin_policy and parts.config is None and is_admin_request(request):
            return PolicyParts(
                default_config(admin_policy.get("DIRECTIVES", {})),
                parts.update,
                parts.replace,
                parts.nonce,
            )
        return parts


def permissions_policy_header(policy):
    """`{"camera": [], "fullscreen": ["self"]}` as `camera=(), fullscreen=(self)`."""
    features = []
    for feature, allowlist in policy.items():
        # Keywords are tokens, origins quoted strings (RFC 8941 structured fields).
        items = [item if item in ("self", "*") else f'"{item}"' for item in allowlist]
        features.append(f"{feature}=({' '.join(items)})")
    return ", ".join(features)


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` from `CITYUX_PERMISSIONS_POLICY` (a dict; empty sends none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CITYUX_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy_header(policy)
        return response
