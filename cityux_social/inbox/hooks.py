"""The inbox's admin integration: its URLs, its "City UX" menu items and the hub section.

`register()` is called once from `cityux_social/wagtail_hooks.py`.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cityux.access import visible_department_ids
from cityux.hub import HubSection, register_section
from cityux.viewsets import MENU_HOOK

from ..hub import social_section_context
from . import urls


def register_inbox_urls():
    return [path("cityux/social/inbox/", include(urls, namespace="cityux_social_inbox"))]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(visible_department_ids(request.user))


def register_inbox_menu_item():
    return InboxMenuItem(
        _("Social inbox"),
        reverse("cityux_social_inbox:index"),
        name="cityux-social-inbox",
        icon_name="mail",
        order=160,
    )


def register_review_menu_item():
    return InboxMenuItem(
        _("Posts to review"),
        reverse("cityux_social_inbox:review"),
        name="cityux-social-review",
        icon_name="tasks",
        order=161,
    )


def register_replies_menu_item():
    return InboxMenuItem(
        _("Replies to residents"),
        reverse("cityux_social_inbox:replies"),
        name="cityux-social-replies",
        icon_name="comment",
        order=162,
    )


_registered = False


def register():
    """Register the inbox's admin URLs, menu items and hub section; once."""
    global _registered
    if _registered:
        return
    _registered = True
    hooks.register("register_admin_urls", register_inbox_urls)
    hooks.register(MENU_HOOK, register_inbox_menu_item)
    hooks.register(MENU_HOOK, register_review_menu_item)
    hooks.register(MENU_HOOK, register_replies_menu_item)
    register_section(
        HubSection(
            app_label="cityux_social",
            title=_("Social inbox"),
            template_name="cityux_social/hub/section.html",
            get_context=social_section_context,
            order=50,
        )
    )
