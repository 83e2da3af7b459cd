"""The report hub's registry: feature apps plug sections into the "City UX" admin area.

An app keeps its sections in `<app>/hub.py` and registers them from `AppConfig.ready()`::

    # cityux_analytics/hub.py
    from cityux.hub import HubSection, register_section

    def register_sections():
        register_section(HubSection(
            app_label="cityux_analytics",
            title="Frustration",
            template_name="cityux_analytics/hub/section.html",
            get_context=frustration_context,
        ))

    # cityux_analytics/apps.py, in ready()
    from . import hub
    hub.register_sections()

`get_context(request, departments)` receives the departments the user may see: every one
of them on the city-wide overview, a single one on a department's page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

# The feature apps that can add sections, with what each adds, for the "install to see" note.
FEATURE_APPS = {
    "cityux_analytics": _("Frustration analytics: rage, dead and error clicks, replays, surveys"),
    "cityux_personalize": _("Personalisation: segments and the value they add"),
    "cityux_social": _("Social inbox: service requests found in public posts"),
}


@dataclass(frozen=True)
class HubSection:
    app_label: str
    title: str
    template_name: str
    get_context: Callable[..., dict[str, Any]] = field(default=lambda request, departments: {})
    order: int = 100


_sections: dict[str, HubSection] = {}


def register_section(section):
    """Add (or replace, by app label and title) a section of the report hub."""
    _sections[f"{section.app_label}:{section.title}"] = section
    return section


def sections():
    """Registered sections of installed apps, in display order."""
    return sorted(
        (s for s in _sections.values() if apps.is_installed(s.app_label)),
        key=lambda s: (s.order, str(s.title)),
    )


def apps_without_sections():
    """Feature apps not contributing a section yet: (app label, what it adds, installed?)."""
    contributing = {s.app_label for s in sections()}
    return [
        (label, text, apps.is_installed(label))
        for label, text in FEATURE_APPS.items()
        if label not in contributing
    ]


def render_sections(request, departments):
    """Each section rendered for `departments`, as (section, html) pairs."""
    rendered = []
    for section in sections():
        context = {"departments": departments, "section": section}
        context.update(section.get_context(request, departments))
        rendered.append((section, render_to_string(section.template_name, context, request)))
    return rendered
