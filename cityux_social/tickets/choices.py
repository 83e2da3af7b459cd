"""The ticket backends a request type can use and a ticket was sent through: one list.

`RequestType.ticket_backend` and `Ticket.backend` both take their choices from here, and
`tickets.base.backend_for` maps each value to its backend class.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketBackendChoice(models.TextChoices):
    OPEN311 = "open311", _("Open311 GeoReport v2")
    EMAIL = "email", _("E-mail")
