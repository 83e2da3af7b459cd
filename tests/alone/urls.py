"""The core's URLs and the public URLs of whichever feature apps are installed."""

from django.apps import apps
from django.urls import include, path

from cityux.admin import site_history_urls
from tests.core_only_urls import urlpatterns as core_urlpatterns

PUBLIC_URLS = {
    "cityux_analytics": [("cityux/", "cityux_analytics.urls")],
    "cityux_personalize": [("cityux/", "cityux_personalize.urls")],
    "cityux_social": [("cityux/social/", "cityux_social.urls")],
}

urlpatterns = [
    path("admin/", include(site_history_urls())),
    *(
        path(prefix, include(module))
        for app, mounted in PUBLIC_URLS.items()
        if apps.is_installed(app)
        for prefix, module in mounted
    ),
    *core_urlpatterns,  # last: it ends with Wagtail's catch-all page URL
]
