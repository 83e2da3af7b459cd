"""The admin screens: request types scoped to the lead's department, sources, classifier."""

import csv
import io

import pytest
from django.core import checks
from django.utils import timezone

from cityux.models import Department
from cityux_social.models import ClassifierModel, RequestType, Source

INDEX = "/admin/cityux_social/requesttype/"


def edit_url(request_type):
    return f"{INDEX}edit/{request_type.pk}/"


@pytest.fixture
def public_works_lead(request_types, make_lead):
    return make_lead(Department.objects.get(slug="public-works"))


def test_lead_lists_only_their_departments_request_types(client, public_works_lead):
    client.force_login(public_works_lead)
    response = client.get(INDEX)
    assert response.status_code == 200
    listed = list(response.context["object_list"])
    assert [t.name for t in listed] == ["Pothole"]


def test_lead_gets_403_editing_another_departments_request_type(
    client, public_works_lead, request_types
):
    client.force_login(public_works_lead)
    assert client.get(edit_url(request_types["pothole"])).status_code == 200
    assert client.get(edit_url(request_types["bin"])).status_code == 403
    response = client.post(edit_url(request_types["bin"]), {"name": "Hijacked"})
    assert response.status_code == 403
    assert RequestType.objects.get(pk=request_types["bin"].pk).name == "Missed bin"


def test_lead_cannot_create_a_request_type_in_another_department(client, public_works_lead):
    client.force_login(public_works_lead)
    sanitation = Department.objects.get(slug="sanitation")
    form = client.get(f"{INDEX}create/").context["form"]
    assert list(form.fields["department"].queryset.values_list("slug", flat=True)) == [
        "public-works"
    ]
    response = client.post(f"{INDEX}create/", request_type_form(sanitation, name="Sneaky"))
    assert response.status_code == 200  # the form again, with an error
    assert not RequestType.objects.filter(name="Sneaky").exists()


def request_type_form(department, **values):
    return {
        "name": "Streetlight out",
        "department": department.pk,
        "active": "on",
        "keywords": "streetlight",
        "phrases": "",
        "patterns": "",
        "hashtags": "",
        "mentions": "",
        "area_name": "city limits",
        "min_lat": "",
        "max_lat": "",
        "min_lon": "",
        "max_lon": "",
        "ticket_backend": "open311",
        "open311_service_code": "LIGHT",
        "email_to": "",
        "reply_logged_template": "Logged as #{ticket_id}",
        "reply_fixed_template": "Fixed",
        **values,
    }


def test_lead_creates_a_request_type_in_their_department(client, public_works_lead):
    client.force_login(public_works_lead)
    public_works = Department.objects.get(slug="public-works")
    response = client.post(f"{INDEX}create/", request_type_form(public_works))
    assert response.status_code == 302
    assert RequestType.objects.get(name="Streetlight out").department == public_works


def test_invalid_pattern_is_refused_with_a_clear_error(client, public_works_lead):
    client.force_login(public_works_lead)
    public_works = Department.objects.get(slug="public-works")
    response = client.post(f"{INDEX}create/", request_type_form(public_works, patterns="pot(hole"))
    assert response.status_code == 200
    assert response.context["form"].errors["patterns"] == [
        "“pot(hole” is not a valid regular expression: missing ), unterminated subpattern at "
        "position 3."
    ]


def test_lead_of_no_department_cannot_list_request_types(client, request_types, make_lead):
    client.force_login(make_lead())
    assert client.get(INDEX).status_code in (302, 403)


