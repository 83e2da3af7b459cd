"""The URLs a site adds for the CityUX apps it installed (tests/bare_site_settings.py)."""

from django.apps import apps
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

APP_URLS = {
    "cityux_analytics": [("cityux/", "cityux_analytics.urls")],
    "cityux_personalize": [("cityux/", "cityux_personalize.urls")],
    "cityux_social": [("cityux/social/", "cityux_social.urls")],
}

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("cityux/", include("cityux.urls_public")),
    *(
        path(prefix, include(module))
        for label, entries in APP_URLS.items()
        if apps.is_installed(label)
        for prefix, module in entries
    ),
    path("", include(wagtail_urls)),
]
