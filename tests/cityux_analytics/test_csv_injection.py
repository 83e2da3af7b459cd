"""A resident's survey comment cannot put a live formula into the comments' CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_analytics.models import Survey, SurveyResponse

pytestmark = pytest.mark.django_db

COMMENTS = ["@SUM(1+1)*cmd|' /C calc'!A0", "+44 20 7946 0958 call me", "\tTabbed", "Fine, thanks"]


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def survey(works):
    survey = Survey.objects.create(title="Was it easy?", department=works, questions=[])
    for comment in COMMENTS:
        SurveyResponse.objects.create(
            survey=survey,
            url="/works/",
            department=works,
            rating=3,
            comment=comment,
            created_at=timezone.now() - datetime.timedelta(days=1),
        )
    return survey


def test_survey_comments_starting_with_formula_triggers_are_exported_as_text(
    client, make_lead, works, survey
):
    client.force_login(make_lead(works))
    url = reverse("cityux_survey_reports:survey", args=[survey.pk])
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert sorted(row["Comment"] for row in rows) == sorted(
        ["'@SUM(1+1)*cmd|' /C calc'!A0", "'+44 20 7946 0958 call me", "'\tTabbed", "Fine, thanks"]
    )
