"""One place that makes HTTP calls for the connectors, with timeouts and plain-word errors."""

import requests

from .base import http_error

USER_AGENT = "CityUX social inbox (+https://github.com/cityux)"


def session(token=None):
    """A requests Session with the CityUX user agent and, if given, a bearer token."""
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    if token:
        http.headers["Authorization"] = f"Bearer {token}"
    return http


def call(http, method, url, error, what, timeout, **kwargs):
    """`http.request(...)`; raises `error(message)` on a network failure or an HTTP error."""
    try:
        response = http.request(method, url, timeout=timeout, **kwargs)
    except requests.RequestException as failure:
        raise error(f"{what}: could not reach {url} ({failure.__class__.__name__})") from failure
    if response.status_code >= 400:
        raise error(http_error(response, what))
    return response


def json_of(response, error, what):
    try:
        return response.json()
    except ValueError as failure:
        raise error(f"{what}: {response.url} did not answer JSON") from failure
