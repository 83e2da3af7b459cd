"""The department-scoped admin: one policy, one queryset, one 403, applied to every admin view.

Usage, in a feature app::

    # apps.py, in ready(): the model's rows belong to departments
    from cityux.admin import scope_by_department
    scope_by_department(Survey)                       # rows have a `department` foreign key
    scope_by_department(Source, department_field=None)  # city-wide configuration

    # wagtail_hooks.py
    class SurveyViewSet(DepartmentScopedViewSetMixin, SnippetViewSet): ...

A user sees a row when they may see its department (`cityux.access`); a row without a department
is city-wide, and only users who see every department (city-wide analysts, superusers) see it.
Changing a row also needs the Django model permission, as everywhere in Wagtail.

`DepartmentScopedViewSetMixin` wraps every view a snippet or model viewset constructs (listing,
create, edit, delete, copy, history, revisions, usage, inspect, preview, lock, workflow views and
the choosers): an object the user may not see answers `forbidden()` (a 403 page, never Wagtail's
redirect to the dashboard), and listings and choosers list only what the user may see. The
snippet bulk actions and the site history report are scoped here too, for every registered model.
`DepartmentFilter` (in a filterset made by `department_filterset()`) is the listings' department
filter, and `DepartmentMenuItem` the menu item shown to users who see at least one department.
"""

import django_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.template.response import TemplateResponse
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from .access import departments_for_user, sees_every_department, visible_department_ids

FORBIDDEN_TEMPLATE = "cityux/forbidden.html"
NO_PERMISSION = _("You do not have permission for this.")

# model -> name of its department foreign key (None: every row is city-wide)
_scoped_models = {}


# --- the policy and the queryset -----------------------------------------------------------------


def scoped(queryset, user, department_field="department"):
    """Narrow `queryset` to the rows `user` may see; rows without a department are city-wide."""
    if sees_every_department(user):
        return queryset
    if department_field is None:
        return queryset.none()
    # A list of ids, not a subquery: Wagtail's search backends cannot search a queryset that
    # holds a subquery (SQLite answers "no such column").
    ids = sorted(visible_department_ids(user))
    return queryset.filter(**{f"{department_field}__in": ids})


class DepartmentPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, for the rows of the departments the user may see."""

    def __init__(self, model, department_field="department"):
        super().__init__(model)
        self.department_field = department_field

    def may_see(self, user, instance):
        """Whether `user` may see `instance` at all: its department's, or city-wide staff."""
        if sees_every_department(user):
            return True
        if self.department_field is None:
            return False
        department_id = getattr(instance, f"{self.department_field}_id", None)
        return department_id is not None and department_id in visible_department_ids(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.may_see(user, instance) and super().user_has_permission_for_instance(
            user, action, instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.may_see(user, instance) and super().user_has_any_permission_for_instance(
            user, actions, instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return scoped(instances, user, self.department_field)


def scope_by_department(model, department_field="department"):
    """Register the department policy for `model` (call from the app's `ready()`)."""
    _scoped_models[model] = department_field
    register_permission_policy(model, DepartmentPermissionPolicy(model, department_field))


def scoped_models():
    """The models registered with scope_by_department(), with their department field."""
    return dict(_scoped_models)


def visible_to(user, model):
    """Every row of `model` that `user` may see."""
    return scoped(model._default_manager.all(), user, _scoped_models.get(model, "department"))


def may_see(user, instance):
    """Whether `user` may see `instance` of a department-scoped model (others: always)."""
    policy = policy_registry.get_by_type(type(instance))
    return not isinstance(policy, DepartmentPermissionPolicy) or policy.may_see(user, instance)


# --- the one 403 ---------------------------------------------------------------------------------


def forbidden(request, reason=None):
    """The 403 page every department-scoped admin view answers when refusing."""
    reason = reason or _("It belongs to a department you do not lead.")
    return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)


# --- menu items ----------------------------------------------------------------------------------


class DepartmentMenuItem(MenuItem):
    """A menu item shown to users who may see at least one department (leads, analysts)."""

    def is_shown(self, request):
        return bool(visible_department_ids(request.user))


# --- the department filter ---------------------------------------------------------------------


def _departments_of_request(request):
    return departments_for_user(request.user if request is not None else None)


class DepartmentFilter(django_filters.ModelChoiceFilter):
    """A listing filter (in a WagtailFilterSet) offering only the departments the user may see;
    another department's id in the URL is a filter error, never a listing of its rows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Department"))
        kwargs.setdefault("queryset", _departments_of_request)
        super().__init__(*args, **kwargs)


def department_filterset(model, fields=("department",)):
    """A WagtailFilterSet of `model` on `fields`, its "department" a DepartmentFilter."""
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    attributes = {"department": DepartmentFilter(), "Meta": meta}
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), attributes)


# --- views ---------------------------------------------------------------------------------------


def _object_in_url(model, kwargs):
    """The object a view's URL names (`pk`, `instance_pk` or `object_id`), if it exists."""
    for name in ("pk", "instance_pk", "object_id"):
        if kwargs.get(name) is not None:
            try:
                return model._default_manager.filter(pk=unquote(str(kwargs[name]))).first()
            except (ValueError, ValidationError):
                return None  # not a valid key: Wagtail's own view answers 404
    return None


class DepartmentScopedView:
    """Refuses, with one 403, an object of a department the user may not see, and any refusal."""

    scoped_model = None
    refused = False
    reason = None  # why refused: forbidden()'s default, the department

    def setup(self, request, *args, **kwargs):
        named = {**kwargs, "instance_pk": getattr(self, "instance_pk", None)}  # modeladmin
        instance = _object_in_url(self.scoped_model, named)
        if instance is not None and not may_see(request.user, instance):
            self.refused = True
            self.request, self.args, self.kwargs = request, args, kwargs
            return  # nothing of the object is loaded
        try:
            # Some views (copy, preview) load their object here, before dispatch().
            super().setup(request, *args, **kwargs)
        except PermissionDenied:
            self.refused = True
            self.reason = NO_PERMISSION  # the user's own department's object, not theirs to open

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        limit_department_choices(form, self.request.user, self.scoped_model)
        return form

    def dispatch(self, request, *args, **kwargs):
        if self.refused:
            return forbidden(request, self.reason)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request, NO_PERMISSION)


def limit_department_choices(form, user, model):
    """A form's department field offers only the user's departments, and needs one unless the
    user is city-wide staff (a row left without a department would be hidden from its author)."""
    field = form.fields.get(_scoped_models.get(model) or "")
    if field is None or sees_every_department(user):
        return
    field.queryset = departments_for_user(user)
    field.required = True


class DepartmentScopedChooser:
    """Chooser views list and return only what the user may see."""

    def get_object_list(self):
        return scoped_queryset(super().get_object_list(), self.request.user, self.scoped_model)

    def get_object(self, pk):
        return visible_to(self.request.user, self.scoped_model).get(pk=pk)

    def get_objects(self, pks):
        return visible_to(self.request.user, self.scoped_model).filter(pk__in=pks)


def scoped_queryset(queryset, user, model):
    """`queryset` of `model` narrowed by that model's registered department field."""
    return scoped(queryset, user, _scoped_models.get(model, "department"))


def scoped_view_class(view_class, model, *mixins):
    """`view_class` behind DepartmentScopedView (and `mixins`), for objects of `model`."""
    if issubclass(view_class, DepartmentScopedView):
        return view_class
    bases = (DepartmentScopedView, *mixins, view_class)
    return type(f"DepartmentScoped{view_class.__name__}", bases, {"scoped_model": model})


class DepartmentScopedChooserViewSet(SnippetChooserViewSet):
    def construct_view(self, view_class, **kwargs):
        view_class = scoped_view_class(view_class, self.model, DepartmentScopedChooser)
        return super().construct_view(view_class, **kwargs)


class DepartmentScopedViewSetMixin:
    """For a SnippetViewSet or ModelViewSet: every view it constructs is department-scoped."""

    chooser_viewset_class = DepartmentScopedChooserViewSet

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(scoped_view_class(view_class, self.model), **kwargs)

    @property
    def search_backend_name(self):
        """With `search_fields` on the viewset, the listing searches them with the ORM
        (`icontains`): the same on SQLite and PostgreSQL, within the scoped queryset. Wagtail's
        SQLite full-text backend cannot restrict an autocomplete to given fields."""
        if isinstance(getattr(type(self), "search_fields", None), list | tuple):
            return None
        return super().search_backend_name

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return scoped_queryset(queryset, request.user, self.model)


class DepartmentScopedModelAdminMixin:
    """For a wagtail-modeladmin ModelAdmin: its instance views refuse hidden objects with 403,
    and its create and edit forms offer only the departments the user may see."""

    def get_queryset(self, request):
        return scoped_queryset(super().get_queryset(request), request.user, self.model)

    def _scoped(self, view_class):
        return scoped_view_class(view_class, self.model)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("create", "edit", "delete", "inspect", "history"):
            attribute = f"{name}_view_class"
            setattr(self, attribute, self._scoped(getattr(self, attribute)))


# --- bulk actions and the site history report ----------------------------------------------------


class DepartmentScopedDeleteBulkAction(DeleteBulkAction):
    """Snippet bulk delete that refuses (403, no titles shown) when any object is hidden."""

    @classproperty
    def models(cls):
        return [model for model in get_snippet_models() if model in _scoped_models]

    def dispatch(self, request, *args, **kwargs):
        ids = [pk for pk in request.GET.getlist("id") if pk != "all"]
        visible = visible_to(request.user, self.model).values("pk")
        try:
            hidden = self.model._default_manager.filter(pk__in=ids).exclude(pk__in=visible)
            if hidden.exists():
                return forbidden(request)
        except (ValueError, ValidationError):
            pass  # not valid keys: Wagtail's own view answers 404
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        return visible_to(self.request.user, self.model).values_list("pk", flat=True)


class DepartmentScopedLogEntriesView(LogEntriesView):
    """The site history report without the log entries of objects the user may not see."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.model is not ModelLogEntry or sees_every_department(self.request.user):
            return queryset
        return queryset.exclude(hidden_log_entries(self.request.user))


def hidden_log_entries(user):
    """A Q matching log entries of department-scoped objects that `user` may not see."""
    from django.contrib.contenttypes.models import ContentType

    hidden = Q(pk__in=[])
    for model in _scoped_models:
        visible_ids = visible_to(user, model).annotate(key=Cast("pk", CharField())).values("key")
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        hidden |= Q(content_type=content_type) & ~Q(object_id__in=visible_ids)
    return hidden


def site_history_urls():
    """Wagtail's site history report, scoped; include these before Wagtail's admin URLs."""
    from django.urls import path
    from wagtail.admin.auth import require_admin_access

    view = require_admin_access(DepartmentScopedLogEntriesView.as_view())
    results = require_admin_access(DepartmentScopedLogEntriesView.as_view(results_only=True))
    return [
        path("reports/site-history/", view, name="cityux_site_history"),
        path("reports/site-history/results/", results, name="cityux_site_history_results"),
    ]
