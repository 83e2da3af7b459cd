"""Admin screens for departments and consent groups (both editable by city-wide admins)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .access import can_see_department, departments_for_user
from .exports import FormulaSafeExportMixin
from .models import Department

MENU_HOOK = "register_cityux_menu_item"


class DepartmentIndexView(FormulaSafeExportMixin, IndexView):
    def get_base_queryset(self):
        return departments_for_user(self.request.user).select_related("lead_group")


class DepartmentInspectView(InspectView):
    def get_object(self, queryset=None):
        department = super().get_object(queryset)
        if not can_see_department(self.request.user, department):
            raise Http404
        return department


class DepartmentViewSet(ModelViewSet):
    model = Department
    index_view_class = DepartmentIndexView
    inspect_view_class = DepartmentInspectView
    icon = "group"
    menu_label = _("Departments")
    menu_hook = MENU_HOOK
    menu_order = 200
    name = "cityux_departments"
    list_display = ["name", "contact_email", "lead_group"]
    list_export = ["name", "slug", "description", "contact_email", "lead_group"]
    search_fields = ["name", "description"]
    inspect_view_enabled = True


class CityUXMenu(ViewSetGroup):
    """The "City UX" menu: the report hub first, then what admins configure."""

    menu_label = _("City UX")
    menu_icon = "view"
    menu_order = 250
    submenu_hook = MENU_HOOK
    items = ()
