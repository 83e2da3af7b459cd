"""An Open311 GeoReport v2 client: services, create a service request, follow its token and status.

`Open311Client` is plain HTTP with `requests`, no Django: every method takes and returns plain
values, so it is tested against a local spec-validating server without the database. It speaks
JSON or XML (`fmt`); the wire details (parsing, error lists, attributes) are in `georeport.py`.
`open311_backend.py` puts it behind the ticket backend interface.

Duplicates. GeoReport v2 has no idempotency key, and a POST whose answer is lost (a timeout,
a dropped connection) may still have created the request. The client marks the request in the
one free-text field every service accepts: the description ends with a reference line holding
our submission key (`[CityUX ref 1b9d…]`). Before posting again the caller looks the request up
with `GET requests?service_code=…&start_date=…&end_date=…&status=open,closed` and adopts a
request carrying that reference. Servers cap such answers (1,000 by default in the spec), so a
full answer is narrowed by halving the window until every part is below the cap; a window that
cannot be narrowed further is an error, never a second POST. A returned `token` is stored at
once and never posted again; it is resolved later with `GET tokens/{token}`.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

from .georeport import (
    FORM_CONTENT_TYPE,
    FORMATS,
    GeoReportError,
    attribute_pairs,
    clean_attributes,
    describe_attribute_errors,
    error_message,
    first_item,
    parse_attributes,
    parse_body,
    present,
    text_of,
    w3c_datetime,
)

# GeoReport v2 descriptions are limited to 4,000 characters.
DESCRIPTION_LIMIT = 4000
# How far around our attempts a lookup searches: servers stamp requests with their own clock.
LOOKUP_SLACK = datetime.timedelta(minutes=10)
# The spec's default cap on GET requests answers.
LOOKUP_CAP = 1000
# The spec lets one search span at most 90 days: a longer window is searched in parts.
MAX_WINDOW = datetime.timedelta(days=90)
# A window this short that still fills the cap cannot be narrowed further.
NARROWEST_WINDOW = datetime.timedelta(seconds=2)


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
    address_id: str = ""
    media_url: str = ""
    attributes: dict = field(default_factory=dict)  # code -> value, or list for multivaluelist


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


def request_form(request, api_key, jurisdiction_id="", submission_key=""):
    """The form fields of `POST requests` for `request`, as (name, value) pairs."""
    form = [("api_key", api_key)]
    if jurisdiction_id:
        form.append(("jurisdiction_id", jurisdiction_id))
    form.append(("service_code", request.service_code))
    located = False
    if request.lat is not None and request.long is not None:
        form += [("lat", f"{request.lat:.6f}"), ("long", f"{request.long:.6f}")]
        located = True
    if present(request.address_string):
        form.append(("address_string", request.address_string))
        located = True
    if present(request.address_id):
        form.append(("address_id", str(request.address_id)))
        located = True
    if not located:
        raise Open311Error(
            "A location is needed: give a latitude and longitude, an address or an address id "
            "before sending."
        )
    description = request.description
    if submission_key:
        description = with_reference(description, submission_key)
    form.append(("description", description))
    if request.media_url:
        form.append(("media_url", request.media_url))
    return form + attribute_pairs(request.attributes)


def parse_submission(body):
    """The request id or token out of a POST's answer (a one-element list, per the spec).

    An answer without either is transient: the request may exist, and the retry looks it up.
    """
    item = first_item(body)
    if not isinstance(item, dict):
        raise Open311Error(
            "The Open311 server answered with something that is not a request.", transient=True
        )
    request_id, token = item.get("service_request_id"), item.get("token")
    if not present(request_id) and not present(token):
        raise Open311Error(
            "The Open311 server answered without a request id or a token.", transient=True
        )
    return Submission(
        service_request_id=text_of(request_id),
        token=text_of(token),
        service_notice=text_of(item.get("service_notice")),
    )


def find_marked(requests_list, submission_key):
    """The id of the request whose description carries `submission_key`'s reference, or ""."""
    line = reference_line(submission_key)
    for item in requests_list if isinstance(requests_list, list) else []:
        if isinstance(item, dict) and line in text_of(item.get("description")):
            if present(item.get("service_request_id")):
                return text_of(item["service_request_id"])
    return ""


class TokenNotResolved(Open311Error):
    """The server kept a token unresolved past the configured time: staff must look at it."""


def _span(delta):
    hours = delta.total_seconds() / 3600
    return f"{hours:g} hours" if hours >= 1 else f"{delta.total_seconds() / 60:g} minutes"


