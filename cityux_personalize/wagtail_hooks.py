"""Every admin integration of cityux_personalize: snippets, page hooks, the value report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cityux.admin import DepartmentMenuItem
from cityux.hub import HubSection, register_section
from cityux.viewsets import MENU_HOOK

from .admin import register_snippets
from .goals import measuring_serve
from .models import Goal
from .profiles import note_page_view
from .views.goals import GoalViewSet, HoldoutReportView, hub_section_context

register_snippets()


@hooks.register("before_serve_page")
def count_page_view(page, request, serve_args, serve_kwargs):
    """Count the view in the visitor's profile (only with personalisation consent)."""
    if request.method == "GET":
        note_page_view(request, page)


register_snippet(Goal, viewset=GoalViewSet)
register_section(
    HubSection(
        app_label="cityux_personalize",
        title=_("Personalisation value"),
        template_name="cityux_personalize/goals/hub_section.html",
        get_context=hub_section_context,
        order=40,
    )
)


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
