"""Resident-facing CityUX URLs; include them with `path("cityux/", include("cityux.urls_public"))`."""

from django.urls import path

from .views.consent import cookie_settings

app_name = "cityux"
urlpatterns = [
    path("cookies/", cookie_settings, name="cookie_settings"),
]
