"""The connector interface: fetch new public posts from a source, reply to one of them."""

import datetime
import os
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from ..conf import social_setting


class FetchFailed(Exception):
    """A source could not be read; the message says why in words staff can act on."""


class ReplyFailed(Exception):
    """A reply could not be posted; the message says why."""


@dataclass
class IncomingPost:
    """A post as a connector read it, before it is stored."""

    external_id: str
    author_handle: str = ""
    author_name: str = ""
    author_followers: int = 0
    text: str = ""
    url: str = ""
    posted_at: datetime.datetime | None = None
    language: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    raw: dict = field(default_factory=dict)


class Connector:
    """One source kind. Subclasses implement `fetch` and `reply`.

    `fetch` returns the posts newer than `source.cursor` and sets `source.cursor` (in memory:
    the caller saves it once the posts are stored, so a failed store never skips posts). It is
    bounded: it returns after `max_posts` posts or `max_seconds`, whichever comes first.
    Records it had to skip are described in `self.problems`.
    """

    # Config keys a source of this kind must have; a tuple means "one of these".
    required_config = ()

    def __init__(self, source):
        self.source = source
        self.config = source.config or {}
        self.problems = []

    @property
    def max_posts(self):
        return int(self.config.get("max_posts") or social_setting("FETCH_MAX_POSTS"))

    @property
    def max_seconds(self):
        return float(self.config.get("max_seconds") or social_setting("FETCH_MAX_SECONDS"))

    @property
    def timeout(self):
        return float(self.config.get("timeout") or social_setting("HTTP_TIMEOUT"))

    def secret(self, key):
        """The credential in the environment variable that config[key] names ('' if unset)."""
        variable = self.config.get(key)
        return os.environ.get(variable, "") if variable else ""

    def require_config(self, *keys):
        missing = [key for key in keys if not self.config.get(key)]
        if missing:
            raise FetchFailed(
                f"The {self.source.get_kind_display()} source “{self.source}” needs "
                + ", ".join(f'"{key}"' for key in missing)
                + " in its configuration."
            )

    def fetch(self):
        raise NotImplementedError

    def reply(self, post, text):
        raise NotImplementedError


_SECRET_WORDS = ("token", "password", "secret", "key")


def config_problems(kind, config):
    """What is wrong with a source's config, in sentences (empty when it is fine)."""
    if not isinstance(config, dict):
        return ["The configuration must be a JSON object."]
    problems = []
    for key in config:
        if any(word in key.lower() for word in _SECRET_WORDS) and not key.endswith("_env"):
            problems.append(
                f"“{key}” looks like a credential: put it in an environment variable and name "
                f"that variable in “{key}_env” instead."
            )
    try:
        connector_class = import_string(social_setting("CONNECTORS")[kind])
    except (KeyError, ImportError):
        return [*problems, f"No connector is configured for sources of kind “{kind}”."]
    for keys in connector_class.required_config:
        options = keys if isinstance(keys, tuple) else (keys,)
        if not any(config.get(option) for option in options):
            problems.append(
                "The configuration needs " + " or ".join(f"“{o}”" for o in options) + "."
            )
    return problems


def connector_for(source):
    """The connector configured (setting CITYUX_SOCIAL["CONNECTORS"]) for the source's kind."""
    try:
        path = social_setting("CONNECTORS")[source.kind]
    except KeyError:
        raise FetchFailed(
            f"No connector is configured for sources of kind “{source.kind}”."
        ) from None
    return import_string(path)(source)


def parse_time(value):
    """An aware datetime from an ISO 8601 string (a trailing Z allowed), or None."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def http_error(response, what):
    """A FetchFailed / ReplyFailed message for an HTTP error response, in the API's words."""
    detail = (response.text or "").strip().replace("\n", " ")[:300]
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        words = [str(body[k]) for k in ("error", "title", "message", "detail") if body.get(k)]
        detail = ": ".join(dict.fromkeys(words)) or detail
    url = response.url.split("?")[0]
    return f"{what}: HTTP {response.status_code} from {url}" + (f" — {detail}" if detail else "")
