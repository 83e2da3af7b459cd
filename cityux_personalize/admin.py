"""The snippets editors use: segments (per department), city areas and questionnaires.

Registered in `cityux_personalize/wagtail_hooks.py`.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from cityux.admin import DepartmentScopedViewSetMixin, department_filterset
from cityux.exports import formula_safe
from cityux.viewsets import MENU_HOOK

from .models import CityArea, Questionnaire, Segment


class SegmentViewSet(DepartmentScopedViewSetMixin, SnippetViewSet):
    model = Segment
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "group"
    menu_label = _("Segments")
    menu_hook = MENU_HOOK
    menu_order = 160
    list_display = ["name", "department", LiveStatusTagColumn(), "match", "holdout_percent"]
    list_export = ["name", "description", "department", "live", "match", "holdout_percent"]
    export_filename = "segments"
    filterset_class = department_filterset(Segment, ["department", "live"])
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("department"),
            MultiFieldPanel([FieldPanel("match"), FieldPanel("rules")], heading=_("Rules")),
            FieldPanel("holdout_percent"),
        ]
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


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
