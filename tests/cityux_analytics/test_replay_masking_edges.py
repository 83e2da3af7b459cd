"""Edges of the replay masking configuration that the mutation run found untested (issue 19):
which recorded events count as a blocked page or a page's masking, and what is not a page."""

from django.urls import reverse

from cityux_analytics.replay.privacy import (
    blocked_offsets,
    is_blocked_request,
    masking_modes,
    unmasks_page,
)

T0 = 1_700_000_000_000


def _event(kind, data, at):
    return {"type": kind, "data": data, "timestamp": at}


def test_a_recording_without_events_has_no_blocked_page_and_no_masking():
    assert blocked_offsets([]) == []
    assert masking_modes([]) == set()


def test_only_the_recorders_own_custom_event_marks_a_blocked_page():
    events = [
        _event(4, {"href": "http://testserver/"}, T0),
        _event(5, {"tag": "another-plugin", "payload": {}}, T0 + 10),
        _event(5, "cityux-blocked", T0 + 20),  # not rrweb's Custom shape
        _event(4, {"tag": "cityux-blocked"}, T0 + 30),  # a Meta event, not a Custom one
        _event(5, {"tag": "cityux-blocked", "payload": {}}, T0 + 1234.6),
    ]
    assert blocked_offsets(events) == [1235]


def test_only_meta_events_say_how_a_page_was_masked_and_unknown_modes_are_unknown():
    assert masking_modes([_event(4, {"cityuxMasking": "strict"}, T0)]) == {"strict"}
    assert masking_modes([_event(4, {"cityuxMasking": "private_only"}, T0)]) == {"private_only"}
    assert masking_modes([_event(4, {"cityuxMasking": "relaxed"}, T0)]) == {"unknown"}
    assert masking_modes([_event(5, {"cityuxMasking": "strict"}, T0)]) == set()
    assert masking_modes([_event(4, "strict", T0)]) == set()


def test_something_that_is_not_a_page_is_never_unmasked():
    assert unmasks_page("a page title") is False
    assert unmasks_page({"_meta": "a dict is not a page"}) is False


def test_a_request_not_yet_resolved_is_blocked_by_the_view_its_path_resolves_to(rf):
    assert is_blocked_request(rf.get(reverse("cityux_personalize:my_data")))
    assert not is_blocked_request(rf.get("/no-such-page-anywhere/"))
