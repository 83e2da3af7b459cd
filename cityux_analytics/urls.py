"""Resident-facing endpoints: `path("cityux/", include("cityux_analytics.urls"))`."""

from django.urls import path

from .views.collect import collect

app_name = "cityux_analytics"
urlpatterns = [
    path("collect/", collect, name="collect"),
]
