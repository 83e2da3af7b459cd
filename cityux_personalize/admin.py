"""The snippets editors use: segments (per department), city areas and questionnaires."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cityux.access import departments_for_user, sees_every_department
from cityux.exports import formula_safe
from cityux.viewsets import MENU_HOOK

from .models import CityArea, Questionnaire, Segment


class SegmentPermissionPolicy(ModelPermissionPolicy):
    """Model permissions; a department's segment only for users who may see that department."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return (
            instance.department_id is None
            or sees_every_department(user)
            or departments_for_user(user).filter(pk=instance.department_id).exists()
        )


class OwnDepartmentsOnly:
    """403 for another department's segment in every view that opens one segment."""

    def dispatch(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        if pk.isdigit() and not sees_every_department(request.user):
            elsewhere = (
                Segment.objects.filter(pk=pk, department__isnull=False)
                .exclude(department__in=departments_for_user(request.user))
                .exists()
            )
            if elsewhere:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def own_departments_only(view_class):
    return type(f"Segment{view_class.__name__}", (OwnDepartmentsOnly, view_class), {})


class SegmentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields and not sees_every_department(self.for_user):
            self.fields["department"].queryset = departments_for_user(self.for_user)
            self.fields["department"].required = True


def _visible_departments(request):
    return departments_for_user(request.user if request is not None else None)


class SegmentFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_visible_departments
    )

    class Meta:
        model = Segment
        fields = ["department", "live"]


class SegmentViewSet(SnippetViewSet):
    model = Segment
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "group"
    menu_label = _("Segments")
    menu_hook = MENU_HOOK
    menu_order = 160
    list_display = ["name", "department", LiveStatusTagColumn(), "match", "holdout_percent"]
    list_export = ["name", "description", "department", "live", "match", "holdout_percent"]
    export_filename = "segments"
    filterset_class = SegmentFilterSet
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("department"),
            MultiFieldPanel([FieldPanel("match"), FieldPanel("rules")], heading=_("Rules")),
            FieldPanel("holdout_percent"),
        ],
        base_form_class=SegmentForm,
    )

    copy_view_class = own_departments_only(SnippetViewSet.copy_view_class)
    edit_view_class = own_departments_only(SnippetViewSet.edit_view_class)
    delete_view_class = own_departments_only(SnippetViewSet.delete_view_class)
    usage_view_class = own_departments_only(SnippetViewSet.usage_view_class)
    history_view_class = own_departments_only(SnippetViewSet.history_view_class)
    inspect_view_class = own_departments_only(SnippetViewSet.inspect_view_class)
    revisions_view_class = own_departments_only(SnippetViewSet.revisions_view_class)
    revisions_compare_view_class = own_departments_only(SnippetViewSet.revisions_compare_view_class)
    unpublish_view_class = own_departments_only(SnippetViewSet.unpublish_view_class)
    preview_on_edit_view_class = own_departments_only(SnippetViewSet.preview_on_edit_view_class)
    lock_view_class = own_departments_only(SnippetViewSet.lock_view_class)
    unlock_view_class = own_departments_only(SnippetViewSet.unlock_view_class)

    def get_queryset(self, request):
        queryset = Segment.objects.select_related("department")
        if sees_every_department(request.user):
            return queryset
        return queryset.filter(
            Q(department__isnull=True) | Q(department__in=departments_for_user(request.user))
        )


class CityAreaViewSet(SnippetViewSet):
    model = CityArea
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "site"
    menu_label = _("City areas")
    menu_hook = MENU_HOOK
    menu_order = 170
    list_display = ["name", "slug"]
    list_export = ["name", "slug", "geojson"]
    export_filename = "city-areas"
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("geojson")]


class QuestionnaireViewSet(SnippetViewSet):
    model = Questionnaire
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "help"
    menu_label = _("Questionnaires")
    menu_hook = MENU_HOOK
    menu_order = 180
    list_display = ["question", "slug"]
    list_export = ["question", "slug", "help_text", "choices", "thank_you_message"]
    export_filename = "questionnaires"
    search_fields = ["question"]
    panels = [
        FieldPanel("question"),
        FieldPanel("slug"),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldPanel("thank_you_message"),
    ]


_registered = False


def register_snippets():
    """Register the three snippets and the segment permission policy; once."""
    global _registered
    if not _registered:
        _registered = True
        register_permission_policy(Segment, SegmentPermissionPolicy(Segment))
        register_snippet(Segment, viewset=SegmentViewSet)
        register_snippet(CityArea, viewset=CityAreaViewSet)
        register_snippet(Questionnaire, viewset=QuestionnaireViewSet)
