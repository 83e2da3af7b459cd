"""Edges of the staff decisions that mutation testing found untested (issue 19)."""

import pytest
from django.core.exceptions import ValidationError

from cityux_social import decisions
from cityux_social.models import SocialPost
from cityux_social.tickets.models import Ticket


@pytest.fixture
def pothole_post(request_types, file_source):
    pothole = request_types["pothole"]
    return SocialPost.objects.create(
        source=file_source,
        external_id="edge-1",
        author_handle="@ana",
        text="Huge pothole on Elm Street, please fix",
        request_type=pothole,
        department=pothole.department,
        status=SocialPost.Status.NEEDS_REVIEW,
    )


def test_a_post_without_a_ticket_cannot_be_sent_again_or_marked_fixed(
    city_wide_analyst, pothole_post
):
    with pytest.raises(ValidationError, match="Only a failed ticket"):
        decisions.retry_ticket(pothole_post, city_wide_analyst)
    with pytest.raises(ValidationError, match="Only an open ticket"):
        decisions.mark_fixed(pothole_post, city_wide_analyst)


def test_a_ticket_that_is_not_open_cannot_be_marked_fixed(city_wide_analyst, pothole_post):
    Ticket.objects.create(post=pothole_post, status=Ticket.Status.FAILED)
    with pytest.raises(ValidationError, match="Only an open ticket"):
        decisions.mark_fixed(pothole_post, city_wide_analyst)


def test_bulk_accept_describes_a_post_without_description_by_its_text(
    city_wide_analyst, pothole_post
):
    result = decisions.bulk_accept([pothole_post], city_wide_analyst)
    assert result.done == [pothole_post]
    pothole_post.refresh_from_db()
    assert pothole_post.description == "Huge pothole on Elm Street, please fix"
