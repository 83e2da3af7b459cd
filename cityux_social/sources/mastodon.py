"""Mastodon: statuses found by a search or a hashtag timeline; replies as public statuses.

Config: `instance` (e.g. "https://mastodon.example"), `query` (full-text search through
`GET /api/v2/search?type=statuses`) or `hashtag` (`GET /api/v1/timelines/tag/:hashtag`),
`token_env` (the environment variable holding the account's access token, needed for search
and for replies), optional `account` (the city's own account, whose posts are skipped).

The cursor is the id of the newest status read. Pages are read oldest first with `min_id`, so
nothing between two fetches is skipped however many statuses arrived.
"""

import hashlib
import time

from .base import Connector, FetchFailed, IncomingPost, ReplyFailed, parse_time
from .http import call, json_of, session
from .text import html_to_text

PAGE_SIZE = 40  # the largest page Mastodon serves


def _status_id_key(value):
    # Status ids are numeric strings of varying length (snowflakes); compare them as numbers.
    return int(value) if str(value).isdigit() else 0


def post_from_status(status):
    """An IncomingPost from a Mastodon Status entity."""
    account = status.get("account") or {}
    return IncomingPost(
        external_id=str(status["id"]),
        author_handle=account.get("acct", ""),
        author_name=account.get("display_name") or account.get("username", ""),
        author_followers=account.get("followers_count") or 0,
        # A content warning is part of what the resident wrote; keep it before the body.
        text="\n\n".join(
            part
            for part in (status.get("spoiler_text", ""), html_to_text(status.get("content", "")))
            if part
        ),
        url=status.get("url") or status.get("uri") or "",
        posted_at=parse_time(status.get("created_at")),
        language=status.get("language") or "",
        raw=status,
    )


class MastodonConnector(Connector):
    """Reads a Mastodon search or hashtag timeline; replies through `POST /api/v1/statuses`."""

    required_config = ("instance", ("query", "hashtag"), "token_env")

    @property
    def instance(self):
        self.require_config("instance")
        return self.config["instance"].rstrip("/")

    def _page(self, http, min_id):
        params = {"limit": PAGE_SIZE}
        if min_id:
            params["min_id"] = min_id
        if self.config.get("hashtag"):
            tag = self.config["hashtag"].lstrip("#")
            url = f"{self.instance}/api/v1/timelines/tag/{tag}"
            response = call(http, "GET", url, FetchFailed, "Mastodon", self.timeout, params=params)
            return json_of(response, FetchFailed, "Mastodon")
        self.require_config("query")
        params.update(q=self.config["query"], type="statuses", resolve="false")
        url = f"{self.instance}/api/v2/search"
        response = call(http, "GET", url, FetchFailed, "Mastodon", self.timeout, params=params)
        return json_of(response, FetchFailed, "Mastodon").get("statuses", [])

    def fetch(self):
        http = session(self.secret("token_env"))
        own = (self.config.get("account") or "").lstrip("@").lower()
        deadline = time.monotonic() + self.max_seconds
        cursor, posts = self.source.cursor, []
        while len(posts) < self.max_posts and time.monotonic() < deadline:
            statuses = self._page(http, cursor)
            if not statuses:
                break
            statuses = sorted(statuses, key=lambda s: _status_id_key(s["id"]))
            for status in statuses:
                cursor = str(status["id"])
                if status.get("reblog") or (own and status["account"]["acct"].lower() == own):
                    continue  # boosts repeat a post; the city's own posts are not requests
                posts.append(post_from_status(status))
                if len(posts) >= self.max_posts:
                    break
            if len(statuses) < PAGE_SIZE:
                break
        self.source.cursor = cursor or ""
        return posts

    def reply(self, post, text):
        token = self.secret("token_env")
        if not token or not self.config.get("instance"):
            raise ReplyFailed(
                'Mastodon replies need "instance" and an access token (config "token_env").'
            )
        handle = f"@{post.author_handle}"
        body = {
            "status": text if handle.lower() in text.lower() else f"{handle} {text}",
            "in_reply_to_id": post.external_id,
            "visibility": self.config.get("reply_visibility", "public"),
        }
        # Mastodon keeps an Idempotency-Key for an hour: a retried reply is posted once.
        key = hashlib.sha256(f"{post.source_id}:{post.external_id}:{text}".encode()).hexdigest()
        response = call(
            session(token),
            "POST",
            f"{self.instance}/api/v1/statuses",
            ReplyFailed,
            "Mastodon reply",
            self.timeout,
            json=body,
            headers={"Idempotency-Key": key},
        )
        return str(json_of(response, ReplyFailed, "Mastodon reply")["id"])
