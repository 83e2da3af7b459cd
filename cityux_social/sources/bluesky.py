"""Bluesky: new posts from Jetstream (JSON over a websocket); replies through XRPC.

Config: `jetstream` (e.g. "wss://jetstream2.us-east.bsky.network"), `terms` (words or hashtags a
post must contain to be kept; without terms, the active request types' rules decide),
`service` (the city account's PDS, e.g. "https://bsky.social"), `identifier` (its handle) and
`password_env` (the environment variable holding its app password), optional `appview`
(default "https://public.api.bsky.app", where authors' handles and follower counts are read).

Jetstream sends every new post of the network; a fetch reads for at most `max_seconds` or until
`max_posts` posts were kept (and at most `max_messages` messages), then closes. The cursor is the
`time_us` of the last event read: Jetstream replays from there on the next connect.
"""

import datetime
import json
import time
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from ..rules import Matcher, RuleSet, normalize
from .base import Connector, FetchFailed, IncomingPost, ReplyFailed, parse_time
from .http import call, json_of, session

POST_COLLECTION = "app.bsky.feed.post"
PROFILES_PER_CALL = 25  # the most app.bsky.actor.getProfiles accepts


def at_uri(did, rkey):
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def post_from_event(event):
    """An IncomingPost from a Jetstream commit event creating an app.bsky.feed.post."""
    commit = event["commit"]
    record = commit.get("record") or {}
    did, rkey = event["did"], commit["rkey"]
    langs = record.get("langs") or []
    return IncomingPost(
        external_id=at_uri(did, rkey),
        author_handle=did,  # Jetstream carries the DID only; the inbox links to the profile
        text=record.get("text", ""),
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        posted_at=parse_time(record.get("createdAt")),
        language=langs[0] if langs else "",
        raw=event,
    )


def _is_new_post(event):
    commit = event.get("commit") or {}
    return (
        event.get("kind") == "commit"
        and commit.get("operation") == "create"
        and commit.get("collection") == POST_COLLECTION
    )


class BlueskyConnector(Connector):
    """Reads Jetstream for a bounded time; replies with createSession + createRecord."""

    required_config = ("jetstream",)

    def _wanted(self):
        """A function telling whether a post's text is worth keeping."""
        terms = [normalize(t) for t in self.config.get("terms") or [] if t.strip()]
        if terms:
            matcher = Matcher(
                [
                    RuleSet(
                        0,
                        keywords=tuple(t for t in terms if t[0] != "#"),
                        hashtags=tuple(t for t in terms if t[0] == "#"),
                    )
                ]
            )
        else:
            from ..models import RequestType

            matcher = Matcher(RuleSet.of(t) for t in RequestType.objects.filter(active=True))
        return lambda text: bool(matcher.match(text))

    def _url(self):
        self.require_config("jetstream")
        query = {"wantedCollections": POST_COLLECTION}
        if self.source.cursor:
            query["cursor"] = self.source.cursor
        return f"{self.config['jetstream'].rstrip('/')}/subscribe?{urlencode(query)}"

    def fetch(self):
        wanted = self._wanted()
        max_messages = int(self.config.get("max_messages") or self.max_posts * 500)
        deadline = time.monotonic() + self.max_seconds
        posts, cursor, read = [], self.source.cursor, 0
        try:
            with connect(self._url(), open_timeout=self.timeout, close_timeout=1) as socket:
                while len(posts) < self.max_posts and read < max_messages:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    try:
                        message = socket.recv(timeout=remaining)
                    except TimeoutError:
                        break
                    read += 1
                    try:
                        event = json.loads(message)
                    except ValueError:
                        self.problems.append("Jetstream sent a message that is not JSON; skipped")
                        continue
                    if "time_us" in event:
                        cursor = str(event["time_us"])
                    if _is_new_post(event) and wanted(event["commit"]["record"].get("text", "")):
                        posts.append(post_from_event(event))
        except (OSError, WebSocketException) as error:
            if not posts:
                raise FetchFailed(f"Jetstream: {error.__class__.__name__}: {error}") from error
            # Keep what was read; the cursor makes the next fetch resume after it.
        self.source.cursor = cursor or ""
        self._add_profiles(posts)
        return posts

    def _add_profiles(self, posts):
        """Handles, names and follower counts of the authors (Jetstream only names DIDs)."""
        appview = (self.config.get("appview") or "https://public.api.bsky.app").rstrip("/")
        dids = list(dict.fromkeys(post.author_handle for post in posts))
        profiles = {}
        try:
            for start in range(0, len(dids), PROFILES_PER_CALL):
                response = call(
                    session(),
                    "GET",
                    f"{appview}/xrpc/app.bsky.actor.getProfiles",
                    FetchFailed,
                    "Bluesky profiles",
                    self.timeout,
                    params={"actors": dids[start : start + PROFILES_PER_CALL]},
                )
                for profile in json_of(response, FetchFailed, "Bluesky profiles")["profiles"]:
                    profiles[profile["did"]] = profile
        except (FetchFailed, KeyError, TypeError) as error:
            # The posts matter more than the names: keep the DIDs and say what went wrong.
            self.problems.append(f"Authors left as DIDs: {error}")
        for post in posts:
            profile = profiles.get(post.author_handle)
            if profile:
                post.author_handle = profile.get("handle") or post.author_handle
                post.author_name = profile.get("displayName") or ""
                post.author_followers = profile.get("followersCount") or 0

    def _session(self, http):
        self.require_config("service", "identifier")
        password = self.secret("password_env")
        if not password:
            raise ReplyFailed('Bluesky replies need an app password (config "password_env").')
        response = call(
            http,
            "POST",
            f"{self.config['service'].rstrip('/')}/xrpc/com.atproto.server.createSession",
            ReplyFailed,
            "Bluesky sign-in",
            self.timeout,
            json={"identifier": self.config["identifier"], "password": password},
        )
        return json_of(response, ReplyFailed, "Bluesky sign-in")

    def reply(self, post, text):
        http = session()
        try:
            login = self._session(http)
        except FetchFailed as error:
            raise ReplyFailed(str(error)) from error
        commit = (post.raw or {}).get("commit") or {}
        parent = {"uri": post.external_id, "cid": commit.get("cid", "")}
        if not parent["cid"]:
            raise ReplyFailed("The post has no content id (cid) to reply to.")
        thread = (commit.get("record") or {}).get("reply") or {}
        record = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "reply": {"root": thread.get("root") or parent, "parent": parent},
        }
        response = call(
            http,
            "POST",
            f"{self.config['service'].rstrip('/')}/xrpc/com.atproto.repo.createRecord",
            ReplyFailed,
            "Bluesky reply",
            self.timeout,
            json={"repo": login["did"], "collection": POST_COLLECTION, "record": record},
            headers={"Authorization": f"Bearer {login['accessJwt']}"},
        )
        return json_of(response, ReplyFailed, "Bluesky reply")["uri"]
