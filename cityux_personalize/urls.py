"""Resident-facing URLs of cityux_personalize, included under `/cityux/` by the site's urls.py."""

from django.urls import path

from .views import mydata as mydata_views
from .views import resume as resume_views
from .views.areas import choose_area
from .views.questionnaires import answer_questionnaire

app_name = "cityux_personalize"

urlpatterns = [
    # Profiles: the resident's area and answers to questionnaires.
    path("personalize/area/", choose_area, name="choose_area"),
    path("personalize/questions/<slug:slug>/", answer_questionnaire, name="answer"),
    # Resume a form on another device.
    path("resume/", resume_views.enter_code, name="resume"),
    path("resume/drafts/<int:page_id>/", resume_views.save_draft, name="save_draft"),
    path("resume/codes/<int:page_id>/", resume_views.issue_code, name="issue_code"),
    # What is held about the resident.
    path("my-data/", mydata_views.my_data, name="my_data"),
    path("my-data/download/", mydata_views.download, name="my_data_download"),
]
