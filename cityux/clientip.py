"""The resident's address, as every CityUX rate limit and lockout keys it.

Behind a reverse proxy (nginx, a load balancer, a CDN) `REMOTE_ADDR` is the proxy's address:
keyed on it, the whole city would share one limit. Each proxy appends the address it received
the request from to `X-Forwarded-For`, so with `CITYUX_TRUSTED_PROXY_COUNT = n` proxies in
front of Django the client is the n-th address from the right, as Django REST framework's
`NUM_PROXIES` reads it::

    X-Forwarded-For: <anything the client sent>, <client>, <proxy 1>, ..., <proxy n-1>
    REMOTE_ADDR: <proxy n>

The header is ignored unless proxies are trusted (the default is 0): otherwise any client
could pick its own key by sending one.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from .conf import cityux_setting

_known = {}


def trusted_proxy_count():
    """`CITYUX_TRUSTED_PROXY_COUNT`: how many reverse proxies stand in front of Django."""
    # Read once, not on every collect request (a missing setting costs an exception to read).
    if "count" in _known:
        return _known["count"]
    count = cityux_setting("TRUSTED_PROXY_COUNT")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ImproperlyConfigured(
            f"CITYUX_TRUSTED_PROXY_COUNT must be a whole number of proxies (0 or more), "
            f"not {count!r}."
        )
    _known["count"] = count
    return count


@receiver(setting_changed)
def forget_proxy_count(setting, **kwargs):
    if setting == "CITYUX_TRUSTED_PROXY_COUNT":
        _known.clear()


def _address(text):
    """`text` as a normalised IP address (a port or IPv6 brackets removed), or None."""
    text = text.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request):
    """The client's address: `REMOTE_ADDR`, or the trusted proxies' record of it."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    proxies = trusted_proxy_count()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR") if proxies else None
    if not forwarded:
        return remote  # no proxy trusted, or the request did not come through one
    hops = forwarded.split(",")
    # Fewer hops than proxies: the request skipped the outer ones; the first hop is the best.
    return _address(hops[-min(proxies, len(hops))]) or remote
