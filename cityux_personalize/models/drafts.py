"""Resume on any device: a form's draft, and the one-time codes that carry it to another device."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormDraft(models.Model):
    """What a consenting resident has typed into a form so far (never files or passwords)."""

    profile = models.ForeignKey(
        "cityux_personalize.VisitorProfile",
        verbose_name=_("visitor profile"),
        on_delete=models.CASCADE,
        related_name="form_drafts",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("form page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = models.JSONField(_("field values"), default=dict)
    updated = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        constraints = [
            models.UniqueConstraint(fields=["profile", "page"], name="cityux_draft_one_per_page")
        ]

    def __str__(self):
        return f"{self.page_id} / {self.profile_id}"


class ResumeCode(models.Model):
    """A short one-time code to continue on another device. Only a keyed hash is stored."""

    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    profile = models.ForeignKey(
        "cityux_personalize.VisitorProfile",
        verbose_name=_("visitor profile"),
        on_delete=models.CASCADE,
        related_name="resume_codes",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("form page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    # Times the right code was presented, counting refusals (already used, expired).
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("resume code")
        verbose_name_plural = _("resume codes")

    def __str__(self):
        return f"{_('resume code')} #{self.pk}"

    def is_usable(self, now=None):
        return self.used_at is None and self.expires_at > (now or timezone.now())
