"""Local fake servers speaking the real protocols of Mastodon, Bluesky (Jetstream + XRPC) and X.

Each serves the recorded payloads in `payloads/` (written in each API's documented shapes),
honours the parameters a connector relies on (cursors, limits, auth), records what it receives
(`.requests`, `.replies`) and can be told to fail (`.fail_with = 500`).

    with FakeMastodon() as mastodon:
        source.config = {"instance": mastodon.base_url, "query": "pothole", ...}
"""

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.sync.server import serve

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name):
    """A recorded payload: parsed JSON, or a list of parsed lines for .jsonl files."""
    text = (PAYLOADS / name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = {
            "method": method,
            "path": parts.path,
            "query": {k: v[-1] for k, v in parse_qs(parts.query).items()},
            "query_lists": parse_qs(parts.query),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "json": json.loads(body) if body else None,
        }
        self.server.fake.requests.append(request)
        if self.server.fake.fail_with:
            return self.send_json(self.server.fake.fail_with, {"error": "Injected failure"})
        self.server.fake.handle(self, request)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def send_json(self, status, data, headers=None):
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class FakeHTTPServer:
    """A threaded HTTP server on a free localhost port; subclasses implement `handle`."""

    def __init__(self):
        self.requests = []
        self.replies = []
        self.fail_with = None
        self._server = None

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def handle(self, handler, request):
        handler.send_json(404, {"error": "Record not found"})


def _bearer(request):
    auth = request["headers"].get("authorization", "")
    return auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""


class FakeMastodon(FakeHTTPServer):
    """`GET /api/v2/search`, `GET /api/v1/timelines/tag/:tag`, `POST /api/v1/statuses`.

    Statuses are served newest first, as Mastodon does; `min_id` returns the page immediately
    newer than the id, `limit` caps the page. Search and posting need the bearer `token`.
    """

    def __init__(self, token="mastodon-token", statuses=None):
        super().__init__()
        self.token = token
        self.statuses = (
            statuses if statuses is not None else payload("mastodon_search.json")["statuses"]
        )
        self._idempotent = {}

    def add_status(self, status_id, text):
        status = copy.deepcopy(self.statuses[0])
        status.update(id=str(status_id), content=f"<p>{text}</p>")
        self.statuses.append(status)

    def _page(self, query):
        limit = min(int(query.get("limit", 20)), 40)
        ordered = sorted(self.statuses, key=lambda s: int(s["id"]))
        if "min_id" in query:
            ordered = [s for s in ordered if int(s["id"]) > int(query["min_id"])][:limit]
        else:
            ordered = ordered[-limit:]
        return list(reversed(ordered))

    def handle(self, handler, request):
        path = request["path"]
        authorized = _bearer(request) == self.token
        if path == "/api/v2/search" and request["method"] == "GET":
            if not authorized:
                return handler.send_json(401, {"error": "The access token is invalid"})
            if request["query"].get("type") != "statuses" or not request["query"].get("q"):
                return handler.send_json(400, {"error": "Validation failed"})
            return handler.send_json(
                200, {"accounts": [], "statuses": self._page(request["query"]), "hashtags": []}
            )
        if path.startswith("/api/v1/timelines/tag/") and request["method"] == "GET":
            return handler.send_json(200, self._page(request["query"]))
        if path == "/api/v1/statuses" and request["method"] == "POST":
            if not authorized:
                return handler.send_json(401, {"error": "The access token is invalid"})
            body = request["json"] or {}
            if not body.get("status"):
                return handler.send_json(422, {"error": "Validation failed: Text can't be blank"})
            key = request["headers"].get("idempotency-key")
            if key in self._idempotent:
                return handler.send_json(200, self._idempotent[key])
            created = payload("mastodon_status_created.json")
            created.update(
                id=str(113542999000000001 + len(self.replies)),
                in_reply_to_id=body.get("in_reply_to_id"),
                content=f"<p>{body['status']}</p>",
            )
            self.replies.append(body)
            if key:
                self._idempotent[key] = created
            return handler.send_json(200, created)
        return super().handle(handler, request)


class FakeBluesky(FakeHTTPServer):
    """Jetstream (`/subscribe` over a websocket at `.jetstream_url`) and a PDS's XRPC.

    Jetstream replays the recorded events newer than `cursor` (time_us) whose collection is in
    `wantedCollections`, then keeps the connection open sending nothing, as a quiet network
    would. XRPC: `app.bsky.actor.getProfiles` (the public AppView),
    `com.atproto.server.createSession` (checks `identifier` / `password`) and
    `com.atproto.repo.createRecord` (checks the access token; replies land in `.replies`).
    """

    def __init__(self, identifier="cityhelp.example.gov", password="app-password"):
        super().__init__()
        self.identifier = identifier
        self.password = password
        self.events = payload("jetstream_events.jsonl")
        self.subscriptions = []  # the query of every Jetstream connection
        self.profile_lookups = []  # the actors of every getProfiles call
        self.close_after_replay = False
        self._ws = None

    @property
    def jetstream_url(self):
        host, port = self._ws.socket.getsockname()[:2]
        return f"ws://{host}:{port}"

    def start(self):
        super().start()
        self._ws = serve(self._jetstream, "127.0.0.1", 0)
        threading.Thread(target=self._ws.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._ws is not None:
            self._ws.shutdown()
            self._ws = None
        super().stop()

    def _jetstream(self, connection):
        parts = urlsplit(connection.request.path)
        query = parse_qs(parts.query)
        self.subscriptions.append({k: v[-1] for k, v in query.items()})
        if parts.path != "/subscribe":
            connection.close(code=1008, reason="unknown path")
            return
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query.get("cursor", ["0"])[-1])
        for event in self.events:
            if event["time_us"] <= cursor:
                continue
            collection = (event.get("commit") or {}).get("collection")
            if event["kind"] == "commit" and wanted and collection not in wanted:
                continue
            connection.send(json.dumps(event))
        if self.close_after_replay:
            return
        try:
            connection.recv()  # until the client hangs up
        except Exception:
            pass

    def handle(self, handler, request):
        path = request["path"]
        body = request["json"] or {}
        session = payload("bsky_create_session.json")
        if path == "/xrpc/app.bsky.actor.getProfiles" and request["method"] == "GET":
            actors = request["query_lists"].get("actors", [])
            if not actors or len(actors) > 25:
                return handler.send_json(
                    400, {"error": "InvalidRequest", "message": "actors must have 1 to 25 items"}
                )
            self.profile_lookups.append(actors)
            known = {p["did"]: p for p in payload("bsky_profiles.json")["profiles"]}
            return handler.send_json(200, {"profiles": [known[a] for a in actors if a in known]})
        if path == "/xrpc/com.atproto.server.createSession":
            if (body.get("identifier"), body.get("password")) != (self.identifier, self.password):
                return handler.send_json(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return handler.send_json(200, session)
        if path == "/xrpc/com.atproto.repo.createRecord":
            if _bearer(request) != session["accessJwt"]:
                return handler.send_json(
                    401, {"error": "InvalidToken", "message": "Token could not be verified"}
                )
            record = body.get("record") or {}
            if body.get("repo") != session["did"] or not record.get("text"):
                return handler.send_json(
                    400, {"error": "InvalidRequest", "message": "Invalid record"}
                )
            self.replies.append(body)
            created = payload("bsky_create_record.json")
            created["uri"] = created["uri"][:-1] + str(len(self.replies))
            return handler.send_json(200, created)
        return handler.send_json(
            501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}
        )


class FakeX(FakeHTTPServer):
    """X API v2: stream rules (`GET/POST /2/tweets/search/stream/rules`), the filtered stream
    (newline-delimited JSON with keep-alive blank lines) and `POST /2/tweets`."""

    def __init__(self, bearer="x-app-token", user_token="x-user-token"):
        super().__init__()
        self.bearer = bearer
        self.user_token = user_token
        self.rules = payload("x_rules.json")["data"]
        self.stream_lines = payload("x_stream.jsonl")
        self._next_rule_id = 1991000000000099100

    def _unauthorized(self, handler):
        handler.send_json(
            401,
            {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            },
        )

    def handle(self, handler, request):
        path, method = request["path"], request["method"]
        if path == "/2/tweets/search/stream/rules":
            if _bearer(request) != self.bearer:
                return self._unauthorized(handler)
            return self._rules(handler, method, request["json"] or {})
        if path == "/2/tweets/search/stream" and method == "GET":
            if _bearer(request) != self.bearer:
                return self._unauthorized(handler)
            return self._stream(handler)
        if path == "/2/tweets" and method == "POST":
            if _bearer(request) != self.user_token:
                return self._unauthorized(handler)
            body = request["json"] or {}
            self.replies.append(body)
            created = payload("x_tweet_created.json")
            created["data"].update(
                id=str(1991000000000555000 + len(self.replies)), text=body["text"]
            )
            return handler.send_json(201, created)
        return super().handle(handler, request)

    def _rules(self, handler, method, body):
        now = "2026-11-20T09:00:00.000Z"
        if method == "GET":
            return handler.send_json(
                200, {"data": self.rules, "meta": {"sent": now, "result_count": len(self.rules)}}
            )
        if "delete" in body:
            ids = set(body["delete"].get("ids", []))
            deleted = [r for r in self.rules if r["id"] in ids]
            self.rules = [r for r in self.rules if r["id"] not in ids]
            summary = {"deleted": len(deleted), "not_deleted": len(ids) - len(deleted)}
            return handler.send_json(200, {"meta": {"sent": now, "summary": summary}})
        added = []
        for rule in body.get("add", []):
            self._next_rule_id += 1
            added.append({"id": str(self._next_rule_id), **rule})
        self.rules.extend(added)
        summary = {"created": len(added), "not_created": 0, "valid": len(added), "invalid": 0}
        return handler.send_json(201, {"data": added, "meta": {"sent": now, "summary": summary}})

    def _stream(self, handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def chunk(data):
            handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            handler.wfile.flush()

        try:
            for line in self.stream_lines:
                chunk(json.dumps(line).encode() + b"\r\n")
            for _ in range(300):  # keep-alive heartbeats until the client hangs up
                chunk(b"\r\n")
                time.sleep(0.1)
            handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
