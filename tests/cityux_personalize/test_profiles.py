"""The visitor profile: only with consent, the cookie, visits, batched writes, merging."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cityux_personalize import visits
from cityux_personalize.models import VisitorProfile
from cityux_personalize.profiles import flush_profile, merge_profiles, profile_for_user
from cityux_personalize.signals import profiles_merged

PROFILE_TABLE = VisitorProfile._meta.db_table


def profile_writes(queries):
    return [
        q["sql"]
        for q in queries
        if PROFILE_TABLE in q["sql"] and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


@pytest.fixture
def site(demo_site):
    return demo_site


def test_no_profile_and_no_cookie_without_consent(site, make_visitor):
    visitor = make_visitor(consent=False)
    response = visitor.get("/")
    assert "cityux_vid" not in response.cookies
    assert "cityux_vid" not in visitor.cookies
    assert VisitorProfile.objects.count() == 0


def test_no_profile_before_any_choice(site, client):
    response = client.get("/")
    assert "cityux_vid" not in response.cookies
    assert VisitorProfile.objects.count() == 0


@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_global_privacy_control_and_do_not_track_mean_no_profile(site, make_visitor, header):
    visitor = make_visitor(consent=True, **header)
    response = visitor.get("/")
    assert "cityux_vid" not in response.cookies
    assert VisitorProfile.objects.count() == 0


def test_consent_gives_an_httponly_lax_visitor_cookie_and_a_profile(site, make_visitor):
    response = make_visitor().get("/")
    cookie = response.cookies["cityux_vid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]
    profile = VisitorProfile.objects.get()
    assert str(profile.visitor_id) == cookie.value
    assert profile.visit_count == 1


def test_the_cookie_is_secure_over_https(site, make_visitor):
    response = make_visitor().get("/", secure=True)
    assert response.cookies["cityux_vid"]["secure"]


def test_profile_remembers_device_referrer_campaign_and_language(site, make_visitor):
    visitor = make_visitor(
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148",
        HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5",
    )
    visitor.get("/?utm_campaign=flood-prep", HTTP_REFERER="https://www.facebook.com/post/1")
    flush_all()
    profile = VisitorProfile.objects.get()
    assert profile.device_class == "mobile"
    assert profile.referrer_host == "facebook.com"
    assert profile.campaign == "flood-prep"
    assert profile.language == "es"


def flush_all():
    for visitor_id in VisitorProfile.objects.values_list("visitor_id", flat=True):
        flush_profile(visitor_id)


def test_pages_and_department_interest_are_counted(site, make_visitor):
    from cityux.models import Department
    from cityux.site.models import SectionPage

    parks = SectionPage.objects.get(slug="parks-recreation")
    services = list(parks.get_children().live())
    visitor = make_visitor()
    for service in services:
        visitor.get(service.url)
    visitor.get(services[0].url)
    flush_all()
    profile = VisitorProfile.objects.get()
    assert profile.page_visits[str(services[0].pk)] == 2
    department = Department.objects.get(slug="parks-recreation")
    assert profile.department_interest == {str(department.pk): len(services) + 1}


def test_a_page_framed_by_the_admin_is_not_a_visit(site, make_visitor):
    from cityux.site.models import SectionPage

    parks = SectionPage.objects.get(slug="parks-recreation")
    visitor = make_visitor()
    visitor.get("/")
    framed = {"Sec-Fetch-Dest": "iframe", "Referer": "http://testserver/admin/cityux/pages/3/"}
    visitor.get(parks.url, headers=framed)
    visitor.get(parks.url, headers={**framed, "Referer": "http://testserver/"})
    flush_all()
    assert VisitorProfile.objects.get().page_visits.get(str(parks.pk)) == 1


def test_many_requests_write_the_profile_at_most_once(site, make_visitor):
    visitor = make_visitor()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            visitor.get("/")
    assert len(profile_writes(queries.captured_queries)) <= 1
    assert VisitorProfile.objects.count() == 1


def test_the_batch_reaches_the_database_after_the_flush_interval(site, make_visitor, settings):
    visitor = make_visitor()
    visitor.get("/")
    for _ in range(4):
        visitor.get("/")
    settings.CITYUX_PERSONALIZE = {"PROFILE_FLUSH_SECONDS": 0}
    with CaptureQueriesContext(connection) as queries:
        visitor.get("/")
    assert len(profile_writes(queries.captured_queries)) == 1
    assert VisitorProfile.objects.get().page_visits  # the counts of all six views arrived
    assert sum(VisitorProfile.objects.get().page_visits.values()) == 6


def test_a_gap_of_30_minutes_starts_a_new_visit():
    gap = 30 * 60
    state = visits.new_state(uuid.uuid4(), 0)
    state = visits.record_request(state, 0, {}, gap)
    state = visits.record_request(state, 29 * 60, {}, gap)
    assert state["visit_count"] == 1
    state = visits.record_request(state, 29 * 60 + gap, {}, gap)
    assert state["visit_count"] == 2


def test_withdrawing_consent_deletes_the_cookie_and_stops_counting(site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    assert visitor.cookies["cityux_vid"].value
    response = visitor.post("/cityux/cookies/", {"action": "save", "groups": []})
    assert response.cookies["cityux_vid"]["max-age"] == 0  # the decline deletes it at once
    del visitor.cookies["cityux_vid"]
    visitor.get("/")
    flush_all()
    assert VisitorProfile.objects.get().visit_count == 1


def test_a_privacy_signal_deletes_a_cookie_left_from_an_earlier_consent(site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    response = visitor.get("/", headers={"Sec-GPC": "1"})
    assert response.cookies["cityux_vid"].value == ""
    assert response.cookies["cityux_vid"]["max-age"] == 0
    flush_all()
    assert VisitorProfile.objects.get().visit_count == 1


def test_a_forged_cookie_never_becomes_a_visitor_id(site, make_visitor):
    visitor = make_visitor()
    visitor.cookies["cityux_vid"] = "not-a-uuid"
    visitor.get("/")
    assert VisitorProfile.objects.count() == 1
    assert str(VisitorProfile.objects.get().visitor_id) != "not-a-uuid"


def test_a_deleted_profile_is_not_recreated_under_the_same_id(site, make_visitor):
    visitor = make_visitor()
    visitor.get("/")
    old_id = VisitorProfile.objects.get().visitor_id
    VisitorProfile.objects.all().delete()
    visitor.get("/")
    assert VisitorProfile.objects.get().visitor_id != old_id


def test_merge_moves_counts_answers_and_area_and_sends_the_signal(site, make_visitor):
    from cityux_personalize.models import CityArea

    work, phone = make_visitor(), make_visitor()
    work.get("/")
    work.post("/cityux/personalize/questions/business-type/", {"answer": "shop"})
    phone.get("/")
    phone.post("/cityux/personalize/area/", {"area": "riverside"})
    flush_all()
    keep = VisitorProfile.objects.get(visitor_id=phone.cookies["cityux_vid"].value)
    other = VisitorProfile.objects.get(visitor_id=work.cookies["cityux_vid"].value)
    received = []

    def receiver(sender, keep, other, **kwargs):
        received.append((keep.pk, other.pk))

    profiles_merged.connect(receiver)
    try:
        merged = merge_profiles(keep, other)
    finally:
        profiles_merged.disconnect(receiver)
    assert received == [(keep.pk, other.pk)]
    assert merged.visit_count == 2
    assert merged.answers == {"business-type": "shop"}
    assert merged.area == CityArea.objects.get(slug="riverside")
    other.refresh_from_db()
    assert other.merged_into_id == keep.pk
    assert other.answers == {}


def test_the_merged_devices_cookie_leads_to_the_kept_profile(site, make_visitor):
    work, phone = make_visitor(), make_visitor()
    work.get("/")
    phone.get("/")
    keep = VisitorProfile.objects.get(visitor_id=phone.cookies["cityux_vid"].value)
    other = VisitorProfile.objects.get(visitor_id=work.cookies["cityux_vid"].value)
    merge_profiles(keep, other)
    response = work.get("/")
    assert response.cookies["cityux_vid"].value == str(keep.visitor_id)


def test_profile_for_user_finds_the_signed_in_residents_profile(
    site, make_visitor, django_user_model
):
    user = django_user_model.objects.create_user(username="resident", password="pw")
    visitor = make_visitor()
    visitor.force_login(user)
    visitor.get("/")
    assert profile_for_user(user) == VisitorProfile.objects.get()


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari",
            "mobile",
        ),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15", "tablet"),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120 Safari/537.36",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari",
            "desktop",
        ),
        ("", "desktop"),
    ],
)
def test_device_class_from_the_user_agent(agent, device):
    assert visits.device_class_for(agent) == device


def test_referrer_host_ignores_our_own_pages():
    assert visits.referrer_host_of("https://riverton.gov/permits/", "riverton.gov") == ""
    assert (
        visits.referrer_host_of("https://www.Google.com/search?q=x", "riverton.gov") == "google.com"
    )
    assert visits.referrer_host_of("", "riverton.gov") == ""


def test_primary_language_of_accept_language():
    assert visits.primary_language("es-MX,es;q=0.9") == "es"
    assert visits.primary_language("*") == ""


def test_bounded_counts_forget_the_least_counted_oldest_first():
    counts = {}
    for key in ["a", "a", "b", "c"]:
        counts = visits.bounded_increment(counts, key, 2)
    assert counts == {"a": 2, "c": 1}
