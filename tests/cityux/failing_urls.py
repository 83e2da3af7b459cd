"""A URL whose view has a bug, to tell a bug's 500 from an unavailable service's 503."""

from django.urls import include, path


def broken(request):
    raise ZeroDivisionError("a bug, not an outage")


urlpatterns = [path("fails/", broken), path("", include("cityux.site.urls"))]
handler500 = "cityux.unavailable.server_error"
