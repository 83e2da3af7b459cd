"""The city's departments and the parts of the page tree each one owns."""

import swapper
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index


class Department(index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    lead_group = models.OneToOneField(
        Group,
        verbose_name=_("lead group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cityux_department",
        help_text=_("Members of this group see this department's reports and nothing else."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("contact_email"),
        FieldPanel("lead_group"),
        InlinePanel(
            "root_pages",
            label=_("Owned pages"),
            help_text=_("Each page here and every page below it belongs to this department."),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        permissions = [
            ("view_all_departments", _("Can see the reports of every department")),
        ]

    def __str__(self):
        return self.name


class DepartmentRootPage(Orderable):
    """A page that a department owns, together with every page below it."""

    department = ParentalKey(Department, on_delete=models.CASCADE, related_name="root_pages")
    page = models.OneToOneField(
        swapper.get_model_name("wagtailcore", "Page"),
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A page can be owned by one department only."),
    )

    panels = [FieldPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("owned page")
        verbose_name_plural = _("owned pages")

    def __str__(self):
        return f"{self.department}: {self.page}"


class Tombstone(models.Model):
    """A keyed hash of a visitor id or a session id whose data was deleted.

    Late data for it (a batch in flight, a replay chunk, a survey answer) is dropped on arrival
    and at ingest, so a deletion cannot be undone by what the resident's open tab still sends.
    Only the hash is kept: the id itself cannot be read back from it (see tombstones.py).
    """

    class Kind(models.TextChoices):
        VISITOR = "visitor", _("visitor")
        SESSION = "session", _("session")

    digest = models.CharField(_("keyed hash"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(_("deleted at"), db_index=True)

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")

    def __str__(self):
        return f"{self.get_kind_display()} {self.digest[:12]}…"