class Open311Client:
    """One GeoReport v2 endpoint, e.g. `https://311.example.gov/open311/v2`, in JSON or XML."""

    def __init__(
        self,
        endpoint,
        api_key,
        jurisdiction_id="",
        timeout=10.0,
        session=None,
        fmt="json",
        lookup_cap=LOOKUP_CAP,
    ):
        if fmt not in FORMATS:
            raise ValueError(f"Open311 format must be one of {FORMATS}, not {fmt!r}")
        self.endpoint = endpoint.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.timeout = timeout
        self.session = session or requests.Session()
        self.fmt = fmt
        self.lookup_cap = lookup_cap

    def _path(self, name):
        return f"{name}.{self.fmt}"

    def services(self):
        """The services the server publishes (`GET services`), as dicts with `metadata` a bool."""
        from .georeport import flag

        body = self._call("GET", self._path("services"))
        services = []
        for item in body if isinstance(body, list) else []:
            if isinstance(item, dict) and present(item.get("service_code")):
                services.append(
                    {
                        "service_code": text_of(item["service_code"]),
                        "service_name": text_of(item.get("service_name")),
                        "description": text_of(item.get("description")),
                        "metadata": flag(item.get("metadata")),
                        "type": text_of(item.get("type")),
                        "keywords": text_of(item.get("keywords")),
                        "group": text_of(item.get("group")),
                    }
                )
        return services

    def service_definition(self, service_code):
        """The raw definition of a service with `metadata` (`GET services/{code}`)."""
        body = first_item(self._call("GET", self._path(f"services/{service_code}")))
        if not isinstance(body, dict):
            raise Open311Error(f"The Open311 server sent no definition for {service_code}.")
        return body

    def post_request(self, request, submission_key="", definition=None):
        """Create a service request; the answer holds its id, or a token to resolve later.

        With the service's `definition`, the attributes are checked first: a missing required
        one or a value outside its list is refused here, before anything is sent.
        """
        if definition is not None:
            attributes = parse_attributes(definition)
            cleaned, errors = clean_attributes(attributes, request.attributes)
            if errors:
                raise Open311Error(
                    "The request's details do not fit the service "
                    f"{request.service_code}: {describe_attribute_errors(attributes, errors)}."
                )
            request = ServiceRequest(**{**request.__dict__, "attributes": cleaned})
        form = request_form(request, self.api_key, self.jurisdiction_id, submission_key)
        return parse_submission(self._call("POST", self._path("requests"), form=form))

    def find_request(self, service_code, submission_key, since, until=None):
        """The id of the request we created with `submission_key` between `since` and `until`
        (now by default), or "" when the server's complete answer has no such request."""
        until = until or datetime.datetime.now(datetime.UTC)
        return self._find(service_code, submission_key, since - LOOKUP_SLACK, until + LOOKUP_SLACK)

    def _find(self, service_code, submission_key, start, end):
        if end - start > MAX_WINDOW:
            return self._halves(service_code, submission_key, start, end)
        params = {
            "service_code": service_code,
            "start_date": w3c_datetime(start),
            "end_date": w3c_datetime(end),
            "status": "open,closed",
        }
        items = self._call("GET", self._path("requests"), params=params)
        items = items if isinstance(items, list) else []
        found = find_marked(items, submission_key)
        if found or len(items) < self.lookup_cap:
            return found
        if end - start <= NARROWEST_WINDOW:
            raise Open311Error(
                f"The Open311 server holds {len(items)} or more {service_code} requests within "
                f"{(end - start).total_seconds():g} seconds, its cap: whether the earlier attempt "
                "created the request cannot be told, so it is not sent again. Look it up in the "
                "city's system."
            )
        return self._halves(service_code, submission_key, start, end)

    def _halves(self, service_code, submission_key, start, end):
        # Our request was made soon after `since`: the earlier half is searched first.
        middle = start + (end - start) / 2
        return self._find(service_code, submission_key, start, middle) or self._find(
            service_code, submission_key, middle, end
        )

    def resolve_token(self, token, waiting_since=None, give_up_after=None):
        """The request id a token became, or "" while the server has not assigned one.

        A server may answer 404 (or an empty answer) until the request exists, but also for a
        token it will never resolve; after `give_up_after` since `waiting_since` this raises
        TokenNotResolved with the server's last answer.
        """
        try:
            item = first_item(self._call("GET", self._path(f"tokens/{token}")))
            why = "it answered without a request id"
        except Open311Error as error:
            if error.status != 404:
                raise
            item, why = None, str(error)
        if isinstance(item, dict) and present(item.get("service_request_id")):
            return text_of(item["service_request_id"])
        if waiting_since is not None and give_up_after is not None:
            if datetime.datetime.now(datetime.UTC) - waiting_since >= give_up_after:
                raise TokenNotResolved(
                    f"The Open311 server has not turned token {token} into a request in "
                    f"{_span(give_up_after)}; its last answer: {why}"
                )
        return ""

    def request_status(self, service_request_id):
        """The request's status ("open" / "closed") and the city's notes."""
        body = self._call("GET", self._path(f"requests/{service_request_id}"))
        item = first_item(body)
        if not isinstance(item, dict) or not present(item.get("status")):
            raise Open311Error(
                f"The Open311 server sent no status for request {service_request_id}."
            )
        return RequestStatus(
            service_request_id=text_of(item.get("service_request_id")) or str(service_request_id),
            status=text_of(item["status"]),
            status_notes=text_of(item.get("status_notes")),
            updated_datetime=text_of(item.get("updated_datetime")),
        )

    def _call(self, method, path, params=None, form=None):
        params = dict(params or {})
        if method == "GET" and self.jurisdiction_id:
            params.setdefault("jurisdiction_id", self.jurisdiction_id)
        headers, data = {}, None
        if form is not None:
            headers["Content-Type"] = FORM_CONTENT_TYPE
            data = urlencode(form).encode("ascii")
        try:
            response = self.session.request(
                method,
                f"{self.endpoint}/{path}",
                params=params or None,
                data=data,
                headers=headers,
                timeout=self.timeout,
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
            body = parse_body(response.content, response.headers.get("Content-Type", ""))
        except GeoReportError as error:
            body, unreadable = None, str(error)
        if response.status_code >= 400:
            raise Open311Error(
                error_message(response.status_code, body, posting=method == "POST"),
                status=response.status_code,
                transient=response.status_code >= 500 or response.status_code == 429,
            )
        if body is None:  # after a POST the request may exist: a retry looks it up first
            raise Open311Error(
                f"The Open311 server answered {response.status_code} with {unreadable}.",
                status=response.status_code,
                transient=True,
            )
        return body
