"""A local Open311 GeoReport v2 server for tests: the real endpoints, JSON and error shapes.

    with FakeOpen311(api_key="secret") as server:
        client = Open311Client(server.base_url, "secret")
        ...
        server.close_request("6001", notes="Filled on Tuesday")

It validates what a real server validates (api_key, jurisdiction_id, a known service_code, a
location), answers with the spec's shapes (a one-element list with `service_request_id` or a
`token`; errors as `[{"code": 400, "description": "…"}]`), records every request it receives
(`.received`), and can be told to misbehave for the next calls: `fail_next("400" | "403" |
"500" | "hang" | "hang_after_create")`, or to answer tokens only (`token_only = True`).
"""

import datetime
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# The services a city publishes at services.json (shape of the spec's example, our values).
SERVICES = [
    {
        "service_code": "POTHOLE",
        "service_name": "Pothole",
        "description": "A hole in the road surface.",
        "metadata": False,
        "type": "realtime",
        "keywords": "pothole, road, street",
        "group": "Streets",
    },
    {
        "service_code": "MISSED-BIN",
        "service_name": "Missed garbage pickup",
        "description": "Household waste was not collected on the scheduled day.",
        "metadata": False,
        "type": "batch",
        "keywords": "garbage, trash, pickup",
        "group": "Sanitation",
    },
    {
        "service_code": "CODE",
        "service_name": "Code violation",
        "description": "Overgrown lots, junk cars, unsafe structures.",
        "metadata": False,
        "type": "realtime",
        "keywords": "junk, abandoned, overgrown",
        "group": "Code Enforcement",
    },
]


@dataclass
class Received:
    method: str
    path: str
    query: dict
    form: dict = field(default_factory=dict)


