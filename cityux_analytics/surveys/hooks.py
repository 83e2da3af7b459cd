"""The survey snippet in the admin: listed under "City UX", each lead sees their department's.

`register()` is called once from `cityux_analytics/wagtail_hooks.py`.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cityux.access import departments_for_user, scope_to_user, sees_every_department
from cityux.exports import formula_safe
from cityux.viewsets import MENU_HOOK

from .models import Survey


class OwnDepartmentsOnly:
    """403 for another department's survey, in every view that opens one survey.

    Wagtail's generic views check model permissions only; the instance check is ours.
    """

    def dispatch(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        if pk.isdigit() and not sees_every_department(request.user):
            elsewhere = Survey.objects.filter(pk=pk).exclude(
                department__in=departments_for_user(request.user)
            )
            if elsewhere.exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def own_departments_only(view_class):
    return type(f"Survey{view_class.__name__}", (OwnDepartmentsOnly, view_class), {})


class SurveyForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "department" in self.fields:
            self.fields["department"].queryset = departments_for_user(self.for_user)


def _visible_departments(request):
    return departments_for_user(request.user if request is not None else None)


class SurveyFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_visible_departments
    )

    class Meta:
        model = Survey
        fields = ["department", "live"]


class SurveyViewSet(SnippetViewSet):
    model = Survey
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "form"
    menu_label = _("Surveys")
    menu_hook = MENU_HOOK
    menu_order = 150
    list_display = ["title", "department", LiveStatusTagColumn(), "trigger"]
    # The department and live filters; departments limited to those the user may see.
    filterset_class = SurveyFilterSet
    list_export = [
        "title",
        "department",
        "live",
        "trigger",
        "trigger_value",
        "sample_rate",
        "frequency_cap_days",
        "starts_at",
        "ends_at",
        "is_report_problem",
        "is_city_wide_fallback",
    ]
    export_filename = "surveys"
    search_fields = ["title"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("department"),
                    FieldPanel("language"),
                    FieldPanel("questions"),
                    FieldPanel("thank_you_message"),
                ],
                heading=_("Questions"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "page_targets",
                        heading=_("Pages"),
                        label=_("Page"),
                        panels=[FieldPanel("page"), FieldPanel("include_descendants")],
                    ),
                    FieldPanel("target_departments", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("url_patterns"),
                ],
                heading=_("Where"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [FieldPanel("trigger"), FieldPanel("trigger_value")],
                        heading=_("Trigger"),
                    ),
                    FieldPanel("sample_rate"),
                    FieldPanel("frequency_cap_days"),
                    MultiFieldPanel(
                        [FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Dates")
                    ),
                    MultiFieldPanel(
                        [FieldPanel("is_report_problem"), FieldPanel("is_city_wide_fallback")],
                        heading=_("Report a problem with this page"),
                    ),
                ],
                heading=_("When"),
            ),
        ],
        base_form_class=SurveyForm,
    )

    copy_view_class = own_departments_only(SnippetViewSet.copy_view_class)
    edit_view_class = own_departments_only(SnippetViewSet.edit_view_class)
    delete_view_class = own_departments_only(SnippetViewSet.delete_view_class)
    usage_view_class = own_departments_only(SnippetViewSet.usage_view_class)
    history_view_class = own_departments_only(SnippetViewSet.history_view_class)
    inspect_view_class = own_departments_only(SnippetViewSet.inspect_view_class)
    revisions_view_class = own_departments_only(SnippetViewSet.revisions_view_class)
    revisions_compare_view_class = own_departments_only(SnippetViewSet.revisions_compare_view_class)
    revisions_unschedule_view_class = own_departments_only(
        SnippetViewSet.revisions_unschedule_view_class
    )
    unpublish_view_class = own_departments_only(SnippetViewSet.unpublish_view_class)
    preview_on_edit_view_class = own_departments_only(SnippetViewSet.preview_on_edit_view_class)
    lock_view_class = own_departments_only(SnippetViewSet.lock_view_class)
    unlock_view_class = own_departments_only(SnippetViewSet.unlock_view_class)

    def get_queryset(self, request):
        return scope_to_user(Survey.objects.select_related("department"), request.user)


_registered = False


def register():
    """Register the survey snippet (its permission policy comes with the model); once."""
    global _registered
    if not _registered:
        _registered = True
        register_snippet(Survey, viewset=SurveyViewSet)
