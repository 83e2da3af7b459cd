"""Replay feedback, the "Sessions worth watching" page and hub section, and the retrain task."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityux.models import Department
from cityux_analytics.models import SignalKind
from cityux_analytics.replay.models import ReplayFeedback
from cityux_analytics.tasks import retrain_worth_model
from cityux_analytics.worth.features import FEATURE_NAMES
from cityux_analytics.worth.models import WorthModel
from tests.cityux_analytics.test_replay import ERROR_DETAIL, error_click, rage, visit

pytestmark = pytest.mark.django_db
WORTH_URL = "/admin/cityux/replays/worth/"


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def police(city):
    return Department.objects.get(slug="police")


def feedback_url(session):
    return f"/admin/cityux/replays/{session.pk}/feedback/"


# -- feedback ---------------------------------------------------------------------------------


def test_the_player_shows_the_useful_and_not_useful_buttons(client, make_lead, works):
    session = visit(works, rage(), replay=True)
    client.force_login(make_lead(works))
    html = client.get(f"/admin/cityux/replays/{session.pk}/").content.decode()
    assert 'name="useful" value="1"' in html and 'name="useful" value="0"' in html
    assert "csrfmiddlewaretoken" in html and feedback_url(session) in html


def test_feedback_needs_the_csrf_token(make_lead, works):
    session = visit(works, rage(), replay=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_lead(works))
    assert client.post(feedback_url(session), {"useful": "1"}).status_code == 403
    assert not ReplayFeedback.objects.exists()
    page = client.get(f"/admin/cityux/replays/{session.pk}/")
    token = page.context["csrf_token"]
    response = client.post(feedback_url(session), {"useful": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ReplayFeedback.objects.get().useful is True


def test_a_lead_of_another_department_gets_403_and_stores_nothing(client, make_lead, works, police):
    session = visit(works, rage(), replay=True)
    client.force_login(make_lead(police))
    response = client.post(feedback_url(session), {"useful": "1"})
    assert response.status_code == 403
    assert not ReplayFeedback.objects.exists()


def test_feedback_is_one_answer_per_person_that_they_can_change(client, make_lead, works):
    session = visit(works, rage(), replay=True)
    lead = make_lead(works)
    client.force_login(lead)
    client.post(feedback_url(session), {"useful": "1"})
    response = client.post(feedback_url(session), {"useful": "0"}, follow=True)
    assert ReplayFeedback.objects.get(session=session, user=lead).useful is False
    assert ReplayFeedback.objects.count() == 1
    assert "You marked this replay as not useful." in response.content.decode()


def test_feedback_without_an_answer_or_a_replay_is_refused_with_a_message(client, make_lead, works):
    recorded = visit(works, rage(), replay=True)
    unrecorded = visit(works, rage())
    client.force_login(make_lead(works))
    response = client.post(feedback_url(recorded), {"useful": "maybe"}, follow=True)
    assert "Choose “Useful” or “Not useful”." in response.content.decode()
    response = client.post(feedback_url(unrecorded), {"useful": "1"}, follow=True)
    assert "no replay to judge" in response.content.decode()
    assert not ReplayFeedback.objects.exists()


def test_feedback_only_accepts_post(client, make_lead, works):
    session = visit(works, rage(), replay=True)
    client.force_login(make_lead(works))
    assert client.get(feedback_url(session)).status_code == 405


# -- the "Sessions worth watching" page ---------------------------------------------------------


def worth_rows(client, **query):
    response = client.get(WORTH_URL, {**query, "export": "csv"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_ranks_different_problems_first_with_reasons_and_links(client, make_lead, works):
    for _ in range(3):
        visit(works, rage("#send-report"), rage("#send-report"), replay=True)
    visit(works, error_click(), replay=True)
    visit(works, (SignalKind.DEAD_CLICK, ".pay-online", "", None))
    client.force_login(make_lead(works))
    response = client.get(WORTH_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ranked by the transparent score" in html
    assert "2 rage clicks on “#send-report”" in html
    assert f"script error “{ERROR_DETAIL}”" in html
    assert "2 more sessions like this" in html
    assert "element=%23send-report" in html and "kind=rage_click" in html
    assert "no replay recorded" in html
    problems = [row["Problem"] for row in worth_rows(client)]
    assert len(problems) == 5 and len(set(problems[:3])) == 3
    assert problems[0].startswith("Rage click on “#send-report”")


def test_the_more_like_this_link_lists_exactly_those_sessions(client, make_lead, works):
    group = [visit(works, rage("#send-report"), replay=True) for _ in range(3)]
    visit(works, rage("#elsewhere"), replay=True)
    client.force_login(make_lead(works))
    rows = [r for r in client.get(WORTH_URL).context["object_list"] if r["more"]]
    assert {row["more_url"] for row in rows} == {rows[0]["more_url"]} and len(rows) == 3
    response = client.get(rows[0]["more_url"])
    assert response.status_code == 200
    assert response.context["items_count"] == len(group) == rows[0]["more"] + 1


def test_a_low_rating_alone_makes_a_session_worth_watching(client, make_lead, works):
    rated = visit(works, rating=1, replay=True)
    visit(works, rating=5, replay=True)
    client.force_login(make_lead(works))
    (row,) = client.get(WORTH_URL).context["object_list"]
    assert row["session_id"] == rated.pk
    assert row["reasons"] == ("rated the page 1 of 5",)
    assert row["problem"] == "No frustration signal"


def test_only_frustration_on_the_departments_own_pages_counts(client, make_lead, works, police):
    # Frustrated on police pages, and only passing through a public works page.
    visit(police, rage(), pages=[("/public-works/", None, works)], replay=True)
    client.force_login(make_lead(works))
    assert client.get(WORTH_URL).context["object_list"] == []


def test_the_page_opens_on_the_users_first_department_with_frustrated_sessions(
    client, make_lead, works
):
    parks = Department.objects.get(slug="parks-recreation")  # first by name, and calm
    visit(works, rage("#send-report"), replay=True)
    client.force_login(make_lead(parks, works))
    response = client.get(WORTH_URL)
    assert response.context["department"] == works
    assert len(response.context["object_list"]) == 1


def test_the_page_opens_on_the_users_first_department_when_none_has_frustration(
    client, make_lead, works
):
    parks = Department.objects.get(slug="parks-recreation")
    client.force_login(make_lead(parks, works))
    assert client.get(WORTH_URL).context["department"] == parks


def test_the_department_selector_is_limited_to_the_users_departments(
    client, make_lead, works, police
):
    visit(police, rage(), replay=True)
    client.force_login(make_lead(works))
    assert worth_rows(client) == []
    assert client.get(WORTH_URL, {"department": police.pk}).status_code == 403
    assert client.get(WORTH_URL, {"department": police.pk, "export": "csv"}).status_code == 403
    html = client.get(WORTH_URL).content.decode()
    assert "Police" not in html.split("<main")[-1].split("</form>")[0]


def test_the_page_says_when_a_learnt_model_ranks_and_how_accurate_it_is(client, make_lead, works):
    from cityux_analytics.worth import model

    visit(works, rage(), replay=True)
    vectors = [[float(n % 2)] * len(FEATURE_NAMES) for n in range(40)]
    training = model.train(vectors, [n % 2 == 0 for n in range(40)], min_labels=30)
    WorthModel.objects.create(
        labels_used=40, held_out_accuracy=0.875, baseline_accuracy=0.5, active=True,
        estimator=model.dumps(training.estimator), feature_names=list(FEATURE_NAMES),
    )  # fmt: skip
    client.force_login(make_lead(works))
    html = client.get(WORTH_URL).content.decode()
    assert "Ranked by the model learnt from 40" in html
    assert "88% of held-out answers" in html and "50% for always guessing" in html
    assert "likely useful" in html


def test_a_model_that_learnt_other_features_is_not_used(client, make_lead, works):
    visit(works, rage(), replay=True)
    WorthModel.objects.create(
        labels_used=40, held_out_accuracy=0.9, baseline_accuracy=0.5, active=True,
        estimator=b"not a model", feature_names=["an_old_feature"],
    )  # fmt: skip
    client.force_login(make_lead(works))
    response = client.get(WORTH_URL)
    assert response.status_code == 200
    assert "Ranked by the transparent score" in response.content.decode()


def test_an_inactive_model_leaves_the_score_in_charge_and_says_why(client, make_lead, works):
    visit(works, rage(), replay=True)
    WorthModel.objects.create(
        labels_used=40, held_out_accuracy=0.5, baseline_accuracy=0.6, active=False,
        estimator=b"",
    )  # fmt: skip
    client.force_login(make_lead(works))
    html = client.get(WORTH_URL).content.decode()
    assert "Ranked by the transparent score: the latest learnt model (50%" in html


def test_the_hub_shows_the_top_5_on_a_departments_page(client, make_lead, works):
    for index in range(7):
        visit(works, rage(f"#button-{index}"), replay=True)
    client.force_login(make_lead(works))
    html = client.get(reverse("cityux_hub:department", args=[works.slug])).content.decode()
    assert "Sessions worth watching" in html
    assert html.count("rage click on “#button-") == 5


# -- the retrain task ---------------------------------------------------------------------------


def label(sessions, user, useful):
    for session in sessions:
        ReplayFeedback.objects.create(session=session, user=user, useful=useful)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("labeller", password="pw")


def test_the_task_does_not_train_below_the_minimum_of_labels(settings, works, staff):
    settings.CITYUX_ANALYTICS = {"WORTH_MIN_LABELS": 30, "WORTH_RETRAIN_NEW_LABELS": 5}
    label([visit(works, rage(), replay=True) for _ in range(10)], staff, True)
    label([visit(works, replay=True) for _ in range(10)], staff, False)
    assert "at least 30" in retrain_worth_model()
    assert not WorthModel.objects.exists()


def test_the_task_trains_once_and_again_only_after_enough_new_labels(settings, works, staff):
    settings.CITYUX_ANALYTICS = {"WORTH_MIN_LABELS": 20, "WORTH_RETRAIN_NEW_LABELS": 5}
    label([visit(works, rage(), rage(), replay=True) for _ in range(12)], staff, True)
    label([visit(works, replay=True) for _ in range(12)], staff, False)
    assert retrain_worth_model().startswith("trained on 24 labels")
    first = WorthModel.objects.get()
    assert first.active and first.held_out_accuracy > first.baseline_accuracy
    assert retrain_worth_model().startswith("not retrained: 0 new labels")
    assert WorthModel.objects.count() == 1
    label([visit(works, rage(), replay=True) for _ in range(5)], staff, True)
    assert retrain_worth_model().startswith("trained on 29 labels")
    assert WorthModel.objects.count() == 2
    assert list(WorthModel.objects.filter(active=True)) == [WorthModel.objects.first()]


def test_the_task_keeps_a_model_that_does_not_beat_guessing_inactive(settings, works, staff):
    settings.CITYUX_ANALYTICS = {"WORTH_MIN_LABELS": 20, "WORTH_RETRAIN_NEW_LABELS": 5}
    # Sessions alike in every feature are labelled both ways: nothing can be learnt.
    started = timezone.now() - datetime.timedelta(hours=2)
    sessions = [visit(works, rage(), started=started, replay=True) for _ in range(24)]
    label(sessions[:8], staff, True)
    label(sessions[8:], staff, False)
    assert "inactive" in retrain_worth_model()
    assert WorthModel.objects.get().active is False


def test_the_worth_page_switches_to_the_trained_model(client, settings, make_lead, works, staff):
    settings.CITYUX_ANALYTICS = {"WORTH_MIN_LABELS": 20, "WORTH_RETRAIN_NEW_LABELS": 5}
    label([visit(works, rage(), rage(), replay=True) for _ in range(12)], staff, True)
    label([visit(works, replay=True) for _ in range(12)], staff, False)
    client.force_login(make_lead(works))
    assert "Ranked by the transparent score" in client.get(WORTH_URL).content.decode()
    retrain_worth_model()
    assert "Ranked by the model learnt from 24" in client.get(WORTH_URL).content.decode()


def test_the_ranking_prefers_recent_sessions(client, make_lead, works):
    old = visit(works, rage("#a"), started=timezone.now() - datetime.timedelta(days=20))
    new = visit(works, rage("#b"))
    client.force_login(make_lead(works))
    rows = client.get(WORTH_URL).context["object_list"]
    assert [row["session_id"] for row in rows] == [new.pk, old.pk]
