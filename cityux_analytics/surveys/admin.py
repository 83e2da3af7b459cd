"""The survey snippet in the admin: listed under "City UX", each lead sees their department's.

Registered in `cityux_analytics/wagtail_hooks.py`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from cityux.admin import DepartmentScopedViewSetMixin, department_filterset
from cityux.exports import formula_safe
from cityux.viewsets import MENU_HOOK

from .models import Survey


class SurveyViewSet(DepartmentScopedViewSetMixin, SnippetViewSet):
    model = Survey
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "form"
    menu_label = _("Surveys")
    menu_hook = MENU_HOOK
    menu_order = 150
    list_display = ["title", "department", LiveStatusTagColumn(), "trigger"]
    # The department and live filters; departments limited to those the user may see.
    filterset_class = department_filterset(Survey, ["department", "live"])
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
        ]
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")