def _now():
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _w3c(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_w3c(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class FakeOpen311:
    def __init__(self, api_key="test-key", jurisdiction_id="", hang_seconds=5.0):
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.hang_seconds = hang_seconds
        self.token_only = False
        self.received = []
        self.service_requests = {}  # id -> the stored request, as GET requests/{id}.json shows it
        self.tokens = {}  # token -> request id ("" until resolve_tokens())
        self._pending_by_token = {}  # token -> the form posted, until resolve_tokens()
        self._failures = []
        self._next_id = 6001
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    # -- control ----------------------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/open311/v2"

    def fail_next(self, kind, times=1):
        """Misbehave on the next `times` calls: "400", "403", "500", "hang", "hang_after_create"."""
        self._failures.extend([kind] * times)

    def close_request(self, request_id, notes="Repaired by the road crew."):
        item = self.service_requests[str(request_id)]
        item["status"] = "closed"
        item["status_notes"] = notes
        item["updated_datetime"] = _w3c(_now())

    def resolve_tokens(self):
        """Give every waiting token its request (a batch service has processed them)."""
        for token, request_id in self.tokens.items():
            if not request_id:
                self.tokens[token] = self._create(self._pending_by_token.pop(token))

    @property
    def posts(self):
        return [r for r in self.received if r.method == "POST"]

    # -- behaviour --------------------------------------------------------------------------

    def _create(self, form):
        with self._lock:
            request_id = str(self._next_id)
            self._next_id += 1
        now = _w3c(_now())
        service = next(s for s in SERVICES if s["service_code"] == form["service_code"])
        self.service_requests[request_id] = {
            "service_request_id": request_id,
            "status": "open",
            "status_notes": None,
            "service_name": service["service_name"],
            "service_code": service["service_code"],
            "description": form.get("description", ""),
            "agency_responsible": "Public Works",
            "service_notice": "Crews usually respond within 5 business days.",
            "requested_datetime": now,
            "updated_datetime": now,
            "expected_datetime": None,
            "address": form.get("address_string", ""),
            "address_id": None,
            "zipcode": None,
            "lat": float(form["lat"]) if form.get("lat") else None,
            "long": float(form["long"]) if form.get("long") else None,
            "media_url": form.get("media_url") or None,
        }
        return request_id

    def _validate(self, form):
        errors = []
        if form.get("api_key") != self.api_key:
            return 403, [{"code": 403, "description": "Invalid api_key"}]
        if self.jurisdiction_id and form.get("jurisdiction_id") != self.jurisdiction_id:
            errors.append({"code": 404, "description": "jurisdiction_id not found"})
        if not form.get("service_code"):
            errors.append({"code": 400, "description": "service_code was not provided"})
        elif form["service_code"] not in {s["service_code"] for s in SERVICES}:
            errors.append({"code": 404, "description": "service_code not found"})
        has_point = form.get("lat") and form.get("long")
        if not has_point and not form.get("address_string") and not form.get("address_id"):
            errors.append(
                {"code": 400, "description": "A location (lat & long, address_string) is required"}
            )
        if has_point:
            try:
                float(form["lat"]), float(form["long"])
            except ValueError:
                errors.append({"code": 400, "description": "lat and long must be numbers"})
        if len(form.get("description", "")) > 4000:
            errors.append({"code": 400, "description": "description is over 4000 characters"})
        return (400, errors) if errors else (None, None)

    def handle(self, method, path, query, form):
        """(status, JSON body) for one call; the HTTP plumbing is in the handler class."""
        self.received.append(Received(method, path, query, form))
        failure = self._failures.pop(0) if self._failures else None
        if failure == "400":
            return 400, [{"code": 400, "description": "Service temporarily not accepting requests"}]
        if failure == "403":
            return 403, [{"code": 403, "description": "Invalid api_key"}]
        if failure == "500":
            return 500, [{"code": 500, "description": "Internal error"}]
        if failure == "hang":
            self._stopping.wait(self.hang_seconds)
            return 503, [{"code": 503, "description": "Gave up"}]
        prefix = "/open311/v2/"
        if not path.startswith(prefix):
            return 404, [{"code": 404, "description": "Not found"}]
        route = path[len(prefix) :]
        if method == "POST" and route == "requests.json":
            status, errors = self._validate(form)
            if status:
                return status, errors
            if self.token_only:
                token = f"tok-{len(self.tokens) + 1:04d}"
                self.tokens[token] = ""
                self._pending_by_token[token] = form
                return 200, [{"token": token}]
            request_id = self._create(form)
            if failure == "hang_after_create":  # created, but the answer never arrives in time
                self._stopping.wait(self.hang_seconds)
            return 200, [
                {
                    "service_request_id": request_id,
                    "service_notice": "Crews usually respond within 5 business days.",
                    "account_id": None,
                }
            ]
        if method != "GET":
            return 405, [{"code": 405, "description": "Method not allowed"}]
        if self.jurisdiction_id and query.get("jurisdiction_id") != self.jurisdiction_id:
            return 404, [{"code": 404, "description": "jurisdiction_id not found"}]
        if route == "services.json":
            return 200, SERVICES
        if route == "requests.json":
            return 200, self._search(query)
        if route.startswith("requests/") and route.endswith(".json"):
            item = self.service_requests.get(route[len("requests/") : -len(".json")])
            if item is None:
                return 404, [{"code": 404, "description": "service_request_id not found"}]
            return 200, [item]
        if route.startswith("tokens/") and route.endswith(".json"):
            token = route[len("tokens/") : -len(".json")]
            if token not in self.tokens:
                return 404, [{"code": 404, "description": "token not found"}]
            if not self.tokens[token]:
                return 404, [{"code": 404, "description": "token not yet processed"}]
            return 200, [{"service_request_id": self.tokens[token], "token": token}]
        return 404, [{"code": 404, "description": "Not found"}]

    def _search(self, query):
        items = list(self.service_requests.values())
        if query.get("service_code"):
            codes = set(query["service_code"].split(","))
            items = [i for i in items if i["service_code"] in codes]
        if query.get("status"):
            items = [i for i in items if i["status"] == query["status"]]
        start = _parse_w3c(query.get("start_date", ""))
        if start:
            items = [i for i in items if _parse_w3c(i["requested_datetime"]) >= start]
        return items

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, method):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                form = {}
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length).decode()
                    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                status, payload = fake.handle(method, parts.path, query, form)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def do_GET(self):
                self._respond("GET")

            def do_POST(self):
                self._respond("POST")

            def log_message(self, *args):
                pass

        return Handler
