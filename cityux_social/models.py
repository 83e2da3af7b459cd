"""Sources of public posts, the request types staff triage them into, the posts, the model."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tickets.choices import TicketBackendChoice


class Source(models.Model):
    """Where public posts come from: one account, search or file per row."""

    class Kind(models.TextChoices):
        BLUESKY = "bluesky", _("Bluesky")
        MASTODON = "mastodon", _("Mastodon")
        X = "x", _("X")
        FILE = "file", _("File import (JSON Lines / CSV)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    config = models.JSONField(
        _("configuration"),
        default=dict,
        blank=True,
        help_text=_(
            "Instance URL, search terms, file path… Credentials are never stored here: name the "
            'environment variable that holds them, e.g. "token_env": "CITYUX_MASTODON_TOKEN".'
        ),
    )
    cursor = models.CharField(_("cursor"), max_length=255, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    replies_per_hour = models.PositiveIntegerField(_("replies per hour"), default=30)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name

    def clean(self):
        from .sources.base import config_problems

        problems = config_problems(self.kind, self.config)
        if problems:
            raise ValidationError({"config": problems})


DEFAULT_REPLY_LOGGED = "Thanks — logged as request #{ticket_id}. We'll tell you when it's fixed."
DEFAULT_REPLY_FIXED = "Fixed — thanks for reporting!"


class RequestType(models.Model):
    """A kind of service request (pothole, missed bin…), its department and its rules."""

    TicketBackend = TicketBackendChoice

    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="social_request_types",
    )
    open311_service_code = models.CharField(_("Open311 service code"), max_length=64, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One word per line; matched as a whole word.")
    )
    phrases = models.TextField(
        _("phrases"), blank=True, help_text=_("One phrase per line, e.g. “missed pickup”.")
    )
    patterns = models.TextField(
        _("patterns"),
        blank=True,
        help_text=_("One regular expression per line, matched case-insensitively."),
    )
    hashtags = models.TextField(
        _("hashtags"), blank=True, help_text=_("One per line, e.g. #pothole.")
    )
    mentions = models.TextField(
        _("mentions of city accounts"),
        blank=True,
        help_text=_("One account per line, e.g. @CityHelp."),
    )
    area_name = models.CharField(
        _("area name"),
        max_length=120,
        default="city limits",
        help_text=_("Said in explanations: “inside city limits”."),
    )
    min_lat = models.FloatField(_("south bound (latitude)"), null=True, blank=True)
    min_lon = models.FloatField(_("west bound (longitude)"), null=True, blank=True)
    max_lat = models.FloatField(_("north bound (latitude)"), null=True, blank=True)
    max_lon = models.FloatField(_("east bound (longitude)"), null=True, blank=True)
    reply_logged_template = models.TextField(
        _("reply when logged"),
        default=DEFAULT_REPLY_LOGGED,
        help_text=_("{ticket_id} is replaced by the request number."),
    )
    reply_fixed_template = models.TextField(_("reply when fixed"), default=DEFAULT_REPLY_FIXED)
    ticket_backend = models.CharField(
        _("ticket backend"),
        max_length=16,
        choices=TicketBackendChoice.choices,
        default=TicketBackendChoice.OPEN311,
    )
    email_to = models.EmailField(_("e-mail tickets to"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="cityux_social_request_type_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .rules import invalid_patterns

        errors = {}
        problems = invalid_patterns(self.patterns)
        if problems:
            errors["patterns"] = [
                _("“%(pattern)s” is not a valid regular expression: %(error)s.")
                % {"pattern": pattern, "error": error}
                for pattern, error in problems
            ]
        corners = [self.min_lat, self.min_lon, self.max_lat, self.max_lon]
        if any(c is not None for c in corners) and None in corners:
            errors["min_lat"] = _("Give all four bounds of the area, or none.")
        elif None not in corners and (self.min_lat >= self.max_lat or self.min_lon >= self.max_lon):
            errors["min_lat"] = _("The south and west bounds must be below the north and east.")
        if self.ticket_backend == TicketBackendChoice.EMAIL and not self.email_to:
            errors["email_to"] = _("E-mail tickets need an address to send them to.")
        if errors:
            raise ValidationError(errors)


class SocialPost(models.Model):
    """One public post, as fetched, classified and then decided by staff."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        ACCEPTED = "accepted", _("Accepted")
        TICKET_FAILED = "ticket_failed", _("Ticket failed")
        TICKETED = "ticketed", _("Ticketed")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="posts"
    )
    external_id = models.CharField(_("external id"), max_length=255)
    author_handle = models.CharField(_("author handle"), max_length=255, blank=True)
    author_name = models.CharField(_("author name"), max_length=255, blank=True)
    author_followers = models.PositiveIntegerField(_("author followers"), default=0)
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(_("fetched at"), auto_now_add=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    place = models.TextField(_("place"), blank=True)
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)

    suspected = models.BooleanField(_("suspected request"), default=False)
    rule_matches = models.JSONField(_("rule matches"), default=list, blank=True)
    request_type = models.ForeignKey(
        RequestType,
        verbose_name=_("request type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_posts",
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    dismiss_reason = models.CharField(_("dismiss reason"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("social post")
        verbose_name_plural = _("social posts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="cityux_social_post_unique_per_source"
            )
        ]
        indexes = [models.Index(fields=["status", "department"], name="cityux_soc_status_dept_idx")]

    def __str__(self):
        return f"{self.source}: {self.external_id}"


class ClassifierModel(models.Model):
    """A trained request classifier, why it was chosen and its cross-validated figures.

    At most one is active. `candidates` holds each candidate kind's cross-validated macro-F1
    (and spread, temperature); `per_type` each class's precision and recall with 95 % intervals,
    or "too_few" below the minimum of decisions. `measured` is False when the decisions were
    too few to cross-validate at all.
    """

    KIND_CHOICES = [
        ("seeded", _("rule-seeded (word and character n-grams)")),
        ("baseline", _("tuned linear baseline")),
        ("blend", _("blend of the two")),
    ]

    created = models.DateTimeField(_("created"), auto_now_add=True)
    decisions_used = models.PositiveIntegerField(_("decisions used"), default=0)
    kind = models.CharField(_("model"), max_length=16, choices=KIND_CHOICES, default="seeded")
    reason = models.TextField(_("why this model"), blank=True)
    candidates = models.JSONField(_("candidates' scores"), default=dict, blank=True)
    per_type = models.JSONField(_("per-type figures"), default=dict, blank=True)
    measured = models.BooleanField(_("measured"), default=False)
    macro_f1 = models.FloatField(_("macro-F1 (cross-validated)"), null=True, blank=True)
    precision = models.FloatField(_("precision (macro, cross-validated)"), null=True, blank=True)
    recall = models.FloatField(_("recall (macro, cross-validated)"), null=True, blank=True)
    threshold = models.FloatField(_("routing threshold"), null=True, blank=True)
    routed_precision = models.FloatField(_("routed precision"), null=True, blank=True)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=False)
    estimator = models.BinaryField(_("estimator"))

    class Meta:
        ordering = ["-created", "-pk"]
        get_latest_by = "created"
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")

    def __str__(self):
        return f"Classifier of {self.created:%Y-%m-%d %H:%M} ({self.decisions_used} decisions)"


from .tickets.models import Open311Service, Reply, Ticket  # noqa: E402,F401
