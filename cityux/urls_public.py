"""Resident-facing CityUX URLs: `path("cityux/", include("cityux.urls_public"))`."""

from django.urls import path

from .views.consent import consent_status, cookie_settings

app_name = "cityux"
urlpatterns = [
    path("cookies/", cookie_settings, name="cookie_settings"),
    path("cookies/status/", consent_status, name="consent_status"),
]
