"""CSV exports that a spreadsheet cannot run (OWASP "CSV injection").

Residents write the text that reaches our exports (social posts, survey comments, form answers).
A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets, so such a cell is prefixed with a single quote: the
spreadsheet shows the text as written and runs nothing. Wagtail leaves this to each project
(wagtail/wagtail#3466); its XLSX export already stores formulas as text.

Every admin view that exports, Wagtail's `ReportView`, `IndexView`, snippet and ModelAdmin index
views alike, mixes in `FormulaSafeExportMixin` first:

    class InboxView(FormulaSafeExportMixin, ReportView): ...

    class SurveyViewSet(SnippetViewSet):
        index_view_class = formula_safe(SnippetViewSet.index_view_class)
"""

import datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.models import Site

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A Site on one of these hosts is a placeholder (Wagtail's default), not the city's address.
PLACEHOLDER_HOSTS = ("localhost", "127.0.0.1", "::1", "")


def local_time(value, export_format):
    """An instant on the site's clock (TIME_ZONE), as people read it; Wagtail writes UTC.

    XLSX cells hold no time zone, so they get the local wall time.
    """
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        return value
    value = timezone.localtime(value)
    return (
        timezone.make_naive(value) if export_format == SpreadsheetExportMixin.FORMAT_XLSX else value
    )


def escape_formula(value):
    """The cell text with a leading `'` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    """Escape formula-like text cells in the CSV exports of a Wagtail export view."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(
            field, local_time(value, export_format), export_format
        )
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return escape_formula(value)
        return value

    def get_heading(self, queryset, field):
        # Headings are ours, but some name things residents or editors typed (survey questions).
        return escape_formula(super().get_heading(queryset, field))


def formula_safe(view_class):
    """`view_class` with `FormulaSafeExportMixin`, for viewsets' default index views."""
    return type(f"FormulaSafe{view_class.__name__}", (FormulaSafeExportMixin, view_class), {})


def site_root():
    """The public site's root URL: the default Wagtail Site's, or WAGTAILADMIN_BASE_URL when
    that Site still has a placeholder host such as `localhost`."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and site.hostname not in PLACEHOLDER_HOSTS:
        return site.root_url
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") or (site.root_url if site is not None else "")


def absolute_url(address, root):
    """`address` (a path, or a URL on a placeholder host) as an absolute URL under `root`."""
    if not address:
        return address
    parts = urlsplit(address)
    if parts.netloc and parts.hostname not in PLACEHOLDER_HOSTS:
        return address
    return root + urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


class SiteAddressExportMixin:
    """Export the `address_fields` (paths or placeholder-host URLs) as the real site's URLs."""

    address_fields = ("url",)

    @cached_property
    def export_site_root(self):
        return site_root()

    def preprocess_field_value(self, field, value, export_format):
        if field in self.address_fields and isinstance(value, str):
            value = absolute_url(value, self.export_site_root)
        return super().preprocess_field_value(field, value, export_format)
