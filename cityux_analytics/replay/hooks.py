"""The replay player in the admin.

`register()` is called once from `cityux_analytics/wagtail_hooks.py`.
"""

from django.urls import include, path
from wagtail import hooks

from .urls import admin_urlpatterns

ADMIN_NAMESPACE = "cityux_replays"


def admin_urls():
    return [path("cityux/replays/", include((admin_urlpatterns, ADMIN_NAMESPACE)))]


def register():
    hooks.register("register_admin_urls", admin_urls)
