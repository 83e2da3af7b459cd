"""An Open311 GeoReport v2 client: create a service request, follow its token and its status.

`Open311Client` is plain HTTP with `requests`, no Django: every method takes and returns plain
values, so it is tested against a local fake server without the database. `Open311TicketBackend`
at the end puts it behind the ticket backend interface.

Duplicates. GeoReport v2 has no idempotency key, and a POST whose answer is lost (a timeout,
a dropped connection) may still have created the request. The spec's optional `attribute[...]`
fields only reach services whose definition declares them, so the client marks the request in
the one free-text field every service accepts: the description ends with a reference line
holding our submission key (`[CityUX ref 1b9d…]`). Before posting again the caller looks the
request up with `GET requests.json?service_code=…&start_date=…` and adopts a request carrying
that reference. A returned `token` is stored at once and never posted again; it is resolved
later with `GET tokens/{token}.json`.
"""

import datetime
from dataclasses import dataclass

import requests

# GeoReport v2 descriptions are limited to 4,000 characters.
DESCRIPTION_LIMIT = 4000
# How far before the first attempt a lookup starts: servers stamp requests with their own clock.
LOOKUP_SLACK = datetime.timedelta(minutes=10)


class Open311Error(Exception):
    """A request the server refused or never answered, in words staff can act on.

    `transient` errors (timeouts, lost connections, server errors) may succeed when retried
    unchanged; the others need a change (an API key, a service code, a location) first.
    """

    def __init__(self, message, *, status=None, transient=False):
        super().__init__(message)
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class ServiceRequest:
    """What the city is asked to do, in GeoReport v2 terms."""

    service_code: str
    description: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    media_url: str = ""


@dataclass(frozen=True)
class Submission:
    """The server's answer to a POST: a request id, or a token to resolve later (or both)."""

    service_request_id: str = ""
    token: str = ""
    service_notice: str = ""


@dataclass(frozen=True)
class RequestStatus:
    service_request_id: str
    status: str  # "open" or "closed"
    status_notes: str = ""
    updated_datetime: str = ""

    @property
    def is_closed(self):
        return self.status.lower() == "closed"


def reference_line(submission_key):
    """The line that ends a description and lets a retry recognise its own request."""
    return f"[CityUX ref {submission_key}]"


def with_reference(description, submission_key):
    """`description` cut to fit GeoReport's limit, followed by the reference line."""
    line = reference_line(submission_key)
    room = DESCRIPTION_LIMIT - len(line) - 2
    text = description.strip()
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{text}\n\n{line}"


def error_message(status, body):
    """A sentence from the spec's error list (`[{"code": 400, "description": "…"}]`)."""
    details = []
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict) and item.get("description"):
                code = item.get("code")
                details.append(f"{item['description']} ({code})" if code else item["description"])
    elif isinstance(body, dict) and body.get("description"):
        details.append(str(body["description"]))
    detail = "; ".join(details)
    if status == 403:
        lead = "The Open311 server refused the API key (403)"
    elif status == 404:
        lead = "The Open311 server does not know this address (404)"
    elif status is not None and status >= 500:
        lead = f"The Open311 server failed ({status})"
    else:
        lead = f"The Open311 server rejected the request ({status})"
    return f"{lead}: {detail}" if detail else f"{lead}."


def request_form(request, api_key, jurisdiction_id="", submission_key=""):
    """The form-encoded fields of `POST requests.json` for `request`."""
    form = {"api_key": api_key, "service_code": request.service_code}
    if jurisdiction_id:
        form["jurisdiction_id"] = jurisdiction_id
    if request.lat is not None and request.long is not None:
        form["lat"] = f"{request.lat:.6f}"
        form["long"] = f"{request.long:.6f}"
    if request.address_string:
        form["address_string"] = request.address_string
    if "lat" not in form and not request.address_string:
        raise Open311Error(
            "A location is needed: give a latitude and longitude or an address before sending."
        )
    description = request.description
    if submission_key:
        description = with_reference(description, submission_key)
    form["description"] = description
    if request.media_url:
        form["media_url"] = request.media_url
    return form


def parse_submission(body):
    """The request id or token out of a POST's answer (a one-element list, per the spec)."""
    item = body[0] if isinstance(body, list) and body else body
    if not isinstance(item, dict):
        raise Open311Error("The Open311 server answered with something that is not a request.")
    request_id = item.get("service_request_id")
    token = item.get("token")
    if not request_id and not token:
        raise Open311Error("The Open311 server answered without a request id or a token.")
    return Submission(
        service_request_id=str(request_id or ""),
        token=str(token or ""),
        service_notice=str(item.get("service_notice") or ""),
    )


def find_marked(requests_list, submission_key):
    """The id of the request whose description carries `submission_key`'s reference, or ""."""
    line = reference_line(submission_key)
    for item in requests_list if isinstance(requests_list, list) else []:
        if isinstance(item, dict) and line in str(item.get("description") or ""):
            return str(item.get("service_request_id") or "")
    return ""


