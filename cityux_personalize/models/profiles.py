"""The visitor profile: what the site remembers about a resident who agreed to personalisation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceClass(models.TextChoices):
    MOBILE = "mobile", _("Phone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Computer")


class VisitorProfile(models.Model):
    visitor_id = models.UUIDField(
        _("visitor id"),
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("The value of the cityux_vid cookie, set only with consent."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cityux_visitor_profiles",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    visit_count = models.PositiveIntegerField(_("visits"), default=1)
    page_visits = models.JSONField(_("page views per page"), default=dict, blank=True)
    department_interest = models.JSONField(_("page views per department"), default=dict, blank=True)
    device_class = models.CharField(
        _("device"), max_length=10, choices=DeviceClass.choices, blank=True
    )
    referrer_host = models.CharField(_("came from"), max_length=255, blank=True)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=15, blank=True)
    area = models.ForeignKey(
        "cityux_personalize.CityArea",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answers = models.JSONField(_("questionnaire answers"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )

    class Meta:
        verbose_name = _("visitor profile")
        verbose_name_plural = _("visitor profiles")

    def __str__(self):
        return str(self.visitor_id)
