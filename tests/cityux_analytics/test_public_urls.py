"""One public `urls.py` for analytics: a site mounts `cityux_analytics.urls` once and gets
collection, replay upload and the survey widget, named `cityux_analytics[:<part>]:<name>`."""

import pytest
from django.urls import include, path, reverse

# This module is the URLconf of its tests: only the one include a site writes.
urlpatterns = [path("cityux/", include("cityux_analytics.urls"))]

pytestmark = pytest.mark.urls(__name__)


def test_the_one_include_names_every_public_endpoint_in_the_apps_namespace():
    assert reverse("cityux_analytics:collect") == "/cityux/collect/"
    assert reverse("cityux_analytics:surveys:active") == "/cityux/surveys/active/"
    assert reverse("cityux_analytics:surveys:shown", args=[7]) == "/cityux/surveys/7/shown/"
    assert reverse("cityux_analytics:replay:upload") == "/cityux/replay/"


@pytest.mark.django_db
def test_the_survey_widget_endpoint_answers_under_the_one_include(client):
    response = client.get(reverse("cityux_analytics:surveys:active"), {"path": "/"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
