"""Cache headers: a response shaped by a visitor's profile must never reach another visitor.

- Content chosen with the profile: `Cache-Control: private` (shared caches must not store it)
  and `Vary: Cookie`.
- A page with personalised blocks rendered with the default content (no consent): cacheable,
  but `Vary: Cookie`, so a cache never hands that default to a visitor with other cookies
  (who may have consented) without asking the server.
- A response showing a flash message ("Saved: ...") or setting / deleting the visitor cookie:
  private, like personalised content.
- Everything else is left as it is: cacheable.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers


def mark_personalised(request):
    """The response depends on this visitor's profile."""
    request._cityux_personalised = True


def mark_personalisable(request):
    """The response has content that would differ for a visitor with another profile."""
    request._cityux_personalisable = True


def patch_personalised_response(request, response, sets_visitor_cookie=False):
    """Add Vary / Cache-Control as the module docstring says."""
    # A "Saved: ..." message shown on the page is as personal as a variant.
    shown_message = getattr(getattr(request, "_messages", None), "used", False)
    if getattr(request, "_cityux_personalised", False) or sets_visitor_cookie or shown_message:
        patch_vary_headers(response, ["Cookie"])
        patch_cache_control(response, private=True)
    elif getattr(request, "_cityux_personalisable", False):
        patch_vary_headers(response, ["Cookie"])
