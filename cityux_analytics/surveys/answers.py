"""Check a resident's answers against the survey's questions and make them safe to store."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..privacy import scrub_text
from .blocks import AnswerError, is_unanswered

# Control characters (but tab and newline) and lone surrogates: no database stores them all.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


class InvalidAnswers(ValueError):
    """The answers cannot be stored; `fields` maps question ids to what is wrong."""

    def __init__(self, message, fields):
        super().__init__(message)
        self.fields = fields


@dataclass(frozen=True)
class CleanAnswers:
    answers: dict
    comment: str
    rating: int | None


def storable_text(text):
    """`text` without what a database cannot store, trimmed, e-mails and phone numbers removed."""
    return scrub_text(_UNSTORABLE.sub("", text).strip())


def clean_answers(questions, raw):
    """CleanAnswers for `raw` ({question id: answer}) to a survey's `questions` StreamField.

    Raises InvalidAnswers for an unknown question, a wrong answer or a missing required one,
    and when nothing at all was answered.
    """
    fields = {}
    answers, texts, rating = {}, [], None
    known = set()
    for question in questions:
        known.add(question.id)
        block, value, answer = question.block, question.value, raw.get(question.id)
        if is_unanswered(answer):
            if value["required"]:
                fields[question.id] = _("This question needs an answer.")
            continue
        try:
            answer = block.clean_answer(value, answer)
        except AnswerError as error:
            fields[question.id] = str(error)
            continue
        if block.is_free_text:
            answer = storable_text(answer)
            if not answer:
                if value["required"]:
                    fields[question.id] = _("This question needs an answer.")
                continue
            texts.append(answer)
        elif rating is None:
            rating = block.as_rating(answer)
        answers[question.id] = answer
    for question_id in raw:
        if question_id not in known:
            fields[question_id] = _("This survey has no such question.")
    if fields:
        raise InvalidAnswers(_("Some answers need another look."), fields)
    if not answers:
        raise InvalidAnswers(_("Answer at least one question."), {})
    return CleanAnswers(answers=answers, comment="\n\n".join(texts), rating=rating)


def answers_in_words(questions, answers):
    """{question text: answer in words} for stored `answers` ({question id: answer}) to a
    survey's `questions`; a question removed since is named by its place."""
    by_id = {question.id: question for question in questions}
    words = {}
    for number, (question_id, answer) in enumerate(answers.items(), start=1):
        question = by_id.get(question_id)
        if question is None:
            text, answer_text = (
                _("Question %(number)s (since removed)") % {"number": number},
                answer,
            )
        else:
            text = str(question.value["label"])
            answer_text = question.block.answer_words(question.value, answer)
        if text in words:  # two questions worded alike: keep both
            text = f"{text} ({number})"
        words[text] = str(answer_text)
    return words
