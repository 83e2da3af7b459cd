"""CSV exports neutralise cells a spreadsheet would run as formulas (OWASP CSV injection)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail_modeladmin.options import ModelAdmin

from cityux.exports import FormulaSafeExportMixin, escape_formula

CITYUX_APPS = ("cityux", "cityux_analytics", "cityux_personalize", "cityux_social")


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tlead", "\r=1+1"],
)
def test_a_cell_starting_with_a_formula_trigger_gets_a_leading_quote(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Pothole on Elm = big", "", " =1", 42, -3, None, 0.5])
def test_plain_text_and_numbers_are_left_as_they_are(value):
    assert escape_formula(value) == value


def exporting_views(patterns):
    """(url, view class) for every URL whose view exports a spreadsheet."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            for url, view_class in exporting_views(pattern.url_patterns):
                yield str(pattern.pattern) + url, view_class
            continue
        assert isinstance(pattern, URLPattern)
        view_class = getattr(pattern.callback, "view_class", None)
        owner = getattr(pattern.callback, "__self__", None)
        if isinstance(owner, ModelAdmin):  # ModelAdmin routes to bound methods
            view_class = owner.index_view_class if pattern.name.endswith("_index") else None
        if view_class and issubclass(view_class, SpreadsheetExportMixin):
            yield str(pattern.pattern), view_class


def belongs_to_cityux(url, view_class):
    model = getattr(view_class, "model", None)
    return (
        url.startswith(("admin/cityux", "admin/snippets/cityux"))
        or view_class.__module__.startswith(CITYUX_APPS)
        or (model is not None and model._meta.app_label in CITYUX_APPS)
    )


def test_every_city_ux_admin_export_escapes_formulas():
    ours = [
        (url, view_class)
        for url, view_class in exporting_views(get_resolver().url_patterns)
        if belongs_to_cityux(url, view_class)
    ]
    assert len(ours) > 20  # the walk found the reports, snippets and ModelAdmin listings
    unsafe = [url for url, view_class in ours if not issubclass(view_class, FormulaSafeExportMixin)]
    assert unsafe == []
