"""A few simple questions ("What kind of business are you opening?") whose answers feed profiles."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_CHOICES = 20


def parse_choices(text):
    """(value, label) pairs from one label per line; the value is the label's slug."""
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    return [(slugify(label), label) for label in labels]


class Questionnaire(models.Model):
    question = models.CharField(
        _("question"),
        max_length=200,
        help_text=_('Asked in plain words, e.g. "What kind of business are you opening?"'),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    help_text = models.CharField(
        _("help text"),
        max_length=300,
        blank=True,
        help_text=_("Why we ask, shown under the question."),
    )
    choices = models.TextField(
        _("answers to choose from"), help_text=_("One answer per line, 2 to 20 answers.")
    )
    thank_you_message = models.CharField(
        _("thank-you message"),
        max_length=300,
        blank=True,
        help_text=_("Shown after answering. Empty: “Thank you, we will show what fits.”"),
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["question"]

    def __str__(self):
        return self.question

    def clean(self):
        super().clean()
        choices = parse_choices(self.choices)
        values = [value for value, _label in choices]
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationError(
                {"choices": gettext("Give between 2 and %(max)d answers.") % {"max": MAX_CHOICES}}
            )
        if "" in values or len(set(values)) != len(values):
            raise ValidationError(
                {"choices": gettext("Each answer needs letters or digits and must be different.")}
            )

    @property
    def choice_list(self):
        return parse_choices(self.choices)

    def label_for(self, value):
        """The label of an answer value, or the value itself if the answer was removed."""
        return dict(self.choice_list).get(value, value)

    def get_thank_you_message(self):
        return self.thank_you_message or gettext("Thank you, we will show what fits.")
