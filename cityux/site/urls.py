"""URLs of the reference city site."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cityux.admin import site_history_urls
from cityux.views.consent import gpc_json

# A database or Redis found unavailable outside a view (a middleware) answers 503, not 500.
handler500 = "cityux.unavailable.server_error"

urlpatterns = [
    path(".well-known/gpc.json", gpc_json, name="gpc_json"),
    path("admin/", include(site_history_urls())),  # before Wagtail's, which it replaces
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("cityux/", include("cityux.urls_public")),
    path("cityux/", include("cityux_analytics.urls")),
    path("cityux/", include("cityux_personalize.urls")),
    path("cityux/social/", include("cityux_social.urls")),
    path("cookie-consent/", include("cookie_consent.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
