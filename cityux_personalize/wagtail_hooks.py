"""Every admin integration of cityux_personalize: snippets, page hooks, the value report.

Its hub section is in `hub.py`, registered in `AppConfig.ready()`.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cityux.admin import DepartmentMenuItem
from cityux.viewsets import MENU_HOOK

from .admin import CityAreaViewSet, QuestionnaireViewSet, SegmentViewSet
from .goals import measuring_serve
from .models import CityArea, Goal, Questionnaire, Segment
from .profiles import note_page_view
from .views.goals import GoalViewSet, HoldoutReportView

register_snippet(Segment, viewset=SegmentViewSet)
register_snippet(CityArea, viewset=CityAreaViewSet)
register_snippet(Questionnaire, viewset=QuestionnaireViewSet)
register_snippet(Goal, viewset=GoalViewSet)


@hooks.register("before_serve_page")
def count_page_view(page, request, serve_args, serve_kwargs):
    """Count the view in the visitor's profile (only with personalisation consent)."""
    if request.method == "GET":
        note_page_view(request, page)


@hooks.register("on_serve_page")
def measure_goals_and_drafts(next_serve):
    """Goal pages reached and forms sent count as conversions; a sent form's draft is cleared."""
    return measuring_serve(next_serve)


@hooks.register("register_admin_urls")
def register_holdout_report_urls():
    return [
        path(
            "cityux/personalize/holdout/",
            HoldoutReportView.as_view(),
            name="cityux_personalize_holdout",
        ),
        path(
            "cityux/personalize/holdout/results/",
            HoldoutReportView.as_view(results_only=True),
            name="cityux_personalize_holdout_results",
        ),
    ]


@hooks.register(MENU_HOOK)
def register_holdout_report_menu_item():
    return DepartmentMenuItem(
        _("Personalisation value"),
        reverse("cityux_personalize_holdout"),
        name="cityux-personalize-holdout",
        icon_name="success",
        order=195,
    )
