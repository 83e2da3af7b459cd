"""The replay admin: the session list, "sessions worth watching", the player and its feedback,
their "City UX" menu items and the hub section.

`register()` is called once from `cityux_analytics/wagtail_hooks.py`.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cityux.access import visible_department_ids
from cityux.hub import HubSection, register_section
from cityux.viewsets import MENU_HOOK

from .urls import admin_urlpatterns

ADMIN_NAMESPACE = "cityux_replays"


def admin_urls():
    return [path("cityux/replays/", include((admin_urlpatterns, ADMIN_NAMESPACE)))]


class ReplayMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(visible_department_ids(request.user))


def replay_list_menu_item():
    return ReplayMenuItem(
        _("Session replays"),
        reverse(f"{ADMIN_NAMESPACE}:list"),
        name="cityux-session-replays",
        icon_name="media",
        order=135,
    )


def worth_watching_menu_item():
    return ReplayMenuItem(
        _("Sessions worth watching"),
        reverse(f"{ADMIN_NAMESPACE}:worth"),
        name="cityux-worth-watching",
        icon_name="pick",
        order=136,
    )


_registered = False


def register():
    """Register the admin URLs, the two menu items and the hub section; once."""
    from ..worth.views import worth_section_context

    global _registered
    if _registered:
        return
    _registered = True
    hooks.register("register_admin_urls", admin_urls)
    hooks.register(MENU_HOOK, replay_list_menu_item)
    hooks.register(MENU_HOOK, worth_watching_menu_item)
    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Sessions worth watching"),
            template_name="cityux_analytics/worth/hub_section.html",
            get_context=worth_section_context,
            order=30,
        )
    )
