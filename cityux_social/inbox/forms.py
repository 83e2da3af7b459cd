"""The inbox's forms. Every choice is limited to what the user may see."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityux.access import departments_for_user

from ..models import RequestType
from ..tickets.choices import TicketBackendChoice
from .attribute_fields import (
    add_attribute_fields,
    attribute_groups,
    attribute_initial,
    clean_group,
)

DISMISS_REASONS = [
    ("Not a service request", _("Not a service request")),
    ("Already reported", _("Already reported")),
    ("Outside the city", _("Outside the city")),
    ("Spam or abuse", _("Spam or abuse")),
]


def request_types_for(user):
    return RequestType.objects.filter(
        active=True, department__in=departments_for_user(user)
    ).select_related("department")


class RequestTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.department.name})"


class AcceptForm(forms.Form):
    request_type = RequestTypeChoiceField(label=_("Type of request"), queryset=RequestType.objects)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        help_text=_("Left empty: the department that handles this type."),
    )
    description = forms.CharField(
        label=_("Description sent to the city's request system"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3800,
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    place = forms.CharField(label=_("Address or place"), required=False, max_length=500)
    address_id = forms.CharField(
        label=_("Address id in the city's register"),
        required=False,
        max_length=128,
        help_text=_("Optional: sent to the city's request system as its own address id."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        types = request_types_for(user)
        self.fields["request_type"].queryset = types
        self.fields["department"].queryset = departments_for_user(user)
        self.main_field_names = list(self.fields)
        self.attribute_groups = attribute_groups(list(types))
        add_attribute_fields(self, self.attribute_groups)

    def main_fields(self):
        return [self[name] for name in self.main_field_names]

    def groups(self):
        """The attribute groups with their bound fields, for the template."""
        for group in self.attribute_groups:
            group.bound = [self[name] for name in group.names.values()]
        return self.attribute_groups

    def clean(self):
        cleaned = super().clean()
        request_type = cleaned.get("request_type")
        if request_type and not cleaned.get("department"):
            cleaned["department"] = request_type.department
        department = cleaned.get("department")
        if request_type and department and request_type.department_id != department.pk:
            self.add_error(
                "department",
                _("%(type)s is handled by %(department)s.")
                % {"type": request_type.name, "department": request_type.department.name},
            )
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("longitude", _("Give both a latitude and a longitude, or neither."))
        if (
            request_type
            and request_type.ticket_backend == TicketBackendChoice.OPEN311
            and latitude is None
            and not cleaned.get("place", "").strip()
            and not cleaned.get("address_id", "").strip()
        ):
            self.add_error("place", _("The city's request system needs a location or address."))
        cleaned["attributes"] = {}
        for group in self.attribute_groups:
            if request_type is not None and group.request_type.pk == request_type.pk:
                cleaned["attributes"] = clean_group(self, group, cleaned)
        return cleaned


class RetryForm(forms.Form):
    """ "Send again", with the Open311 details of the ticket's type to correct (if it has any)."""

    def __init__(self, *args, ticket, **kwargs):
        request_type = ticket.post.request_type
        groups = attribute_groups([request_type]) if request_type is not None else []
        self.group = groups[0] if groups else None
        initial = {}
        if self.group is not None:
            for code, name in self.group.names.items():
                initial[name] = attribute_initial(ticket.attributes.get(code))
        super().__init__(*args, initial=initial, **kwargs)
        if self.group is not None:
            add_attribute_fields(self, [self.group])
            self.group.bound = [self[name] for name in self.group.names.values()]

    def clean(self):
        cleaned = super().clean()
        if self.group is not None:
            cleaned["attributes"] = clean_group(self, self.group, cleaned)
        return cleaned


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DISMISS_REASONS)
    other = forms.CharField(label=_("Or in your words"), required=False, max_length=255)

    def clean(self):
        cleaned = super().clean()
        cleaned["reason"] = cleaned.get("other", "").strip() or cleaned.get("reason", "")
        return cleaned


def staff_for(user):
    """The people a post could be assigned to: leads of the user's departments, city-wide staff.

    `decisions.assign` checks the chosen person against the post's own department.
    """
    lead_groups = [d.lead_group_id for d in departments_for_user(user) if d.lead_group_id]
    city_wide = Q(groups__permissions__codename="view_all_departments") | Q(
        user_permissions__codename="view_all_departments"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__in=lead_groups) | Q(is_superuser=True) | city_wide)
        .distinct()
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_for(user).order_by("username")


class BulkForm(forms.Form):
    ACTIONS = [
        ("accept", _("Accept as proposed")),
        ("dismiss", _("Dismiss")),
        ("assign", _("Assign")),
    ]
    action = forms.ChoiceField(label=_("With the selected posts"), choices=ACTIONS)
    post = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": _("Select at least one post.")}
    )
    reason = forms.ChoiceField(label=_("Dismiss reason"), choices=DISMISS_REASONS, required=False)
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, user, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["assignee"].queryset = staff_for(user).order_by("username")
