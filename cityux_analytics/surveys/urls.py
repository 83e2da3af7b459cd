"""The survey widget's endpoints.

Included by `cityux_analytics.urls` under `surveys/`: names `cityux_analytics:surveys:<name>`.
"""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("active/", views.active_surveys, name="active"),
    path("<int:survey_id>/shown/", views.survey_shown, name="shown"),
    path("<int:survey_id>/responses/", views.survey_responses, name="responses"),
]
