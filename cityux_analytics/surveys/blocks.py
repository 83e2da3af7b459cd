"""The questions a survey can ask: one StreamField block per kind.

Each block also says how the widget receives it (`as_question`), which answers it accepts
(`clean_answer`) and, for the closed questions, how an answer reads on a 1-5 scale
(`as_rating`) so that reports can put every survey on one scale.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks

MAX_TEXT_LENGTH = 500


class AnswerError(ValueError):
    """An answer that the question does not accept; the message is shown to the resident."""


def is_unanswered(answer):
    return answer is None or (isinstance(answer, str) and not answer.strip())


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=gettext_lazy("Question"), max_length=200)
    required = blocks.BooleanBlock(
        label=gettext_lazy("An answer is required"), required=False, default=False
    )

    # What the widget calls this kind of question.
    question_type = ""
    # Whether answers are the resident's own words (scrubbed, joined into the comment).
    is_free_text = False

    def as_question(self, value, block_id):
        """The question as the widget receives it."""
        return {
            "id": block_id,
            "type": self.question_type,
            "label": value["label"],
            "required": bool(value["required"]),
        }

    def clean_answer(self, value, answer):
        """The answer to store; raises AnswerError. `answer` is never unanswered here."""
        raise NotImplementedError

    def as_rating(self, answer):
        """The answer on a 1-5 scale, or None for questions that are not ratings."""
        return None

    def answer_words(self, value, answer):
        """A stored answer as the resident chose it ("Yes", "4 out of 5"); a choice or a text
        answer is stored in its own words already."""
        return str(answer)


class RatingBlock(QuestionBlock):
    """A 1-5 rating (1 worst)."""

    required = blocks.BooleanBlock(
        label=gettext_lazy("An answer is required"), required=False, default=True
    )
    question_type = "rating"

    class Meta:
        icon = "pick"
        label = gettext_lazy("Rating (1-5)")

    def clean_answer(self, value, answer):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
            raise AnswerError(_("Choose a rating from 1 to 5."))
        return answer

    def as_rating(self, answer):
        return answer

    def answer_words(self, value, answer):
        return _("%(rating)s out of 5") % {"rating": answer}


class ThumbsBlock(QuestionBlock):
    """Thumbs up or down."""

    question_type = "thumbs"

    class Meta:
        icon = "success"
        label = gettext_lazy("Thumbs up or down")

    def clean_answer(self, value, answer):
        if answer not in ("up", "down"):
            raise AnswerError(_("Choose thumbs up or thumbs down."))
        return answer

    def as_rating(self, answer):
        return 5 if answer == "up" else 1

    def answer_words(self, value, answer):
        return _("Thumbs up") if answer == "up" else _("Thumbs down")


class YesNoBlock(QuestionBlock):
    """A yes / no question, such as "Did you find what you needed?"."""

    label = blocks.CharBlock(
        label=gettext_lazy("Question"),
        max_length=200,
        default=gettext_lazy("Did you find what you needed?"),
    )
    question_type = "yes_no"

    class Meta:
        icon = "tick"
        label = gettext_lazy("Yes or no")

    def clean_answer(self, value, answer):
        if answer not in ("yes", "no"):
            raise AnswerError(_("Answer yes or no."))
        return answer

    def as_rating(self, answer):
        return 5 if answer == "yes" else 1

    def answer_words(self, value, answer):
        return _("Yes") if answer == "yes" else _("No")


class SingleChoiceBlock(QuestionBlock):
    """One answer out of a few listed ones."""

    choices = blocks.ListBlock(
        blocks.CharBlock(max_length=100), label=gettext_lazy("Choices"), min_num=2, max_num=10
    )
    question_type = "choice"

    class Meta:
        icon = "list-ul"
        label = gettext_lazy("One choice out of several")

    def as_question(self, value, block_id):
        return {**super().as_question(value, block_id), "choices": list(value["choices"])}

    def clean_answer(self, value, answer):
        if not isinstance(answer, str) or answer not in value["choices"]:
            raise AnswerError(_("Choose one of the listed answers."))
        return answer


class ShortTextBlock(QuestionBlock):
    """A short answer in the resident's own words; scrubbed of e-mails and phone numbers."""

    max_length = blocks.IntegerBlock(
        label=gettext_lazy("Maximum length"),
        min_value=1,
        max_value=MAX_TEXT_LENGTH,
        default=MAX_TEXT_LENGTH,
    )
    help = blocks.CharBlock(
        label=gettext_lazy("Help text"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            'Shown under the question, e.g. "Please don\'t include personal details."'
        ),
    )
    question_type = "text"
    is_free_text = True

    class Meta:
        icon = "edit"
        label = gettext_lazy("Short text")

    def as_question(self, value, block_id):
        question = {**super().as_question(value, block_id), "max_length": value["max_length"]}
        if value["help"]:
            question["help"] = value["help"]
        return question

    def clean_answer(self, value, answer):
        if not isinstance(answer, str):
            raise AnswerError(_("Enter text."))
        answer = answer.strip()
        if len(answer) > value["max_length"]:
            raise AnswerError(
                _("Keep it to %(max)d characters or fewer.") % {"max": value["max_length"]}
            )
        return answer


class SurveyQuestionsBlock(blocks.StreamBlock):
    rating = RatingBlock()
    thumbs = ThumbsBlock()
    yes_no = YesNoBlock()
    single_choice = SingleChoiceBlock()
    short_text = ShortTextBlock()

    class Meta:
        min_num = 1
        max_num = 10
