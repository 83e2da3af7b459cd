"""A local Open311 GeoReport v2 server for tests that validates requests as the spec says.

    with FakeOpen311(api_key="secret") as server:
        client = Open311Client(server.base_url, "secret", fmt="xml")
        ...
        server.close_request("6001", notes="Filled on Tuesday")

Every endpoint answers in the format its extension names (`.json` or `.xml`), in the shapes of
the spec's own examples: services with `metadata`, a service definition with attributes of every
datatype, one-element request lists with `service_request_id` or `token`, error lists. It refuses
what a strict server refuses: a POST whose Content-Type is not form-urlencoded UTF-8, a missing
or wrong api_key (403), a wrong jurisdiction_id or unknown service_code (404), no location
(lat & long, address_string or address_id), missing required attributes, values outside their
list or of the wrong datatype, `attribute[code]` for a multi-value list (it wants repeated
`attribute[code][]`), unknown attributes, bad dates or statuses in a search, a search window
over 90 days. A search answers at most `cap` requests (1,000 by default), newest first.

It records every request (`.received`) and can be told to misbehave for the next calls:
`fail_next("400" | "403" | "429" | "500" | "hang" | "hang_after_create" | "garbage" |
"text_as_xml")` (next POST unless `on="GET"` or `"any"`), to answer tokens only
(`token_only = True`), to number requests from `first_id` (0 included). `services` is the list
`GET services` publishes: a test may add a malformed entry to it.
"""

import datetime
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from tests.cityux_social.open311_spec import DEFINITIONS, SERVICES, check_attributes, parse_w3c

FORM_TYPE = re.compile(r"^application/x-www-form-urlencoded;\s*charset=utf-8$", re.IGNORECASE)
SINGLE_FIELDS = (
    "api_key jurisdiction_id service_code lat long address_string address_id email device_id "
    "account_id first_name last_name phone description media_url"
).split()
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
MAX_WINDOW = datetime.timedelta(days=90)


@dataclass
class Received:
    method: str
    path: str
    query: dict
    form: dict = field(default_factory=dict)  # first value of each field
    pairs: list = field(default_factory=list)  # every (name, value), in order
    content_type: str = ""


def _now():
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _w3c(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status, *descriptions):
    return status, [{"code": status, "description": d} for d in descriptions]


def to_xml(tag, value):
    """The spec's XML for a JSON-shaped value (lists under their container's item tag)."""
    if isinstance(value, list):
        item = XML_ITEMS.get(tag, "item")
        return f"<{tag}>{''.join(to_xml(item, v) for v in value)}</{tag}>"
    if isinstance(value, dict):
        return f"<{tag}>{''.join(to_xml(k, v) for k, v in value.items())}</{tag}>"
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def render(payload, fmt, root):
    if fmt == "xml":
        return "application/xml; charset=utf-8", (
            '<?xml version="1.0" encoding="utf-8"?>' + to_xml(root, payload)
        ).encode()
    return "application/json; charset=utf-8", json.dumps(payload).encode()