def w3c_datetime(moment):
    """The spec's date format (W3C, with an offset)."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Open311Client:
    """One GeoReport v2 endpoint, e.g. `https://311.example.gov/open311/v2`."""

    def __init__(self, endpoint, api_key, jurisdiction_id="", timeout=10.0, session=None):
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.timeout = timeout
        self.session = session or requests.Session()

    def post_request(self, request, submission_key=""):
        """Create a service request; the answer holds its id, or a token to resolve later."""
        form = request_form(request, self.api_key, self.jurisdiction_id, submission_key)
        return parse_submission(self._call("POST", "requests.json", data=form))

    def find_request(self, service_code, submission_key, since):
        """The id of the request we created with `submission_key` since `since`, or ""."""
        params = {
            "service_code": service_code,
            "start_date": w3c_datetime(since - LOOKUP_SLACK),
        }
        return find_marked(self._call("GET", "requests.json", params=params), submission_key)

    def resolve_token(self, token):
        """The request id a token became, or "" while the server has not assigned one."""
        try:
            body = self._call("GET", f"tokens/{token}.json")
        except Open311Error as error:
            if error.status == 404:  # many servers answer 404 until the request exists
                return ""
            raise
        item = body[0] if isinstance(body, list) and body else body
        if isinstance(item, dict) and item.get("service_request_id"):
            return str(item["service_request_id"])
        return ""

    def request_status(self, service_request_id):
        """The request's status ("open" / "closed") and the city's notes."""
        body = self._call("GET", f"requests/{service_request_id}.json")
        item = body[0] if isinstance(body, list) and body else body
        if not isinstance(item, dict) or not item.get("status"):
            raise Open311Error(
                f"The Open311 server sent no status for request {service_request_id}."
            )
        return RequestStatus(
            service_request_id=str(item.get("service_request_id") or service_request_id),
            status=str(item["status"]),
            status_notes=str(item.get("status_notes") or ""),
            updated_datetime=str(item.get("updated_datetime") or ""),
        )

    def _call(self, method, path, params=None, data=None):
        params = dict(params or {})
        if method == "GET" and self.jurisdiction_id:
            params.setdefault("jurisdiction_id", self.jurisdiction_id)
        url = f"{self.endpoint}/{path}"
        try:
            response = self.session.request(
                method, url, params=params or None, data=data, timeout=self.timeout
            )
        except requests.Timeout as error:
            raise Open311Error(
                f"The Open311 server did not answer within {self.timeout:g} seconds.",
                transient=True,
            ) from error
        except requests.RequestException as error:
            raise Open311Error(
                f"The Open311 server could not be reached ({type(error).__name__}).",
                transient=True,
            ) from error
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise Open311Error(
                error_message(response.status_code, body),
                status=response.status_code,
                transient=response.status_code >= 500 or response.status_code == 429,
            )
        if body is None:
            raise Open311Error(
                f"The Open311 server answered {response.status_code} without JSON.",
                status=response.status_code,
                transient=True,
            )
        return body


# -- the ticket backend -----------------------------------------------------------------------


def media_url_for(post):
    """A picture attached to the post (Mastodon attachments, or a `media_url` key), or ""."""
    raw = post.raw if isinstance(post.raw, dict) else {}
    if raw.get("media_url"):
        return str(raw["media_url"])
    for attachment in raw.get("media_attachments") or []:
        if isinstance(attachment, dict) and attachment.get("type") == "image":
            return str(attachment.get("url") or "")
    return ""


def service_request_for(post):
    """The GeoReport request for an accepted post: the staff's description, where, a picture."""
    description = post.description or post.text
    if post.url:
        description = f"{description}\n\nReported on {post.source.name}: {post.url}"
    return ServiceRequest(
        service_code=post.request_type.open311_service_code,
        description=description,
        lat=post.latitude,
        long=post.longitude,
        address_string=post.place if post.latitude is None else "",
        media_url=media_url_for(post),
    )


class Open311TicketBackend:
    """Tickets as GeoReport v2 service requests; never two requests for one ticket."""

    def __init__(self, ticket):
        self.ticket = ticket

    def client(self):
        from .base import TicketError, open311_settings

        config = open311_settings()
        if not config.endpoint:
            raise TicketError(
                'No Open311 endpoint is configured (CITYUX_SOCIAL["OPEN311"]["ENDPOINT"]).'
            )
        if not config.api_key:
            raise TicketError(
                "No Open311 API key: set the environment variable named by "
                'CITYUX_SOCIAL["OPEN311"]["API_KEY_ENV"] (CITYUX_OPEN311_API_KEY by default).'
            )
        return Open311Client(
            config.endpoint, config.api_key, config.jurisdiction_id, config.timeout
        )

    def submit(self):
        from .base import TicketError

        ticket, post = self.ticket, self.ticket.post
        request_type = post.request_type
        if request_type is None or not request_type.open311_service_code:
            name = request_type.name if request_type else "This post"
            raise TicketError(
                f"{name} has no Open311 service code: add one to the request type, or send "
                "its tickets by e-mail."
            )
        key = str(ticket.submission_key)
        try:
            client = self.client()
            if ticket.token and not ticket.service_request_id:
                ticket.service_request_id = client.resolve_token(ticket.token)
                return
            if ticket.attempts > 1:
                # An earlier attempt may have created the request before its answer was lost.
                found = client.find_request(
                    request_type.open311_service_code, key, since=ticket.created_at
                )
                if found:
                    ticket.service_request_id = found
                    return
            submission = client.post_request(service_request_for(post), submission_key=key)
        except Open311Error as error:
            raise TicketError(str(error), transient=error.transient) from error
        ticket.service_request_id = submission.service_request_id
        ticket.token = submission.token

    def refresh(self):
        from .base import TicketError

        try:
            return self.client().request_status(self.ticket.service_request_id).is_closed
        except Open311Error as error:
            raise TicketError(str(error), transient=error.transient) from error
