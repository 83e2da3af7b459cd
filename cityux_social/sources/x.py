"""X (API v2): posts matching the city's filtered-stream rules; replies with `POST /2/tweets`.

Config: `api` (default "https://api.x.com"), `rules` (a list of filtered-stream rule values, e.g.
["pothole -is:retweet", "@CityHelp"]), `bearer_token_env` (app-only token, for the rules and the
stream), `user_token_env` (an OAuth 2.0 user-context token of the city account, for replies),
optional `account` (the city's own username, whose posts are skipped).

The filtered stream is live: a fetch keeps the connection open for at most `max_seconds` or
`max_posts` posts. Posts sent while no fetch is connected are not replayed (that needs X's
paid `backfill_minutes`), so schedule `fetch_sources` often or run it as a long fetch.
The cursor is the id of the newest post read.
"""

import html
import json
import time

import requests

from .base import Connector, FetchFailed, IncomingPost, ReplyFailed, http_error, parse_time
from .http import call, json_of, session

RULE_TAG = "cityux"
STREAM_PARAMS = {
    "tweet.fields": "created_at,lang,author_id,geo,conversation_id",
    "expansions": "author_id,geo.place_id",
    "user.fields": "username,name,public_metrics",
    "place.fields": "full_name,geo",
}


def post_from_message(message):
    """An IncomingPost from one filtered-stream message ({"data", "includes", ...})."""
    tweet = message["data"]
    includes = message.get("includes") or {}
    users = {u["id"]: u for u in includes.get("users", [])}
    places = {p["id"]: p for p in includes.get("places", [])}
    author = users.get(tweet.get("author_id"), {})
    geo = tweet.get("geo") or {}
    latitude = longitude = None
    coordinates = (geo.get("coordinates") or {}).get("coordinates")
    if coordinates and len(coordinates) == 2:
        longitude, latitude = coordinates  # GeoJSON order
    place = places.get(geo.get("place_id"), {})
    username = author.get("username", "")
    return IncomingPost(
        external_id=str(tweet["id"]),
        author_handle=username,
        author_name=author.get("name", ""),
        author_followers=(author.get("public_metrics") or {}).get("followers_count", 0),
        text=html.unescape(tweet.get("text", "")),  # X escapes &, < and > in post text
        url=f"https://x.com/{username or 'i'}/status/{tweet['id']}",
        posted_at=parse_time(tweet.get("created_at")),
        language=tweet.get("lang", ""),
        latitude=latitude,
        longitude=longitude,
        place=place.get("full_name", ""),
        raw=message,
    )


class XConnector(Connector):
    """Keeps the stream rules in line with the config, then reads the stream for a while."""

    required_config = ("rules", "bearer_token_env")

    @property
    def api(self):
        return (self.config.get("api") or "https://api.x.com").rstrip("/")

    def sync_rules(self, http):
        """Add the configured rules the stream lacks; delete CityUX rules no longer configured."""
        url = f"{self.api}/2/tweets/search/stream/rules"
        wanted = list(dict.fromkeys(self.config.get("rules") or []))
        response = call(http, "GET", url, FetchFailed, "X stream rules", self.timeout)
        current = json_of(response, FetchFailed, "X stream rules").get("data") or []
        ours = [rule for rule in current if str(rule.get("tag", "")).startswith(RULE_TAG)]
        stale = [rule["id"] for rule in ours if rule["value"] not in wanted]
        present = {rule["value"] for rule in current}
        missing = [
            {"value": v, "tag": f"{RULE_TAG}:{self.source.slug}"}
            for v in wanted
            if v not in present
        ]
        if stale:
            call(
                http,
                "POST",
                url,
                FetchFailed,
                "X stream rules",
                self.timeout,
                json={"delete": {"ids": stale}},
            )
        if missing:
            response = call(
                http,
                "POST",
                url,
                FetchFailed,
                "X stream rules",
                self.timeout,
                json={"add": missing},
            )
            errors = json_of(response, FetchFailed, "X stream rules").get("errors") or []
            refused = [e for e in errors if e.get("title") != "DuplicateRule"]
            if refused:
                raise FetchFailed(
                    "X refused a stream rule: "
                    + "; ".join(f"{e.get('value', '')}: {e.get('title', '')}" for e in refused)
                )

    def fetch(self):
        token = self.secret("bearer_token_env")
        if not token:
            raise FetchFailed('The X stream needs an app bearer token (config "bearer_token_env").')
        http = session(token)
        self.sync_rules(http)
        own = (self.config.get("account") or "").lstrip("@").lower()
        deadline = time.monotonic() + self.max_seconds
        posts, cursor = [], self.source.cursor
        url = f"{self.api}/2/tweets/search/stream"
        try:
            # The read timeout bounds each wait for a line; the server sends keep-alives.
            read_timeout = min(self.timeout, self.max_seconds)
            with http.get(
                url, params=STREAM_PARAMS, stream=True, timeout=(self.timeout, read_timeout)
            ) as response:
                if response.status_code >= 400:
                    raise FetchFailed(http_error(response, "X stream"))
                for line in response.iter_lines():
                    if line.strip():
                        self._read_line(line, posts, own)
                        if posts:
                            cursor = posts[-1].external_id
                    if len(posts) >= self.max_posts or time.monotonic() >= deadline:
                        break
        except (requests.ConnectionError, requests.Timeout) as error:
            if not posts and not isinstance(error, requests.ReadTimeout):
                raise FetchFailed(
                    f"X stream: could not read {url} ({error.__class__.__name__})"
                ) from error
        self.source.cursor = cursor or ""
        return posts

    def _read_line(self, line, posts, own):
        try:
            message = json.loads(line)
        except ValueError:
            self.problems.append("The X stream sent a line that is not JSON; skipped")
            return
        if "data" not in message:
            if message.get("errors"):
                self.problems.append(
                    "X stream: " + "; ".join(e.get("title", "") for e in message["errors"])
                )
            return
        post = post_from_message(message)
        if not (own and post.author_handle.lower() == own):
            posts.append(post)

    def reply(self, post, text):
        token = self.secret("user_token_env")
        if not token:
            raise ReplyFailed('X replies need a user-context token (config "user_token_env").')
        response = call(
            session(token),
            "POST",
            f"{self.api}/2/tweets",
            ReplyFailed,
            "X reply",
            self.timeout,
            json={"text": text, "reply": {"in_reply_to_tweet_id": post.external_id}},
        )
        return str(json_of(response, ReplyFailed, "X reply")["data"]["id"])
