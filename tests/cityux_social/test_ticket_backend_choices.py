"""One ticket-backend choice list: request types and tickets offer the same backends."""

from cityux_social.models import RequestType
from cityux_social.tickets.base import backend_for
from cityux_social.tickets.choices import TicketBackendChoice
from cityux_social.tickets.models import Ticket


def test_request_types_and_tickets_take_their_backends_from_one_list():
    request_type_choices = RequestType._meta.get_field("ticket_backend").choices
    ticket_choices = Ticket._meta.get_field("backend").choices
    assert request_type_choices == ticket_choices == TicketBackendChoice.choices


def test_every_backend_a_request_type_may_choose_has_a_backend_class():
    for value in RequestType._meta.get_field("ticket_backend").choices:
        assert backend_for(Ticket(backend=value[0])) is not None
