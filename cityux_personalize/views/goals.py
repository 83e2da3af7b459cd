"""Admin: goals (a snippet) and the holdout report, both scoped to the user's departments."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.views.snippets import SnippetViewSet

from cityux.access import visible_department_ids
from cityux.admin import DepartmentScopedViewSetMixin, forbidden
from cityux.exports import FormulaSafeExportMixin, formula_safe
from cityux.viewsets import MENU_HOOK

from .. import reports
from ..goals import flush_exposures
from ..models import Goal

HOLDOUT_URL_NAME = "cityux_personalize_holdout"


# -- goals ------------------------------------------------------------------------------------


class GoalViewSet(DepartmentScopedViewSetMixin, SnippetViewSet):
    model = Goal
    index_view_class = formula_safe(SnippetViewSet.index_view_class)
    icon = "success"
    menu_label = _("Goals")
    menu_hook = MENU_HOOK
    menu_order = 190
    list_display = ["name", "kind", "page", "department"]
    list_export = ["name", "kind", "page", "survey_key", "department"]
    export_filename = "goals"
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("page"),
            FieldPanel("survey_key"),
            FieldPanel("department"),
        ]
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "page")


def goal_add_url(user):
    """Where `user` creates a goal, or None if they may not (they are told whom to ask)."""
    viewset = Goal.snippet_viewset
    if viewset.permission_policy.user_has_permission(user, "add"):
        return reverse(viewset.get_url_name("add"))
    return None


# -- the holdout report -------------------------------------------------------------------------


def percent(value):
    return "" if value is None else f"{value:g}%"


def points(value):
    return "" if value is None else f"{value:+g}"


def interval(low, high, unit=""):
    if low is None:
        return ""
    return f"{low:+g}{unit} to {high:+g}{unit}"


def difference(row):
    if not row["enough_data"]:
        return ""
    low, high = row["absolute_low"], row["absolute_high"]
    return f"{points(row['absolute_lift'])} ({interval(low, high)})"


def rate(row, group):
    if row[f"{group}_rate"] is None:
        return _("no visitors yet")
    return _("%(rate)s (%(converted)s of %(visitors)s)") % {
        "rate": percent(row[f"{group}_rate"]),
        "converted": row[f"{group}_conversions"],
        "visitors": row[f"{group}_visitors"],
    }


class HoldoutReportView(FormulaSafeExportMixin, ReportView):
    """Per segment and goal: conversion of the personalised content against the holdout."""

    page_title = _("Personalisation: value against holdout")
    header_icon = "success"
    index_url_name = HOLDOUT_URL_NAME
    index_results_url_name = "cityux_personalize_holdout_results"
    template_name = "cityux_personalize/goals/report.html"
    results_template_name = "cityux_personalize/goals/report_results.html"
    export_filename = "cityux-personalisation-holdout"
    paginate_by = 50
    columns = [
        Column("sentence", label=_("In plain words")),
        Column("department", label=_("Department")),
        Column("variant", label=_("Saw the content"), accessor=lambda row: rate(row, "variant")),
        Column("holdout", label=_("Held out"), accessor=lambda row: rate(row, "holdout")),
        Column(
            "absolute_lift",
            label=_("Difference (points, 95% CI)"),
            accessor=lambda row: difference(row),
        ),
    ]
    list_export = [
        "segment",
        "department",
        "goal",
        "holdout_percent",
        "variant_visitors",
        "variant_conversions",
        "variant_rate",
        "holdout_visitors",
        "holdout_conversions",
        "holdout_rate",
        "absolute_lift",
        "absolute_low",
        "absolute_high",
        "relative_lift",
        "relative_low",
        "relative_high",
        "enough_data",
        "significant",
        "sentence",
    ]
    export_headings = {
        "segment": _("Segment"),
        "department": _("Department"),
        "goal": _("Goal"),
        "holdout_percent": _("Holdout (%)"),
        "variant_visitors": _("Visitors who saw the content"),
        "variant_conversions": _("Of them, reached the goal"),
        "variant_rate": _("Conversion with content (%)"),
        "holdout_visitors": _("Visitors held out"),
        "holdout_conversions": _("Of them, reached the goal (held out)"),
        "holdout_rate": _("Conversion held out (%)"),
        "absolute_lift": _("Difference (percentage points)"),
        "absolute_low": _("Difference, 95% CI low (Newcombe)"),
        "absolute_high": _("Difference, 95% CI high (Newcombe)"),
        "relative_lift": _("Relative lift (%)"),
        "relative_low": _("Relative lift, 95% CI low (log ratio)"),
        "relative_high": _("Relative lift, 95% CI high (log ratio)"),
        "enough_data": _("Enough data"),
        "significant": _("Clear difference (CI leaves out 0)"),
        "sentence": _("In plain words"),
    }

    def get(self, request, *args, **kwargs):
        if not self.may_see_reports():
            return forbidden(request, _("This report is shown to department leads and analysts."))
        return super().get(request, *args, **kwargs)

    def may_see_reports(self):
        return bool(visible_department_ids(self.request.user))

    def get_queryset(self):
        return self.rows

    @cached_property
    def rows(self):
        # Exposures still waiting for the beat's flush count too (and the demo needs no beat).
        flush_exposures()
        return reports.lift_rows(self.request.user)

    def filter_queryset(self, queryset):
        return queryset

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["min_visitors"] = reports.min_visitors()
        context["goal_add_url"] = goal_add_url(self.request.user)
        return context


def hub_section_context(request, departments):
    """The hub's "Personalisation value" section: the first few sentences of the report."""
    flush_exposures()
    rows, total = reports.headline_rows(request.user, departments)
    return {
        "lift_rows": rows,
        "lift_total": total,
        "report_url": reverse(HOLDOUT_URL_NAME),
        "goal_add_url": goal_add_url(request.user),
    }
