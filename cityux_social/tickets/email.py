"""Tickets as a plain-text e-mail to the request type's address (or its department's)."""

from django.core.mail import send_mail
from django.utils import timezone

from .base import TicketBackend, TicketError


def recipient_for(request_type):
    """Where a request type's tickets go: its own address, else its department's."""
    return request_type.email_to or request_type.department.contact_email


def ticket_email(ticket):
    """(subject, body) of a ticket's e-mail; plain text, so nothing in a post can render."""
    post = ticket.post
    where = (
        f"{post.latitude:.6f}, {post.longitude:.6f}"
        if post.latitude is not None and post.longitude is not None
        else ""
    )
    lines = [
        f"Request {ticket.reference}: {post.request_type.name}",
        "",
        post.description or post.text,
        "",
        f"Where: {', '.join(part for part in (post.place, where) if part) or 'not given'}",
        f"Reported by: {post.author_name or post.author_handle} ({post.author_handle}) "
        f"on {post.source.name}",
        f"Original post: {post.url or 'no link'}",
        "",
        "When this is fixed, mark the request as fixed in the City UX inbox so that the "
        "resident is told.",
    ]
    subject = f"[City request {ticket.reference}] {post.request_type.name}"
    return subject, "\n".join(lines)


class EmailTicketBackend(TicketBackend):
    def submit(self):
        ticket = self.ticket
        if ticket.submitted_at:  # sent by an earlier attempt: never send it twice
            return
        request_type = ticket.post.request_type
        recipient = recipient_for(request_type) if request_type else ""
        if not recipient:
            raise TicketError(
                f"No e-mail address for {request_type or 'this post'}: set “E-mail tickets to” "
                "on the request type or a contact e-mail on its department."
            )
        subject, body = ticket_email(ticket)
        try:
            send_mail(subject, body, None, [recipient])
        except OSError as error:  # SMTP refused or unreachable
            raise TicketError(f"The e-mail could not be sent: {error}", transient=True) from error
        ticket.submitted_at = timezone.now()
