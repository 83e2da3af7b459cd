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

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """The cell text with a leading `'` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    """Escape formula-like text cells in the CSV exports of a Wagtail export view."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return escape_formula(value)
        return value

    def get_heading(self, queryset, field):
        # Headings are ours, but some name things residents or editors typed (survey questions).
        return escape_formula(super().get_heading(queryset, field))


def formula_safe(view_class):
    """`view_class` with `FormulaSafeExportMixin`, for viewsets' default index views."""
    return type(f"FormulaSafe{view_class.__name__}", (FormulaSafeExportMixin, view_class), {})
