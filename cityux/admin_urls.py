from django.urls import path

from .views.hub import DepartmentHubView, HubOverviewView

app_name = "cityux_hub"
urlpatterns = [
    path("", HubOverviewView.as_view(), name="overview"),
    path("results/", HubOverviewView.as_view(results_only=True), name="overview_results"),
    path("departments/<slug:slug>/", DepartmentHubView.as_view(), name="department"),
    path(
        "departments/<slug:slug>/results/",
        DepartmentHubView.as_view(results_only=True),
        name="department_results",
    ),
]
