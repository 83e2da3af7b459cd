"""The accept form's fields for an Open311 service definition's attributes.

A request type whose service has a cached definition gets one group of fields, in the server's
`order`, labelled with the attribute's description, its `datatype_description` as help, marked
when required. Only the group of the chosen request type is validated and sent; informational
attributes (`variable: false`) are shown as text. Values are checked with the same rules the
client applies before sending (`tickets/georeport.py`).
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from ..tickets.choices import TicketBackendChoice
from ..tickets.georeport import clean_attributes, parse_w3c, w3c_datetime
from ..tickets.models import Open311Service


def field_name(request_type, attribute):
    return f"attribute-{request_type.pk}-{attribute.code}"


def form_field(attribute):
    """The Django form field for one attribute (required is enforced per chosen type)."""
    label = attribute.description or attribute.code
    if attribute.required:
        label = _("%(label)s (required)") % {"label": label}
    common = {"label": label, "required": False, "help_text": attribute.datatype_description}
    datatype = attribute.datatype
    if datatype == "singlevaluelist":
        return forms.ChoiceField(choices=[("", "—"), *attribute.values], **common)
    if datatype == "multivaluelist":
        return forms.MultipleChoiceField(
            choices=attribute.values, widget=forms.CheckboxSelectMultiple, **common
        )
    if datatype == "datetime":
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(widget=widget, **common)
    if datatype == "number":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if datatype == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=1000, **common)


@dataclass
class AttributeGroup:
    request_type: object
    service: object
    attributes: list
    names: dict = field(default_factory=dict)  # code -> form field name
    notes: list = field(default_factory=list)  # informational attributes' descriptions
    bound: list = field(default_factory=list)  # filled in by the form


def attribute_groups(request_types):
    """One group per request type whose Open311 service has attributes."""
    codes = {t.open311_service_code for t in request_types if t.open311_service_code}
    services = {
        s.service_code: s
        for s in Open311Service.objects.filter(service_code__in=codes, metadata=True)
    }
    groups = []
    for request_type in request_types:
        service = services.get(request_type.open311_service_code)
        if service is None or request_type.ticket_backend != TicketBackendChoice.OPEN311:
            continue
        attributes = service.attributes
        if not attributes:
            continue
        group = AttributeGroup(request_type, service, attributes)
        for attribute in attributes:
            if attribute.variable:
                group.names[attribute.code] = field_name(request_type, attribute)
            elif attribute.description:
                group.notes.append(attribute.description)
        groups.append(group)
    return groups


def add_attribute_fields(form, groups):
    for group in groups:
        for attribute in group.attributes:
            if attribute.code in group.names:
                form.fields[group.names[attribute.code]] = form_field(attribute)


def clean_group(form, group, cleaned):
    """The chosen type's attribute values to send; errors are added to their fields."""
    values = {}
    for code, name in group.names.items():
        value = cleaned.get(name)
        if hasattr(value, "astimezone"):
            value = w3c_datetime(value)
        values[code] = value
    sendable, errors = clean_attributes(group.attributes, values)
    messages = {"required": _("The city's request system needs this for this type.")}
    for code, error in errors.items():
        form.add_error(group.names[code], messages.get(error, error))
    return sendable


def attribute_initial(value):
    """A stored value as its field shows it (a W3C datetime becomes a datetime)."""
    moment = parse_w3c(value) if isinstance(value, str) and "T" in value else None
    return moment if moment is not None else value
