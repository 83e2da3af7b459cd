"""Open311 tickets: an accepted post becomes a GeoReport v2 service request, exactly once."""

from django.utils import timezone

from .base import TicketError, open311_settings
from .open311 import Open311Error, ServiceRequest, TokenNotResolved
from .services import definition_for


def media_url_for(post):
    """A picture attached to the post (Mastodon attachments, or a `media_url` key), or ""."""
    raw = post.raw if isinstance(post.raw, dict) else {}
    if raw.get("media_url"):
        return str(raw["media_url"])
    for attachment in raw.get("media_attachments") or []:
        if isinstance(attachment, dict) and attachment.get("type") == "image":
            return str(attachment.get("url") or "")
    return ""


def service_request_for(ticket):
    """The GeoReport request for a ticket: the staff's description, where, a picture, details."""
    post = ticket.post
    description = post.description or post.text
    if post.url:
        description = f"{description}\n\nReported on {post.source.name}: {post.url}"
    return ServiceRequest(
        service_code=post.request_type.open311_service_code,
        description=description,
        lat=post.latitude,
        long=post.longitude,
        address_string=post.place if post.latitude is None else "",
        address_id=ticket.address_id,
        media_url=media_url_for(post),
        attributes=dict(ticket.attributes or {}),
    )


class Open311TicketBackend:
    """Tickets as GeoReport v2 service requests; never two requests for one ticket."""

    def __init__(self, ticket):
        self.ticket = ticket
        self.config = open311_settings()

    def client(self):
        config = self.config
        if not config.endpoint:
            raise TicketError(
                'No Open311 endpoint is configured (CITYUX_SOCIAL["OPEN311"]["ENDPOINT"]).'
            )
        if not config.api_key:
            raise TicketError(
                "No Open311 API key: set the environment variable named by "
                'CITYUX_SOCIAL["OPEN311"]["API_KEY_ENV"] (CITYUX_OPEN311_API_KEY by default).'
            )
        try:
            return config.client()
        except ValueError as error:  # a FORMAT the system check also reports
            raise TicketError(f'CITYUX_SOCIAL["OPEN311"] is wrong: {error}.') from error

    def submit(self):
        ticket, post = self.ticket, self.ticket.post
        request_type = post.request_type
        if request_type is None or not request_type.open311_service_code:
            name = request_type.name if request_type else "This post"
            raise TicketError(
                f"{name} has no Open311 service code: add one to the request type, or send "
                "its tickets by e-mail."
            )
        code = request_type.open311_service_code
        key = str(ticket.submission_key)
        try:
            client = self.client()
            if ticket.token and not ticket.service_request_id:
                self._resolve(client, code, key)
                return
            if ticket.attempts > 1:
                # An earlier attempt may have created the request before its answer was lost.
                found = client.find_request(code, key, since=ticket.created_at)
                if found != "":
                    ticket.service_request_id = found
                    return
            definition = definition_for(code, client)
            submission = client.post_request(
                service_request_for(ticket), submission_key=key, definition=definition
            )
        except Open311Error as error:
            raise TicketError(str(error), transient=error.transient) from error
        ticket.service_request_id = submission.service_request_id
        ticket.token = submission.token
        if submission.token and not submission.service_request_id:
            ticket.token_received_at = timezone.now()

    def _resolve(self, client, code, key):
        ticket = self.ticket
        try:
            ticket.service_request_id = client.resolve_token(
                ticket.token,
                waiting_since=ticket.token_received_at or ticket.created_at,
                give_up_after=self.config.token_give_up,
            )
        except TokenNotResolved as error:
            # The request may exist all the same: adopt it if its reference is found.
            found = client.find_request(code, key, since=ticket.created_at)
            if found != "":
                ticket.service_request_id = found
                return
            ticket.token = ""  # "Send again" posts anew (after looking the reference up)
            ticket.token_received_at = None
            raise TicketError(
                f"{error} Check the service code and jurisdiction, then use “Send again”."
            ) from error

    def refresh(self):
        try:
            return self.client().request_status(self.ticket.service_request_id).is_closed
        except Open311Error as error:
            raise TicketError(str(error), transient=error.transient) from error