class FakeOpen311:
    def __init__(
        self, api_key="test-key", jurisdiction_id="", hang_seconds=5.0, cap=1000, first_id=6001
    ):
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.hang_seconds = hang_seconds
        self.cap = cap
        self.token_only = False
        self.services = list(SERVICES)
        self.received = []
        self.service_requests = {}  # id -> the stored request, as GET requests/{id} shows it
        self.tokens = {}  # token -> request id ("" until resolve_tokens())
        self._pending_by_token = {}  # token -> the form posted, until resolve_tokens()
        self._failures = []
        self._next_id = first_id
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    # -- control ----------------------------------------------------------------------------

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll: stop() waits for the loop to see the shutdown, once per server started.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
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

    def fail_next(self, kind, times=1, on="POST"):
        """Misbehave on the next `times` calls with method `on` ("GET", "POST" or "any")."""
        self._failures.extend([(kind, on)] * times)

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

    def add_requests(self, count, service_code, at, description="Someone else's report"):
        """`count` requests of other reporters, all requested at `at` (a busy service)."""
        return [
            self._create(
                {"service_code": service_code, "description": description, "address_string": "x"},
                at=at,
            )
            for _ in range(count)
        ]

    @property
    def posts(self):
        return [r for r in self.received if r.method == "POST"]

    # -- behaviour --------------------------------------------------------------------------

    def _create(self, form, at=None):
        with self._lock:
            request_id = str(self._next_id)
            self._next_id += 1
        stamp = _w3c(at or _now())
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
            "requested_datetime": stamp,
            "updated_datetime": stamp,
            "expected_datetime": None,
            "address": form.get("address_string", ""),
            "address_id": form.get("address_id") or None,
            "zipcode": None,
            "lat": float(form["lat"]) if form.get("lat") else None,
            "long": float(form["long"]) if form.get("long") else None,
            "media_url": form.get("media_url") or None,
        }
        return request_id

    def _validate_post(self, received):
        if not FORM_TYPE.match(received.content_type):
            return _error(
                400,
                f"Content-Type must be form-urlencoded UTF-8, not "
                f"{received.content_type or 'none'}",
            )
        form = received.form
        if form.get("api_key") != self.api_key:
            return _error(403, "Invalid api_key")
        names = [name for name, _ in received.pairs]
        twice = sorted({n for n in names if n in SINGLE_FIELDS and names.count(n) > 1})
        if twice:
            return _error(400, *(f"{n} was given more than once" for n in twice))
        if self.jurisdiction_id and form.get("jurisdiction_id") != self.jurisdiction_id:
            return _error(404, "jurisdiction_id not found")
        errors = []
        code = form.get("service_code")
        if not code:
            return _error(400, "service_code was not provided")
        if code not in {s["service_code"] for s in SERVICES}:
            return _error(404, "service_code not found")
        has_point = form.get("lat") and form.get("long")
        if not has_point and not form.get("address_string") and not form.get("address_id"):
            errors.append("A location (lat & long, address_string or address_id) is required")
        if has_point:
            try:
                float(form["lat"]), float(form["long"])
            except ValueError:
                errors.append("lat and long must be numbers")
        if len(form.get("description", "")) > 4000:
            errors.append("description is over 4000 characters")
        errors += check_attributes(code, received.pairs)
        return _error(400, *errors) if errors else (None, None)

    def handle(self, received, fmt):
        """(status, payload, XML root) for one call; the HTTP plumbing is in the handler."""
        self.received.append(received)
        failure = None
        for index, (_kind, on) in enumerate(self._failures):
            if on in (received.method, "any"):
                failure = self._failures.pop(index)[0]
                break
        if failure in ("400", "403", "429", "500"):
            description = {
                "400": "Service temporarily not accepting requests",
                "403": "Invalid api_key",
                "429": "Too many requests",
                "500": "Internal error",
            }[failure]
            return (*_error(int(failure), description), "errors")
        if failure == "hang":
            self._stopping.wait(self.hang_seconds)
            return (*_error(503, "Gave up"), "errors")
        if failure == "garbage":
            return 200, "<html>Proxy error</html>", "raw"
        if failure == "text_as_xml":  # a busy server's plain words under the XML content type
            return 200, "Server busy, try later", "raw_xml"
        route = received.path[len("/open311/v2/") : -len(fmt) - 1]
        method, query = received.method, received.query
        if method == "POST" and route == "requests":
            status, errors = self._validate_post(received)
            if status:
                return status, errors, "errors"
            if self.token_only:
                token = f"tok-{len(self.tokens) + 1:04d}"
                self.tokens[token] = ""
                self._pending_by_token[token] = received.form
                return 200, [{"token": token}], "service_requests"
            request_id = self._create(received.form)
            if failure == "hang_after_create":  # created, but the answer never arrives in time
                self._stopping.wait(self.hang_seconds)
            notice = "Crews usually respond within 5 business days."
            answer = {"service_request_id": request_id, "service_notice": notice}
            return 200, [{**answer, "account_id": None}], "service_requests"
        if method != "GET":
            return (*_error(405, "Method not allowed"), "errors")
        if self.jurisdiction_id and query.get("jurisdiction_id") != self.jurisdiction_id:
            return (*_error(404, "jurisdiction_id not found"), "errors")
        if route == "services":
            return 200, self.services, "services"
        if route.startswith("services/"):
            definition = DEFINITIONS.get(route[len("services/") :])
            if definition is None:
                return (*_error(404, "service_code not found"), "errors")
            return 200, definition, "service_definition"
        if route == "requests":
            status, payload = self._search(query)
            return status, payload, "service_requests" if status == 200 else "errors"
        if route.startswith("requests/"):
            item = self.service_requests.get(route[len("requests/") :])
            if item is None:
                return (*_error(404, "service_request_id not found"), "errors")
            return 200, [item], "service_requests"
        if route.startswith("tokens/"):
            token = route[len("tokens/") :]
            if token not in self.tokens:
                return (*_error(404, "token not found"), "errors")
            if not self.tokens[token]:
                return (*_error(404, "token not yet processed"), "errors")
            return (
                200,
                [{"service_request_id": self.tokens[token], "token": token}],
                ("service_requests"),
            )
        return (*_error(404, "Not found"), "errors")

    def _search(self, query):
        errors = []
        end = parse_w3c(query["end_date"]) if "end_date" in query else _now()
        start = parse_w3c(query["start_date"]) if "start_date" in query else None
        if end is None or ("start_date" in query and start is None):
            errors.append("start_date and end_date must be W3C datetimes with an offset")
        elif start is None:
            start = end - MAX_WINDOW
        elif end - start > MAX_WINDOW:
            errors.append("start_date to end_date may not span more than 90 days")
        statuses = set(query.get("status", "open,closed").split(","))
        if not statuses <= {"open", "closed"}:
            errors.append("status must be open, closed or both")
        if errors:
            return _error(400, *errors)
        items = list(self.service_requests.values())
        if query.get("service_code"):
            codes = set(query["service_code"].split(","))
            items = [i for i in items if i["service_code"] in codes]
        items = [
            i
            for i in items
            if i["status"] in statuses and start <= parse_w3c(i["requested_datetime"]) <= end
        ]
        items.sort(key=lambda i: i["requested_datetime"], reverse=True)
        return 200, items[: self.cap]

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, method):
                parts = urlsplit(self.path)
                fmt = parts.path.rsplit(".", 1)[-1] if "." in parts.path else ""
                query_pairs = parse_qsl(parts.query, keep_blank_values=True)
                received = Received(method, parts.path, dict(query_pairs), {}, [], "")
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length).decode("utf-8")
                    received.pairs = parse_qsl(body, keep_blank_values=True, encoding="utf-8")
                    received.form = {}
                    for name, value in received.pairs:
                        received.form.setdefault(name, value)
                    received.content_type = self.headers.get("Content-Type", "")
                if fmt not in ("json", "xml") or not parts.path.startswith("/open311/v2/"):
                    fake.received.append(received)
                    status, payload, root = (*_error(404, "Not found"), "errors")
                    fmt = "json"
                else:
                    status, payload, root = fake.handle(received, fmt)
                if root == "raw":
                    content_type, data = "text/html", payload.encode()
                elif root == "raw_xml":
                    content_type, data = "application/xml; charset=utf-8", payload.encode()
                else:
                    content_type, data = render(payload, fmt, root)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
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
