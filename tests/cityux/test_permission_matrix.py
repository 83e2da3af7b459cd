"""The permission matrix: every admin URL of a department-scoped model, tried across departments.

The URLs come from the URL resolver, not from a list: every admin URL whose view serves a model
registered with `cityux.admin.scope_by_department` (snippets, choosers, modeladmin, viewsets),
every snippet bulk action registered for such a model, and every admin view of a CityUX app. A
lead of Public Works, holding every model permission of the feature apps, asks each of them for
the Parks objects (GET, and POST), and must be refused (403, or 404) with nothing changed; a
response that names a Parks object fails, whatever its status. A new URL is tried without
editing this file.
"""

import inspect
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Revision

from cityux.admin import scoped_models
from cityux.models import Department
from cityux_analytics.models import TrackedSession
from cityux_analytics.surveys.models import Survey
from cityux_personalize.models import Goal, Segment
from cityux_social.models import ClassifierModel, RequestType, SocialPost, Source

FEATURE_APPS = ("cityux_analytics", "cityux_personalize", "cityux_social")
REFUSED = {403, 404}
MUST_TRY_AT_LEAST = 100  # the walk finds well over this; fewer means it stopped finding URLs


@dataclass(frozen=True)
class AdminURL:
    name: str  # namespaced URL name, for reverse()
    route: str
    params: tuple  # names of its URL parameters
    model: type | None  # the model whose objects it serves, when the view says


def walk(patterns, prefix="", namespace=None):
    """Every URL pattern below `patterns`, with its full route and namespaced name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def served_model(callback):
    """The model a view serves, as the view (generic, snippet or modeladmin) declares it."""
    callback = inspect.unwrap(callback)  # the admin's decorators wrap every view
    model = getattr(callback, "view_initkwargs", {}).get("model")
    model = model or getattr(getattr(callback, "view_class", None), "model", None)
    return model or getattr(getattr(callback, "__self__", None), "model", None)


def url_parameters(pattern):
    regex = pattern.pattern.regex
    return tuple(regex.groupindex)


def admin_urls_to_try():
    """The admin URLs of department-scoped models and of CityUX's own admin views."""
    scoped = set(scoped_models())
    found = []
    for route, name, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("admin/") or "bulk/<str:app_label>" in route:
            continue
        model = served_model(pattern.callback)
        ours = (getattr(pattern.callback, "__module__", "") or "").startswith("cityux")
        if model in scoped or (ours and model is None):
            found.append(AdminURL(name, route, url_parameters(pattern), model))
    return found


def bulk_action_urls(objects):
    """Every snippet bulk action registered for a scoped model, for that model's object."""
    for model in scoped_models():
        meta = model._meta
        for action in bulk_action_registry.get_bulk_actions_for_model(
            meta.app_label, meta.model_name
        ):
            base = reverse(
                "wagtail_bulk_action",
                args=(meta.app_label, meta.model_name, action.action_type),
            )
            yield f"{base}?id={objects[model].pk}"


# --- the other department's objects --------------------------------------------------------------


def parks_objects(parks):
    """One object of each department-scoped model, all of Parks (or city-wide)."""
    survey = Survey.objects.create(title="Bravo playground survey", department=parks)
    segment = Segment.objects.create(name="Bravo park lovers", department=parks, rules="[]")
    for draft in (survey, segment):
        draft.save_revision(log_action=True).publish()
        revision = draft.save_revision()
        revision.approved_go_live_at = timezone.now() + timedelta(days=7)
        revision.save()
    source = Source.objects.create(name="Bravo source", slug="bravo", kind="file")
    request_type = RequestType.objects.create(name="Bravo fallen tree", department=parks)
    return {
        Survey: survey,
        Segment: segment,
        Goal: Goal.objects.create(name="Bravo camp sign-up", kind="page", department=parks),
        RequestType: request_type,
        SocialPost: SocialPost.objects.create(
            source=source,
            external_id="bravo-post",
            text="Bravo tree down in the park",
            department=parks,
            request_type=request_type,
        ),
        Source: source,
        ClassifierModel: ClassifierModel.objects.create(decisions_used=424242, estimator=b""),
        TrackedSession: TrackedSession.objects.create(
            sid="bravo-session",
            started_at=timezone.now(),
            last_event_at=timezone.now(),
            department=parks,
        ),
    }


def secrets(objects):
    """What a page must not show: the names of the Parks objects.

    The source and the classifier are city-wide: their own pages are refused to a lead (they
    are tried), but the inbox may name the source a post came from.
    """
    return {
        "Bravo playground survey",
        "Bravo park lovers",
        "Bravo camp sign-up",
        "Bravo fallen tree",
        "Bravo tree down in the park",
        "bravo-post",
        "424242",
        "bravo-session",
    }


def snapshot(objects):
    """Every field of every Parks object, the number of rows and the revisions: what must not
    change."""
    rows = {f"{model.__name__} rows": model._default_manager.count() for model in objects}
    for model, instance in objects.items():
        fresh = model._default_manager.filter(pk=instance.pk).first()
        rows[model.__name__] = fresh and {
            field: comparable(value) for field, value in model_to_dict(fresh).items()
        }
    return rows, Revision.objects.count()


