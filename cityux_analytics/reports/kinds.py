"""The signal kinds in the words of the people who read the reports, and the count columns."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import DepartmentDailyStats, SignalKind

KINDS = list(SignalKind.values)

# What each signal means, in the words of the people who read the reports.
KIND_HELP = {
    SignalKind.RAGE_CLICK: _("people clicked the same spot 3 or more times quickly"),
    SignalKind.DEAD_CLICK: _("people clicked something that did nothing"),
    SignalKind.ERROR_CLICK: _("a click was followed by an error in the page's code"),
    SignalKind.MOUSE_THRASH: _("people moved the mouse back and forth, as if lost"),
    SignalKind.QUICK_BACK: _("people left a page within seconds, back where they came from"),
    SignalKind.EXCESSIVE_SCROLL: _("people scrolled up and down, searching for something"),
    SignalKind.FORM_ABANDONMENT: _("people started a form and left without sending it"),
}

# Sums of the rollup count columns: named `total_<column>` because an annotation may not
# shadow a model field.
COUNT_COLUMNS = ["views", "sessions", "frustrated_sessions", *KINDS]


def total(column):
    return f"total_{column}"


def kind_label(kind):
    """The plural name of a signal kind, e.g. "Rage clicks"."""
    return capfirst(DepartmentDailyStats._meta.get_field(kind).verbose_name)


def kinds_explained():
    """(plural name, what it means) for every signal kind."""
    return [(kind_label(kind), KIND_HELP[kind]) for kind in KINDS]
