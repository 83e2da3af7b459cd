"""The "Consent groups" admin screens; imported only when django-cookie-consent is installed."""

from cookie_consent.models import CookieGroup
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .exports import formula_safe
from .viewsets import MENU_HOOK


class ConsentGroupViewSet(ModelViewSet):
    model = CookieGroup
    index_view_class = formula_safe(IndexView)
    icon = "lock"
    menu_label = _("Consent groups")
    menu_hook = MENU_HOOK
    menu_order = 300
    name = "cityux_consent_groups"
    list_display = ["name", "varname", "is_required"]
    list_export = ["varname", "name", "description", "is_required", "is_deletable"]
    form_fields = ["name", "description", "is_required", "is_deletable", "ordering"]