def comparable(value):
    """A field's value in a form that compares by content (querysets, stream values)."""
    if hasattr(value, "values_list"):
        return sorted(value.values_list("pk", flat=True))
    return str(value)


def parameter_values(url, objects, parks):
    """The values to fill a URL's parameters with: the Parks object it serves, or each of them."""
    if url.model is not None:
        candidates = [objects[url.model]]
    else:
        candidates = [parks, *objects.values()]
    for instance in candidates:
        values = {}
        for param in url.params:
            values[param] = value_for(param, instance, parks)
        yield values


def value_for(param, instance, parks):
    if "department" in param:
        return parks.pk
    if param == "revision_id":
        return getattr(instance, "latest_revision_id", None) or 1
    if param == "revision_id_a":
        return "earliest"
    if param == "revision_id_b":
        return "latest"
    if param == "action_name":
        return "approve"
    if param == "page_id":
        return parks.root_pages.values_list("page_id", flat=True).first() or 1
    if "slug" in param:
        return getattr(instance, "slug", "bravo")
    return instance.pk


def requests_to_make(urls, objects, parks):
    """(url, method, must be refused) for every URL, GET and POST."""
    any_id = objects[Goal].pk
    for url in urls:
        if not url.params:
            # A listing, a form, a chooser: it may answer, but never with a Parks name.
            yield f"{reverse(url.name)}?id={any_id}", "get", False
            continue
        for values in parameter_values(url, objects, parks):
            try:
                path = reverse(url.name, kwargs=values)
            except Exception:  # noqa: BLE001 (a value the route does not accept: nothing to try)
                continue
            yield path, "get", True
            yield path, "post", True
    for path in bulk_action_urls(objects):
        yield path, "get", True
        yield path, "post", True


def form_for(objects, parks):
    """What a POST sends: an object for Parks, as any of our forms would name its fields."""
    return {
        "department": parks.pk,
        "name": "Bravo intruder",
        "title": "Bravo intruder",
        "kind": "page",
        "id": objects[Goal].pk,
        "post": objects[SocialPost].pk,
        "action": "dismiss",
        "reason": "Spam or abuse",
    }


# --- the test --------------------------------------------------------------------------------


@pytest.fixture
def public_works_lead(make_lead, city):
    lead = make_lead(Department.objects.get(slug="public-works"))
    lead.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=FEATURE_APPS))
    return lead


def check(client, path, method, must_refuse, hidden, form):
    """The failure for one request, or None."""
    try:
        response = client.post(path, form) if method == "post" else client.get(path)
    except Exception as error:  # noqa: BLE001 (a crash is a failure of this URL, reported below)
        return f"{method.upper()} {path}: raised {error!r}"
    body = b"" if getattr(response, "streaming", False) else response.content
    text = body.decode(errors="replace")
    leaked = sorted(name for name in hidden if re.search(re.escape(name), text))
    if leaked:
        return f"{method.upper()} {path}: {response.status_code} shows {leaked}"
    allowed = REFUSED | {405}  # a method the view does not take tells nothing
    if must_refuse and response.status_code not in allowed:
        return f"{method.upper()} {path}: answered {response.status_code}, not 403/404"
    return None


def test_a_lead_reaches_nothing_of_another_department_through_any_admin_url(
    client, public_works_lead, city
):
    parks = Department.objects.get(slug="parks-recreation")
    objects = parks_objects(parks)
    hidden = secrets(objects)
    before = snapshot(objects)
    client.force_login(public_works_lead)

    urls = admin_urls_to_try()
    tried, failures = 0, []
    for path, method, must_refuse in requests_to_make(urls, objects, parks):
        tried += 1
        failure = check(client, path, method, must_refuse, hidden, form_for(objects, parks))
        if failure:
            failures.append(failure)

    bulk = len(list(bulk_action_urls(objects)))
    # The counts, for the report (pytest -s shows them).
    print(f"permission matrix: {len(urls)} URL patterns, {bulk} bulk actions, {tried} requests")  # noqa: T201
    assert tried >= MUST_TRY_AT_LEAST
    assert failures == [], "\n".join(failures)
    assert snapshot(objects) == before


def test_the_matrix_covers_every_view_of_every_scoped_snippet():
    names = {url.name for url in admin_urls_to_try()}
    for model in (Survey, Segment, Goal):
        meta = model._meta
        for view in ("edit", "delete", "history", "revisions_unschedule", "copy", "usage"):
            if view == "revisions_unschedule" and model is Goal:
                continue  # goals have no revisions
            assert f"wagtailsnippets_{meta.app_label}_{meta.model_name}:{view}" in names
        assert f"wagtailsnippetchoosers_{meta.app_label}_{meta.model_name}:chosen" in names
    assert "cityux_social_requesttype_modeladmin_history" in names
