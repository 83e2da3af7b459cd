"""The permissions of department leads and city-wide analysts, granted after every `migrate`.

A lead manages their department's surveys, segments, goals and request types and works its
social inbox; the department policy (`cityux.admin`) keeps them to their own departments, so the
model permissions below never reach another department's rows. City-wide analysts see all of it
in every department, without changing it. Permissions of apps that are not installed are skipped.
"""

from .access import CITY_WIDE_GROUP

EDITING = ("add", "change", "delete", "view")
PUBLISHING = (*EDITING, "publish", "lock", "unlock")

# "app_label.model" -> the actions a department lead (and a city-wide analyst) may take
DEPARTMENT_WORK = {
    "cityux_analytics.survey": PUBLISHING,
    "cityux_personalize.segment": PUBLISHING,
    "cityux_personalize.goal": EDITING,
    "cityux_social.requesttype": EDITING,
    "cityux_social.socialpost": ("change", "view"),
}


def department_work_permissions(only=None):
    """The Permission rows of DEPARTMENT_WORK that exist (their apps are installed).

    `only`: an action (e.g. "view") to keep to.
    """
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = Q(pk__in=[])
    for label, actions in DEPARTMENT_WORK.items():
        app_label, model = label.split(".")
        codenames = [f"{action}_{model}" for action in actions if only in (None, action)]
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    return Permission.objects.filter(wanted)


def grant_department_work(sender=None, **kwargs):
    """post_migrate receiver: give every lead group and the city-wide group their permissions.

    Idempotent (adding a permission a group holds changes nothing); run after each app's
    migrations, so each app's permissions are granted once they exist.
    """
    from django.contrib.auth.models import Group

    from .models import Department

    permissions = list(department_work_permissions())
    for department in Department.objects.exclude(lead_group=None).select_related("lead_group"):
        department.lead_group.permissions.add(*permissions)
    viewing = list(department_work_permissions(only="view"))
    for group in Group.objects.filter(name=CITY_WIDE_GROUP):
        group.permissions.add(*viewing)


def grant_lead_group_work(sender, instance, **kwargs):
    """post_save receiver for Department: a new department's lead group can work at once."""
    # Fixtures and serialized rollbacks save rows raw, perhaps before the group itself.
    if instance.lead_group_id is not None and not kwargs.get("raw"):
        instance.lead_group.permissions.add(*department_work_permissions())
