"""Edges of the staff decisions that mutation testing found untested (issue 19)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cityux.models import Department
from cityux_social import decisions
from cityux_social.models import SocialPost
from cityux_social.tickets.models import Open311Service, Ticket


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


# -- department scoping: the post's department and the target department both count -----------


@pytest.fixture
def works_lead(city, make_lead):
    return make_lead(Department.objects.get(slug="public-works"), username="works")


@pytest.fixture
def bin_post(request_types, file_source):
    """A Sanitation post waiting for review."""
    missed_bin = request_types["bin"]
    return SocialPost.objects.create(
        source=file_source,
        external_id="edge-bin",
        author_handle="@bo",
        text="Missed pickup on Willow Street",
        request_type=missed_bin,
        department=missed_bin.department,
        status=SocialPost.Status.NEEDS_REVIEW,
    )


@pytest.fixture
def unrouted_post(file_source):
    return SocialPost.objects.create(
        source=file_source,
        external_id="edge-unrouted",
        author_handle="@cy",
        text="Streetlight out at Juniper and 9th",
        status=SocialPost.Status.NEEDS_REVIEW,
    )


def _status(post):
    post.refresh_from_db()
    return post.status


def test_a_lead_cannot_accept_another_departments_post_into_their_own_department(
    works_lead, bin_post, request_types
):
    pothole = request_types["pothole"]
    with pytest.raises(PermissionDenied):
        decisions.accept(bin_post, works_lead, pothole, pothole.department, "Pothole")
    assert _status(bin_post) == SocialPost.Status.NEEDS_REVIEW
    assert not Ticket.objects.exists()


def test_a_lead_cannot_accept_a_post_without_department_into_their_own_department(
    works_lead, unrouted_post, request_types
):
    pothole = request_types["pothole"]
    with pytest.raises(PermissionDenied):
        decisions.accept(unrouted_post, works_lead, pothole, pothole.department, "Streetlight")
    assert _status(unrouted_post) == SocialPost.Status.NEEDS_REVIEW
    assert not Ticket.objects.exists()


def test_a_lead_cannot_hand_their_post_to_another_department_by_accepting_it(
    works_lead, pothole_post, request_types
):
    missed_bin = request_types["bin"]
    with pytest.raises(PermissionDenied):
        decisions.accept(pothole_post, works_lead, missed_bin, missed_bin.department, "Bins")
    assert _status(pothole_post) == SocialPost.Status.NEEDS_REVIEW
    assert not Ticket.objects.exists()


def test_accepting_without_a_department_is_refused_even_for_city_wide_staff(
    city_wide_analyst, pothole_post, request_types
):
    with pytest.raises(PermissionDenied):
        decisions.accept(pothole_post, city_wide_analyst, request_types["pothole"], None, "x")
    assert _status(pothole_post) == SocialPost.Status.NEEDS_REVIEW


# -- exact results of each decision ---------------------------------------------------------------


def test_accepting_saves_the_decision_and_a_pending_ticket_and_updates_the_given_post(
    works_lead, pothole_post, request_types
):
    pothole = request_types["pothole"]
    ticket = decisions.accept(
        pothole_post,
        works_lead,
        pothole,
        pothole.department,
        "  Pothole, 30 cm wide  ",
        latitude=39.5,
        longitude=-104.5,
        place="  Elm Street  ",
        attributes={"DEPTH": "10"},
        address_id="  A-17  ",
    )
    # The caller's object is refreshed (no reload needed), as the stored row.
    for post in (pothole_post, SocialPost.objects.get(pk=pothole_post.pk)):
        assert post.status == SocialPost.Status.ACCEPTED
        assert post.decided_by == works_lead
        assert post.decided_at is not None
        assert (post.description, post.place) == ("Pothole, 30 cm wide", "Elm Street")
        assert (post.latitude, post.longitude) == (39.5, -104.5)
        assert post.dismiss_reason == ""
    ticket.refresh_from_db()
    assert ticket.post_id == pothole_post.pk
    assert (ticket.backend, ticket.status) == ("open311", Ticket.Status.PENDING)
    assert (ticket.attributes, ticket.address_id) == ({"DEPTH": "10"}, "A-17")


def test_accepting_without_attributes_or_address_stores_empty_ones(
    works_lead, pothole_post, request_types
):
    pothole = request_types["pothole"]
    ticket = decisions.accept(pothole_post, works_lead, pothole, pothole.department, "Pothole")
    ticket.refresh_from_db()
    assert (ticket.attributes, ticket.address_id) == ({}, "")


def test_dismissing_keeps_the_first_255_characters_of_the_reason_and_returns_the_post(
    works_lead, pothole_post
):
    reason = "".join(f"{n % 10}" for n in range(300))
    returned = decisions.dismiss(pothole_post, works_lead, f"  {reason}  ")
    assert returned is pothole_post
    assert pothole_post.status == SocialPost.Status.DISMISSED
    pothole_post.refresh_from_db()
    assert pothole_post.dismiss_reason == reason[:255]
    assert len(pothole_post.dismiss_reason) == 255


def test_a_reason_of_exactly_255_characters_is_kept_whole(works_lead, pothole_post):
    reason = "r" * 255
    decisions.dismiss(pothole_post, works_lead, reason)
    pothole_post.refresh_from_db()
    assert pothole_post.dismiss_reason == reason


def test_assigning_returns_the_post_with_its_assignee_and_stores_it(works_lead, pothole_post):
    returned = decisions.assign(pothole_post, works_lead, works_lead)
    assert returned is pothole_post
    assert pothole_post.assigned_to == works_lead
    assert SocialPost.objects.get(pk=pothole_post.pk).assigned_to == works_lead
    decisions.assign(pothole_post, works_lead, None)
    assert SocialPost.objects.get(pk=pothole_post.pk).assigned_to is None


@pytest.fixture
def failed_ticket(pothole_post):
    SocialPost.objects.filter(pk=pothole_post.pk).update(status=SocialPost.Status.TICKET_FAILED)
    pothole_post.refresh_from_db()
    return Ticket.objects.create(
        post=pothole_post,
        backend="open311",
        status=Ticket.Status.FAILED,
        attributes={"DEPTH": "1"},
    )


def test_sending_a_failed_ticket_again_makes_it_pending_with_the_corrected_attributes(
    works_lead, pothole_post, failed_ticket
):
    returned = decisions.retry_ticket(pothole_post, works_lead, attributes={"DEPTH": "30"})
    assert returned.pk == failed_ticket.pk
    assert pothole_post.status == SocialPost.Status.ACCEPTED
    failed_ticket.refresh_from_db()
    assert failed_ticket.status == Ticket.Status.PENDING
    assert failed_ticket.attributes == {"DEPTH": "30"}
    assert SocialPost.objects.get(pk=pothole_post.pk).status == SocialPost.Status.ACCEPTED


def test_sending_a_failed_ticket_again_without_attributes_keeps_its_attributes(
    works_lead, pothole_post, failed_ticket
):
    decisions.retry_ticket(pothole_post, works_lead)
    failed_ticket.refresh_from_db()
    assert (failed_ticket.status, failed_ticket.attributes) == (
        Ticket.Status.PENDING,
        {"DEPTH": "1"},
    )


def test_a_lead_of_another_department_cannot_send_a_failed_ticket_again(
    make_lead, pothole_post, failed_ticket
):
    bins_lead = make_lead(Department.objects.get(slug="sanitation"), username="bins")
    with pytest.raises(PermissionDenied):
        decisions.retry_ticket(pothole_post, bins_lead)
    failed_ticket.refresh_from_db()
    assert failed_ticket.status == Ticket.Status.FAILED
    assert _status(pothole_post) == SocialPost.Status.TICKET_FAILED


@pytest.fixture
def open_ticket(pothole_post):
    SocialPost.objects.filter(pk=pothole_post.pk).update(status=SocialPost.Status.TICKETED)
    pothole_post.refresh_from_db()
    return Ticket.objects.create(
        post=pothole_post, backend="email", status=Ticket.Status.OPEN, last_error="old"
    )


def test_marking_an_open_ticket_fixed_closes_it_and_tells_the_resident(
    works_lead, pothole_post, open_ticket
):
    returned = decisions.mark_fixed(pothole_post, works_lead)
    assert returned.pk == open_ticket.pk
    assert pothole_post.status == SocialPost.Status.CLOSED
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.CLOSED
    assert open_ticket.closed_at is not None
    reply = pothole_post.replies.get()
    assert (reply.kind, reply.status) == ("fixed", "sent")


def test_a_resident_who_asked_not_to_be_contacted_gets_no_fixed_reply(
    works_lead, pothole_post, open_ticket
):
    returned = decisions.set_do_not_contact(pothole_post, works_lead, True)
    assert returned is pothole_post and pothole_post.do_not_contact is True
    assert SocialPost.objects.get(pk=pothole_post.pk).do_not_contact is True
    decisions.mark_fixed(pothole_post, works_lead)
    reply = pothole_post.replies.get()
    assert (reply.kind, reply.status) == ("fixed", "skipped")
    decisions.set_do_not_contact(pothole_post, works_lead, False)
    assert SocialPost.objects.get(pk=pothole_post.pk).do_not_contact is False


def test_a_lead_of_another_department_cannot_mark_a_ticket_fixed(
    make_lead, pothole_post, open_ticket
):
    bins_lead = make_lead(Department.objects.get(slug="sanitation"), username="bins")
    with pytest.raises(PermissionDenied):
        decisions.mark_fixed(pothole_post, bins_lead)
    open_ticket.refresh_from_db()
    assert open_ticket.status == Ticket.Status.OPEN
    assert not pothole_post.replies.exists()


# -- which types need their own page: Open311 services with required attributes ---------------


def _service(code, attributes, metadata=True):
    return Open311Service.objects.create(
        service_code=code, metadata=metadata, definition={"attributes": attributes}
    )


REQUIRED_DEPTH = {"code": "DEPTH", "required": True, "variable": True}


def test_an_open311_type_whose_service_has_a_required_answer_needs_details(request_types):
    _service("POTHOLE", [REQUIRED_DEPTH])
    assert decisions.needs_details(request_types["pothole"]) is True


@pytest.mark.parametrize(
    "attributes, metadata",
    [
        ([{"code": "DEPTH", "required": False, "variable": True}], True),
        ([{"code": "NOTE", "required": True, "variable": False}], True),
        ([REQUIRED_DEPTH], False),
        ([], True),
    ],
    ids=["optional-only", "information-only", "no-definition", "no-attributes"],
)
def test_an_open311_type_without_a_required_answer_needs_no_details(
    request_types, attributes, metadata
):
    _service("POTHOLE", attributes, metadata=metadata)
    assert decisions.needs_details(request_types["pothole"]) is False


def test_an_open311_type_without_a_known_service_needs_no_details(request_types):
    _service("OTHER", [REQUIRED_DEPTH])
    assert decisions.needs_details(request_types["pothole"]) is False


def test_an_e_mailed_type_needs_no_details_whatever_the_open311_service_asks(request_types):
    pothole = request_types["pothole"]
    pothole.ticket_backend = "email"
    pothole.email_to = "roads@city.example.gov"
    pothole.save()
    _service("POTHOLE", [REQUIRED_DEPTH])
    assert decisions.needs_details(pothole) is False


# -- bulk results --------------------------------------------------------------------------------


def test_bulk_accept_reports_each_post_done_or_skipped_with_its_reason(
    works_lead, pothole_post, bin_post, request_types, file_source
):
    decided = SocialPost.objects.create(
        source=file_source,
        external_id="edge-decided",
        text="Pothole again",
        request_type=request_types["pothole"],
        department=request_types["pothole"].department,
        status=SocialPost.Status.DISMISSED,
    )
    result = decisions.bulk_accept([pothole_post, bin_post, decided], works_lead)
    assert result.done == [pothole_post]
    assert result.skipped == [
        (bin_post, "not your department"),
        (decided, "This post was already decided (Dismissed)."),
    ]
    assert list(Ticket.objects.values_list("post_id", flat=True)) == [pothole_post.pk]


def test_bulk_accept_leaves_a_type_that_needs_details_to_its_own_page(works_lead, pothole_post):
    _service("POTHOLE", [REQUIRED_DEPTH])
    result = decisions.bulk_accept([pothole_post], works_lead)
    assert result.done == []
    assert result.skipped == [(pothole_post, "its type needs details: accept it on its own page")]
    assert _status(pothole_post) == SocialPost.Status.NEEDS_REVIEW


def test_bulk_assign_reports_each_post_done_or_skipped_with_its_reason(
    city_wide_analyst, works_lead, pothole_post, bin_post
):
    result = decisions.bulk_assign([pothole_post, bin_post], city_wide_analyst, works_lead)
    assert result.done == [pothole_post]
    assert result.skipped == [(bin_post, "works cannot see posts of this department.")]
    assert SocialPost.objects.get(pk=pothole_post.pk).assigned_to == works_lead
    assert SocialPost.objects.get(pk=bin_post.pk).assigned_to is None
