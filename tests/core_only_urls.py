from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from cityux.views.consent import gpc_json

urlpatterns = [
    path(".well-known/gpc.json", gpc_json),
    path("admin/", include(wagtailadmin_urls)),
    path("cityux/", include("cityux.urls_public")),
    path("", include(wagtail_urls)),
]