def test_request_types_export_as_csv(admin_client, request_types):
    response = admin_client.get(INDEX + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Name", "Department", "Open311 Service Code", "Keywords"]
    assert sorted(row[:2] for row in rows[1:]) == [
        ["Code violation", "Code Enforcement"],
        ["Missed bin", "Environmental Services and Sanitation"],
        ["Pothole", "Public Works"],
    ]
    assert rows[1 + [r[0] for r in rows[1:]].index("Pothole")][3] == "pothole\nsinkhole"


def test_sources_list_shows_last_fetch_and_failing_health(admin_client, db):
    now = timezone.now()
    Source.objects.create(
        name="Broken Mastodon",
        slug="m",
        kind="mastodon",
        last_fetched_at=now - timezone.timedelta(hours=1),
        last_error="Mastodon: HTTP 503 from https://social.example.org/api/v2/search",
        last_error_at=now,
    )
    response = admin_client.get("/admin/cityux_social/source/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Broken Mastodon" in html
    assert 'title="Mastodon: HTTP 503 from https://social.example.org/api/v2/search"' in html
    assert "failing" in html


def test_source_config_refuses_inline_credentials(db):
    source = Source(name="M", slug="m", kind="mastodon", config={"instance": "x", "token": "t"})
    with pytest.raises(Exception) as failure:
        source.full_clean()
    assert failure.value.message_dict["config"] == [
        "“token” looks like a credential: put it in an environment variable and name that "
        "variable in “token_env” instead.",
        "The configuration needs “query” or “hashtag”.",
        "The configuration needs “token_env”.",
    ]


def test_classifier_models_list_their_held_out_scores(admin_client, db):
    ClassifierModel.objects.create(
        decisions_used=120, precision=0.91, recall=0.87, active=True, estimator=b""
    )
    response = admin_client.get("/admin/cityux_social/classifiermodel/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "0.91" in html and "0.87" in html and "120" in html
    refused = admin_client.get("/admin/cityux_social/classifiermodel/create/")
    assert refused.status_code == 403  # the core's one refusal, never a redirect


def test_system_check_names_unknown_settings_and_bad_connectors(settings):
    from cityux_social.checks import check_social_settings

    settings.CITYUX_SOCIAL = {
        "CONNECTORS": {"file": "cityux_social.sources.nowhere.Connector"},
        "REVIEW_CONFIDENCE": 3,
        "MIN_DECISION": 5,
    }
    assert [(e.id, e.msg) for e in check_social_settings(None)] == [
        ("cityux_social.E001", "CITYUX_SOCIAL has unknown settings: MIN_DECISION."),
        (
            "cityux_social.E002",
            "The connector for “file” sources cannot be imported: No module named "
            "'cityux_social.sources.nowhere'.",
        ),
        (
            "cityux_social.E003",
            "CITYUX_SOCIAL['REVIEW_CONFIDENCE'] must be a number between 0 and 1.",
        ),
    ]


def test_a_retired_setting_is_a_warning_that_says_what_replaced_it_not_a_stop(settings):
    from cityux_social.checks import check_social_settings
    from cityux_social.conf import social_setting

    settings.CITYUX_SOCIAL = {"HOLDOUT_FRACTION": 0.25, "CV_FOLDS": 4}

    [warning] = check_social_settings(None)
    assert (warning.id, warning.level, warning.msg) == (
        "cityux_social.W001",
        checks.WARNING,
        "CITYUX_SOCIAL['HOLDOUT_FRACTION'] is no longer read.",
    )
    assert "CV_FOLDS" in warning.hint
    assert social_setting("CV_FOLDS") == 4  # the site keeps running on its other settings
    assert "HOLDOUT_FRACTION" not in social_setting.all()


def test_system_check_passes_with_the_defaults(settings):
    from cityux_social.checks import check_social_settings

    settings.CITYUX_SOCIAL = {}
    assert check_social_settings(None) == []


def test_city_wide_analyst_lists_every_request_type_but_cannot_edit(
    client, city_wide_analyst, request_types
):
    client.force_login(city_wide_analyst)
    response = client.get(INDEX)
    assert len(response.context["object_list"]) == 3
    assert client.get(edit_url(request_types["bin"])).status_code == 403
    assert client.get(f"{INDEX}inspect/{request_types['bin'].pk}/").status_code == 200


def test_source_form_refuses_a_token_in_the_config_and_saves_nothing(admin_client, db):
    response = admin_client.post(
        "/admin/cityux_social/source/create/",
        {
            "name": "Mastodon",
            "slug": "mastodon",
            "kind": "mastodon",
            "enabled": "on",
            "config": '{"instance": "https://social.example.org", "query": "pothole", '
            '"token": "abc123"}',
            "replies_per_hour": "30",
        },
    )
    assert response.status_code == 200
    assert "looks like a credential" in str(response.context["form"].errors["config"])
    assert not Source.objects.exists()


def test_source_form_saves_a_valid_source(admin_client, db):
    response = admin_client.post(
        "/admin/cityux_social/source/create/",
        {
            "name": "Mastodon",
            "slug": "mastodon",
            "kind": "mastodon",
            "enabled": "on",
            "config": '{"instance": "https://social.example.org", "query": "pothole", '
            '"token_env": "CITYUX_MASTODON_TOKEN"}',
            "replies_per_hour": "30",
        },
    )
    assert response.status_code == 302
    assert Source.objects.get().config["token_env"] == "CITYUX_MASTODON_TOKEN"


def test_system_check_accepts_an_open311_server(settings):
    from cityux_social.checks import check_social_settings
    from cityux_social.tickets.base import open311_settings

    settings.CITYUX_SOCIAL = {"OPEN311": {"ENDPOINT": "https://311.riverton.example/v2/"}}
    assert check_social_settings(None) == []
    configured = open311_settings()
    assert configured.endpoint == "https://311.riverton.example/v2/"
    assert configured.timeout == 10.0  # the default of a key not given
