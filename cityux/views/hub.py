"""The "City UX" report hub: a city-wide overview and one page per department."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from ..access import can_see_department, departments_for_user
from ..admin import forbidden
from ..departments import pages_of_department
from ..exports import FormulaSafeExportMixin, SiteAddressExportMixin
from ..hub import apps_without_sections, render_sections
from ..models import Department


def publication_status(page):
    """Live / draft wording from the page's own fields (status_string costs queries per row)."""
    if not page.live:
        return _("draft")
    return _("live + draft") if page.has_unpublished_changes else _("live")


class HubOverviewView(FormulaSafeExportMixin, ReportView):
    """Every department the user may see, with each app's city-wide section above."""

    template_name = "cityux/hub/overview.html"
    page_title = _("City UX")
    header_icon = "view"
    model = Department
    permission_required = "view"
    index_url_name = "cityux_hub:overview"
    index_results_url_name = "cityux_hub:overview_results"
    export_filename = "cityux-departments"
    paginate_by = 50
    columns = [
        TitleColumn(
            "name",
            label=_("Department"),
            get_url=lambda department: reverse("cityux_hub:department", args=[department.slug]),
        ),
        Column("owned_page_count", label=_("Owned page trees")),
        Column("contact_email", label=_("Contact")),
        Column("lead_group", label=_("Lead group")),
    ]
    list_export = ["name", "slug", "owned_page_count", "contact_email", "lead_group"]
    export_headings = {
        "name": _("Department"),
        "slug": _("Slug"),
        "owned_page_count": _("Owned page trees"),
        "contact_email": _("Contact e-mail"),
        "lead_group": _("Lead group"),
    }

    def get_queryset(self):
        return (
            departments_for_user(self.request.user)
            .select_related("lead_group")
            .annotate(owned_page_count=Count("root_pages"))
            .order_by("name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.results_only:
            departments = departments_for_user(self.request.user)
            context["sections"] = render_sections(self.request, departments)
            context["apps_without_sections"] = apps_without_sections()
            context["department_count"] = departments.count()
        return context


class DepartmentHubView(SiteAddressExportMixin, FormulaSafeExportMixin, ReportView):
    """One department's reports, and the pages it owns (what its reports are about)."""

    template_name = "cityux/hub/department.html"
    header_icon = "site"
    model = Department
    permission_required = "view"
    index_url_name = "cityux_hub:department"
    index_results_url_name = "cityux_hub:department_results"
    paginate_by = 50
    columns = [
        TitleColumn(
            "title",
            label=_("Page"),
            get_url=lambda page: reverse("wagtailadmin_pages:edit", args=[page.pk]),
        ),
        Column("url", label=_("Address")),
        Column("publication_status", label=_("Status")),
        DateColumn("last_published_at", label=_("Last published")),
    ]
    list_export = ["title", "full_url", "publication_status", "last_published_at"]
    address_fields = ("full_url",)
    export_headings = {
        "title": _("Page"),
        "full_url": _("Address"),
        "publication_status": _("Status"),
        "last_published_at": _("Last published"),
    }

    @cached_property
    def department(self):
        return get_object_or_404(Department, slug=self.kwargs["slug"])

    def get(self, request, *args, **kwargs):
        # A plain 403 (not Wagtail's redirect to the dashboard), for pages and exports alike.
        if not can_see_department(request.user, self.department):
            reason = _(
                "Reports of %(name)s are shown to its leads and to city-wide analysts only."
            ) % {"name": self.department.name}
            return forbidden(request, reason)
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.department.name

    def get_filename(self):
        return f"cityux-{self.department.slug}-pages"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.department.slug])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.department.slug])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": "", "label": self.department.name},
        ]

    def get_queryset(self):
        return pages_of_department(self.department).order_by("path")

    def decorate_paginated_queryset(self, pages):
        pages = list(pages)
        for page in pages:
            page.publication_status = publication_status(page)
        return pages

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["department"] = self.department
        if not self.results_only:
            departments = Department.objects.filter(pk=self.department.pk)
            context["sections"] = render_sections(self.request, departments)
            context["apps_without_sections"] = apps_without_sections()
        return context
