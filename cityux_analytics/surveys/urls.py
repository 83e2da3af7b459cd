"""The survey widget's endpoints.

Mount with `path("cityux/surveys/", include("cityux_analytics.surveys.urls"))`.
"""

from django.urls import path

from . import views

app_name = "cityux_surveys"
urlpatterns = [
    path("active/", views.active_surveys, name="active"),
    path("<int:survey_id>/shown/", views.survey_shown, name="shown"),
    path("<int:survey_id>/responses/", views.survey_responses, name="responses"),
]
