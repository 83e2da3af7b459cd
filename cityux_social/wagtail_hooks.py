"""Every admin integration of the social inbox: request types, sources, classifier models, the
inbox's URLs and menu items. Its hub section is in `hub.py`, registered in `AppConfig.ready()`.

Request types use wagtail-modeladmin and are department-scoped: a department lead lists, creates
and edits only their department's request types (another's edit URL answers 403); users who see
every department need the model permissions to change them. Sources and classifier models are
city-wide configuration, for users with the model permissions.
"""

from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView, InspectView

from cityux.access import departments_for_user, sees_every_department, visible_department_ids
from cityux.admin import DepartmentMenuItem, DepartmentScopedModelAdminMixin
from cityux.exports import formula_safe
from cityux.models import Department
from cityux.viewsets import MENU_HOOK

from .conf import social_setting
from .inbox import urls as inbox_urls
from .models import ClassifierModel, RequestType, Source

# --- who may manage request types --------------------------------------------------------------


def led_departments(user):
    """The departments `user` is a lead of (member of their lead group)."""
    if not (user.is_authenticated and user.is_active):
        return Department.objects.none()
    return Department.objects.filter(lead_group__user=user)


def manageable_departments(user):
    """Departments whose request types `user` may create, edit and delete."""
    if user.is_superuser or (
        sees_every_department(user) and user.has_perm("cityux_social.change_requesttype")
    ):
        return departments_for_user(user)
    return led_departments(user)


class RequestTypePermissionHelper(PermissionHelper):
    def user_can_list(self, user):
        return bool(visible_department_ids(user))  # read-only for those who cannot manage

    def user_can_create(self, user):
        return manageable_departments(user).exists()

    def user_can_edit_obj(self, user, obj):
        return manageable_departments(user).filter(pk=obj.department_id).exists()

    def user_can_delete_obj(self, user, obj):
        return self.user_can_edit_obj(user, obj)

    def user_can_inspect_obj(self, user, obj):
        return obj.department_id in visible_department_ids(user)


class RequestTypeAdmin(DepartmentScopedModelAdminMixin, ModelAdmin):
    model = RequestType
    index_view_class = formula_safe(IndexView)
    menu_label = _("Request types")
    menu_icon = "tag"
    menu_order = 170
    add_to_admin_menu = False  # it goes in the "City UX" menu
    permission_helper_class = RequestTypePermissionHelper
    list_display = ("name", "department", "open311_service_code", "ticket_backend", "active")
    list_filter = ("active", "ticket_backend")
    search_fields = ("name", "keywords", "phrases")
    list_export = (
        "name",
        "department",
        "open311_service_code",
        "keywords",
        "phrases",
        "patterns",
        "hashtags",
        "mentions",
        "area_name",
        "min_lat",
        "min_lon",
        "max_lat",
        "max_lon",
        "ticket_backend",
        "email_to",
        "active",
    )
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("department"),
                    FieldPanel("active"),
                ],
                heading=_("Request type"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("keywords"),
                    FieldPanel("phrases"),
                    FieldPanel("patterns"),
                    FieldPanel("hashtags"),
                    FieldPanel("mentions"),
                ],
                heading=_("Rules: a post is suspected when a keyword, phrase, pattern or hashtag"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("area_name"),
                    FieldRowPanel([FieldPanel("min_lat"), FieldPanel("max_lat")]),
                    FieldRowPanel([FieldPanel("min_lon"), FieldPanel("max_lon")]),
                ],
                heading=_("Area (posts with coordinates outside it do not match)"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("ticket_backend"),
                    FieldPanel("open311_service_code"),
                    FieldPanel("email_to"),
                ],
                heading=_("Tickets"),
            ),
            MultiFieldPanel(
                [FieldPanel("reply_logged_template"), FieldPanel("reply_fixed_template")],
                heading=_("Replies to the resident"),
            ),
        ],
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


# --- sources -----------------------------------------------------------------------------------


