from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Wagtail's default editor groups manage surveys; department leads may view them.
SURVEY_PERMISSIONS = {
    "Editors": ["add", "change", "delete", "publish", "lock", "unlock", "view"],
    "Moderators": ["add", "change", "delete", "publish", "lock", "unlock", "view"],
}


def grant_survey_permissions(sender, using="default", **kwargs):
    """Give existing editor groups and every department's lead group their survey rights."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from wagtail.snippets.models import create_extra_permissions

    from cityux.models import Department

    # post_migrate calls this app's receivers before those of django.contrib.auth (add, change,
    # delete, view) and wagtail.snippets (publish, lock, unlock) whenever this app is listed
    # first, so on a new database the survey permissions do not exist yet: create them here.
    # Both are idempotent; their own receivers find nothing left to do.
    create_permissions(sender, verbosity=0, interactive=False, using=using)
    create_extra_permissions(sender, using=using)

    def permissions(actions):
        return Permission.objects.using(using).filter(
            content_type__app_label="cityux_analytics",
            codename__in=[f"{action}_survey" for action in actions],
        )

    for name, actions in SURVEY_PERMISSIONS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions(actions))
    view = list(permissions(["view"]))
    leads = Department.objects.using(using).exclude(lead_group=None).select_related("lead_group")
    for department in leads:
        department.lead_group.permissions.add(*view)


def register_department_scoped_models():
    """Surveys and replays belong to departments: the core's policy decides who sees them."""
    from cityux.admin import scope_by_department

    from .models import TrackedSession
    from .surveys.models import Survey

    scope_by_department(Survey)
    scope_by_department(TrackedSession)


class CityUXAnalyticsConfig(AppConfig):
    name = "cityux_analytics"
    label = "cityux_analytics"
    verbose_name = _("CityUX frustration analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import swapper
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cityux.models import DepartmentRootPage

        from . import checks, hub, mydata  # noqa: F401 (checks registers the system checks)
        from .pages import forget_paths
        from .replay import checks as replay_checks  # noqa: F401 (registers its checks)

        mydata.register_my_data()
        hub.register_sections()
        register_department_scoped_models()

        post_migrate.connect(
            grant_survey_permissions, sender=self, dispatch_uid="cityux-analytics-survey-perms"
        )
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_paths, dispatch_uid=f"cityux-analytics-paths-{signal!r}")
        page_model = swapper.load_model("wagtailcore", "Page")
        post_delete.connect(forget_paths, sender=page_model, dispatch_uid="cityux-paths-del")
        for signal in (post_save, post_delete):
            signal.connect(
                forget_paths, sender=DepartmentRootPage, dispatch_uid=f"cityux-paths-{signal!r}"
            )
