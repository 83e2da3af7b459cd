"""My data in people's words: local dates, question text and answer labels."""

import datetime
import types
import zoneinfo

import pytest

from cityux_analytics.mydata import _local
from cityux_analytics.surveys.answers import answers_in_words
from cityux_analytics.surveys.blocks import (
    RatingBlock,
    ShortTextBlock,
    SingleChoiceBlock,
    ThumbsBlock,
    YesNoBlock,
)
from cityux_personalize.mydata import plain_text


def question(block_class, label, block_id):
    return types.SimpleNamespace(id=block_id, block=block_class(), value={"label": label})


QUESTIONS = [
    question(RatingBlock, "How easy was it?", "q-rating"),
    question(ThumbsBlock, "Was this page useful?", "q-thumbs"),
    question(YesNoBlock, "Did you find what you needed?", "q-yes-no"),
    question(SingleChoiceBlock, "What were you looking for?", "q-choice"),
    question(ShortTextBlock, "Anything else?", "q-text"),
]


def test_answers_are_keyed_by_question_text_and_said_in_words():
    stored = {
        "q-rating": 4,
        "q-thumbs": "down",
        "q-yes-no": "no",
        "q-choice": "Bin days",
        "q-text": "The map is slow",
    }
    assert answers_in_words(QUESTIONS, stored) == {
        "How easy was it?": "4 out of 5",
        "Was this page useful?": "Thumbs down",
        "Did you find what you needed?": "No",
        "What were you looking for?": "Bin days",
        "Anything else?": "The map is slow",
    }


def test_an_answer_to_a_question_removed_since_is_kept_and_named_by_its_place():
    assert answers_in_words(QUESTIONS, {"q-yes-no": "yes", "gone": "up"}) == {
        "Did you find what you needed?": "Yes",
        "Question 2 (since removed)": "up",
    }


def test_two_questions_worded_alike_both_show():
    twins = [question(YesNoBlock, "Sure?", "a"), question(YesNoBlock, "Sure?", "b")]
    assert answers_in_words(twins, {"a": "yes", "b": "no"}) == {"Sure?": "Yes", "Sure? (2)": "No"}


def test_the_download_gives_instants_on_the_sites_clock(settings):
    settings.TIME_ZONE = "America/Chicago"
    moment = datetime.datetime(2026, 12, 5, 20, 3, 9, tzinfo=datetime.UTC)
    assert _local(moment) == "2026-12-05T14:03:09-06:00"


def test_the_page_shows_an_instant_as_a_local_date_and_time(settings):
    settings.TIME_ZONE = "America/Chicago"
    assert plain_text("2026-12-05T20:03:09+00:00") == "5 December 2026, 14:03"
    assert plain_text("2026-12-05T14:03:09-06:00") == "5 December 2026, 14:03"


@pytest.mark.parametrize("text", ["2026-12-05", "Order 2026-12-05T20:03", "not a date"])
def test_text_that_is_not_an_instant_is_shown_as_it_is(text):
    assert plain_text(text) == text


def test_the_local_clock_follows_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert plain_text("2026-07-01T10:00:00+00:00") == "1 July 2026, 12:00"


@pytest.mark.django_db
def test_questionnaire_answers_show_the_question_and_the_answer_as_worded():
    from cityux_personalize.models import Questionnaire
    from cityux_personalize.mydata import _answers_in_words

    Questionnaire.objects.create(
        question="What kind of business are you opening?",
        slug="business-type-words",
        choices="Restaurant or cafe\nShop",
    )
    assert _answers_in_words({"business-type-words": "restaurant-or-cafe", "gone": "x"}) == {
        "What kind of business are you opening?": "Restaurant or cafe",
        "gone": "x",
    }