class SourceAdmin(DepartmentScopedModelAdminMixin, ModelAdmin):
    model = Source
    index_view_class = formula_safe(IndexView)
    menu_label = _("Social sources")
    menu_icon = "globe"
    menu_order = 175
    add_to_admin_menu = False
    list_display = ("name", "kind", "enabled", "last_fetched_at", "health", "last_error_at")
    list_filter = ("kind", "enabled")
    search_fields = ("name",)
    list_export = (
        "name",
        "slug",
        "kind",
        "enabled",
        "cursor",
        "last_fetched_at",
        "last_error",
        "last_error_at",
        "replies_per_hour",
    )
    inspect_view_enabled = True
    inspect_view_fields = (
        "name",
        "kind",
        "enabled",
        "config",
        "cursor",
        "last_fetched_at",
        "last_error",
        "last_error_at",
        "replies_per_hour",
    )
    form_fields_exclude = ("cursor", "last_fetched_at", "last_error", "last_error_at")

    def health(self, source):
        if source.last_error_at and (
            source.last_fetched_at is None or source.last_error_at >= source.last_fetched_at
        ):
            return format_html('<span title="{}">⚠ {}</span>', source.last_error, _("failing"))
        if source.last_error:
            return format_html('<span title="{}">{}</span>', source.last_error, _("OK, warnings"))
        return _("OK") if source.last_fetched_at else _("not fetched yet")

    health.short_description = _("Health")


# --- classifier models -------------------------------------------------------------------------


class ReadOnlyPermissionHelper(PermissionHelper):
    """Models are made by training, never by hand."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False


class ClassifierInspectView(InspectView):
    """Why the model was chosen (every candidate's score), per-type figures, the threshold."""

    def get_field_display_value(self, field_name, field=None):
        from .classifier import display

        record = self.instance
        if field_name == "candidates":
            return display.candidates_table(record)
        if field_name == "per_type":
            names = {str(pk): name for pk, name in RequestType.objects.values_list("pk", "name")}
            return display.per_type_table(record, names)
        if field_name == "threshold":
            return display.routing_summary(record, social_setting("REVIEW_CONFIDENCE"))
        return super().get_field_display_value(field_name, field)


class ClassifierModelAdmin(DepartmentScopedModelAdminMixin, ModelAdmin):
    model = ClassifierModel
    index_view_class = formula_safe(IndexView)
    inspect_view_class = ClassifierInspectView
    menu_label = _("Request classifier")
    menu_icon = "cogs"
    menu_order = 176
    add_to_admin_menu = False
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = (
        "created", "decisions_used", "kind", "macro_f1", "precision", "recall", "threshold",
        "active",
    )  # fmt: skip
    list_filter = ("active", "kind")
    list_export = (
        "created", "decisions_used", "kind", "reason", "macro_f1", "precision", "recall",
        "threshold", "routed_precision", "coverage", "active",
    )  # fmt: skip
    inspect_view_enabled = True
    inspect_view_fields = (
        "created", "decisions_used", "active", "kind", "candidates", "per_type", "threshold",
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).defer("estimator")


def _register(model_admin_class):
    model_admin = model_admin_class()
    model_admin.register_with_wagtail()
    hooks.register(MENU_HOOK, model_admin.get_menu_item)
    return model_admin


request_type_admin = _register(RequestTypeAdmin)
source_admin = _register(SourceAdmin)
classifier_admin = _register(ClassifierModelAdmin)


# --- the inbox ---------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_inbox_urls():
    return [path("cityux/social/inbox/", include(inbox_urls, namespace="cityux_social_inbox"))]


@hooks.register(MENU_HOOK)
def register_inbox_menu_item():
    return DepartmentMenuItem(
        _("Social inbox"),
        reverse("cityux_social_inbox:index"),
        name="cityux-social-inbox",
        icon_name="mail",
        order=160,
    )


@hooks.register(MENU_HOOK)
def register_review_menu_item():
    return DepartmentMenuItem(
        _("Posts to review"),
        reverse("cityux_social_inbox:review"),
        name="cityux-social-review",
        icon_name="tasks",
        order=161,
    )


@hooks.register(MENU_HOOK)
def register_replies_menu_item():
    return DepartmentMenuItem(
        _("Replies to residents"),
        reverse("cityux_social_inbox:replies"),
        name="cityux-social-replies",
        icon_name="comment",
        order=162,
    )
