"""Keep the cached page → department map in step with ownership and tree changes; and the
signals the feature apps meet through (they never import each other)."""

import swapper
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from wagtail.signals import post_page_move

from .consent import forget_group_versions
from .departments import forget_owned_paths
from .models import Department, DepartmentRootPage

# A resident answered "yes" (or thumbs up) to a survey question. Sent by the surveys of
# cityux_analytics, heard by cityux_personalize's goals. Keyword arguments: `request`,
# `survey` (its id, as text), `question` (the question's id) and `page` (the Page, or None).
survey_answered_yes = Signal()

for model in (Department, DepartmentRootPage):
    post_save.connect(
        forget_owned_paths, sender=model, dispatch_uid=f"cityux-save-{model.__name__}"
    )
    post_delete.connect(
        forget_owned_paths, sender=model, dispatch_uid=f"cityux-delete-{model.__name__}"
    )

post_page_move.connect(forget_owned_paths, dispatch_uid="cityux-page-moved")
post_delete.connect(
    forget_owned_paths,
    sender=swapper.load_model("wagtailcore", "Page"),
    dispatch_uid="cityux-page-deleted",
)

# Without cookie_consent installed, the system check cityux.E001 says so (not an import error).
for name in ("CookieGroup", "Cookie") if apps.is_installed("cookie_consent") else ():
    model = apps.get_model("cookie_consent", name)
    post_save.connect(forget_group_versions, sender=model, dispatch_uid=f"cityux-v-{name}")
    post_delete.connect(forget_group_versions, sender=model, dispatch_uid=f"cityux-vd-{name}")
