"""The department-scoped admin: the leaks found in issue 15, each shown closed."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

from cityux.admin import (
    DepartmentFilter,
    DepartmentMenuItem,
    DepartmentScopedViewSetMixin,
    department_filterset,
    scoped_view_class,
)
from cityux.models import Department
from cityux_analytics.surveys.models import Survey
from cityux_personalize.models import Goal, Segment
from cityux_social.models import RequestType

SCOPED_APPS = ("cityux_analytics", "cityux_personalize", "cityux_social")


@pytest.fixture
def works(city):
    return Department.objects.get(slug="public-works")


@pytest.fixture
def parks(city):
    return Department.objects.get(slug="parks-recreation")


@pytest.fixture
def lead(make_lead, works):
    """A Public Works lead holding every model permission of the feature apps."""
    user = make_lead(works)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=SCOPED_APPS))
    return user


def make_segment(name, department):
    segment = Segment.objects.create(name=name, department=department, rules=json.dumps([]))
    segment.save_revision(log_action=True).publish()
    return segment


def make_survey(title, department):
    survey = Survey.objects.create(title=title, department=department, live=False)
    survey.save_revision(log_action=True).publish()
    return survey


def test_a_lead_cannot_bulk_delete_another_departments_goal(client, lead, parks):
    goal = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    client.force_login(lead)
    url = f"/admin/bulk/cityux_personalize/goal/delete/?id={goal.pk}"
    response = client.post(url)
    assert response.status_code == 403
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_the_bulk_delete_confirmation_does_not_name_another_departments_goal(client, lead, parks):
    goal = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    client.force_login(lead)
    response = client.get(f"/admin/bulk/cityux_personalize/goal/delete/?id={goal.pk}")
    assert response.status_code == 403
    assert "Register for camp" not in response.content.decode()


def test_a_lead_can_still_bulk_delete_their_own_goal(client, lead, works):
    goal = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    client.force_login(lead)
    response = client.post(f"/admin/bulk/cityux_personalize/goal/delete/?id={goal.pk}")
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()


@pytest.mark.parametrize("view", ["", "results/"])
def test_the_segment_chooser_lists_only_the_leads_departments_segments(
    client, lead, works, parks, view
):
    make_segment("Pothole reporters", works)
    make_segment("Park lovers", parks)
    client.force_login(lead)
    response = client.get(f"/admin/snippets/choose/cityux_personalize/segment/{view}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pothole reporters" in html and "Park lovers" not in html


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("cityux_personalize/segment", lambda parks: make_segment("Park lovers", parks)),
        ("cityux_analytics/survey", lambda parks: make_survey("Park lovers survey", parks)),
        (
            "cityux_personalize/goal",
            lambda parks: Goal.objects.create(name="Park lovers", kind="page", department=parks),
        ),
    ],
)
def test_choosing_another_departments_object_is_refused(client, lead, parks, model, make):
    hidden = make(parks)
    client.force_login(lead)
    choose = client.get(f"/admin/snippets/choose/{model}/")
    assert str(hidden) not in choose.content.decode()
    chosen = client.get(f"/admin/snippets/choose/{model}/chosen/{hidden.pk}/")
    assert chosen.status_code in (403, 404)
    assert str(hidden) not in chosen.content.decode()


def test_another_departments_request_type_history_is_refused(client, lead, parks):
    hidden = RequestType.objects.create(name="Fallen tree", department=parks)
    ModelLogEntry.objects.log_action(hidden, "wagtail.create", title="Fallen tree")
    client.force_login(lead)
    response = client.get(f"/admin/cityux_social/requesttype/history/{hidden.pk}/")
    assert response.status_code == 403
    assert "Fallen tree" not in response.content.decode()


def test_unscheduling_another_departments_segment_revision_is_refused(client, lead, parks):
    segment = make_segment("Park lovers", parks)
    revision = segment.save_revision()
    revision.approved_go_live_at = timezone.now() + timedelta(days=7)
    revision.save()
    client.force_login(lead)
    url = (
        f"/admin/snippets/cityux_personalize/segment/history/{segment.pk}"
        f"/revisions/{revision.pk}/unschedule/"
    )
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None


def test_site_history_leaves_out_other_departments_segments_and_surveys(client, lead, works, parks):
    make_segment("Pothole reporters", works)
    make_segment("Park lovers", parks)
    make_survey("Playground survey", parks)
    client.force_login(lead)
    response = client.get("/admin/reports/site-history/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pothole reporters" in html
    assert "Park lovers" not in html and "Playground survey" not in html


def test_a_superuser_sees_every_entry_in_the_site_history(admin_client, parks):
    make_segment("Park lovers", parks)
    html = admin_client.get("/admin/reports/site-history/").content.decode()
    assert "Park lovers" in html


# --- the groups the README describes -------------------------------------------------------------


def run_post_migrate():
    """What every `migrate` ends with (the test database was migrated before the seed)."""
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_after_migrate_a_lead_group_may_edit_surveys_segments_goals_and_request_types(works):
    run_post_migrate()
    run_post_migrate()  # idempotent
    codenames = set(works.lead_group.permissions.values_list("codename", flat=True))
    for wanted in ("change_survey", "publish_survey", "change_segment", "publish_segment"):
        assert wanted in codenames
    assert {"add_goal", "change_goal", "delete_goal", "change_requesttype"} <= codenames


def test_after_migrate_city_wide_analysts_may_view_but_not_change(city):
    from django.contrib.auth.models import Group

    run_post_migrate()
    analysts = Group.objects.get(name="City-wide analysts")
    codenames = set(analysts.permissions.values_list("codename", flat=True))
    assert {"view_survey", "view_segment", "view_goal", "view_requesttype"} <= codenames
    assert "change_survey" not in codenames


def test_a_lead_with_only_their_group_edits_their_goal_and_is_refused_anothers(
    client, make_lead, works, parks
):
    run_post_migrate()
    own = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    other = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    client.force_login(make_lead(works))
    edit = "/admin/snippets/cityux_personalize/goal/edit/{}/"
    form = {"name": "Report a pothole online", "kind": "survey_yes", "department": works.pk}
    assert client.post(edit.format(own.pk), form).status_code == 302
    own.refresh_from_db()
    assert own.name == "Report a pothole online"
    assert client.post(edit.format(other.pk), {**form, "department": parks.pk}).status_code == 403
    other.refresh_from_db()
    assert other.name == "Register for camp"


def test_a_lead_cannot_create_a_goal_for_another_department(client, lead, works, parks):
    client.force_login(lead)
    form = {"name": "Register for camp", "kind": "survey_yes", "department": parks.pk}
    response = client.post("/admin/snippets/cityux_personalize/goal/add/", form)
    assert response.status_code == 200  # the form again, with the department refused
    assert not Goal.objects.filter(name="Register for camp").exists()
    client.post("/admin/snippets/cityux_personalize/goal/add/", {**form, "department": works.pk})
    assert Goal.objects.get(name="Register for camp").department == works


def test_a_new_departments_lead_group_may_edit_surveys_at_once(db):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Harbour leads")
    Department.objects.create(name="Harbour", slug="harbour", lead_group=group)
    assert group.permissions.filter(codename="change_survey").exists()


# --- issue 19: what the mutation run found untested ------------------------------------------

DEPARTMENT_REASON = "It belongs to a department you do not lead."
PERMISSION_REASON = "You do not have permission for this."
GOAL_URL = "/admin/snippets/cityux_personalize/goal/"


def without_goal_permissions(make_lead, department):
    """A lead of `department` whose lead group holds no permission on goals."""
    goals = Permission.objects.filter(content_type__model="goal")
    department.lead_group.permissions.remove(*goals)
    return make_lead(department, username="lead-without-goals")


def test_a_superuser_opens_any_departments_goal(admin_client, parks):
    goal = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    response = admin_client.get(f"{GOAL_URL}edit/{goal.pk}/")
    assert response.status_code == 200
    assert "Register for camp" in response.content.decode()


def test_editing_or_deleting_another_departments_goal_is_refused_with_the_reason(
    client, lead, parks
):
    goal = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    client.force_login(lead)
    for view in ("edit", "delete"):
        response = client.get(f"{GOAL_URL}{view}/{goal.pk}/")
        html = response.content.decode()
        assert response.status_code == 403
        assert DEPARTMENT_REASON in html and "Register for camp" not in html
    assert client.post(f"{GOAL_URL}delete/{goal.pk}/").status_code == 403
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_lead_without_the_model_permission_is_refused_with_that_reason(client, make_lead, works):
    goal = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    client.force_login(without_goal_permissions(make_lead, works))
    for view in ("edit", "copy"):
        response = client.get(f"{GOAL_URL}{view}/{goal.pk}/")
        html = response.content.decode()
        assert response.status_code == 403
        assert PERMISSION_REASON in html and DEPARTMENT_REASON not in html


def test_the_goal_policy_needs_the_department_and_the_model_permission(make_lead, works, parks):
    own = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    other = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    policy = policy_registry.get_by_type(Goal)
    lead = make_lead(works)
    assert policy.user_has_permission_for_instance(lead, "change", own) is True
    assert policy.user_has_permission_for_instance(lead, "change", other) is False
    assert policy.user_has_any_permission_for_instance(lead, ["change", "view"], own) is True
    assert policy.user_has_any_permission_for_instance(lead, ["change", "view"], other) is False
    assert list(policy.instances_user_has_any_permission_for(lead, ["change"])) == [own]

    bare = without_goal_permissions(make_lead, works)
    assert policy.user_has_permission_for_instance(bare, "change", own) is False
    assert policy.user_has_any_permission_for_instance(bare, ["change", "view"], own) is False


def test_a_department_menu_item_is_shown_to_leads_only(rf, make_lead, works, django_user_model):
    item = DepartmentMenuItem("Replays", "/admin/cityux/replays/")
    request = rf.get("/admin/")
    request.user = make_lead(works)
    assert item.is_shown(request) is True
    request.user = django_user_model.objects.create_user("editor", password="pw")
    assert item.is_shown(request) is False


def test_the_department_filter_offers_only_the_leads_departments(rf, lead, works, parks):
    own = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    Goal.objects.create(name="Register for camp", kind="page", department=parks)
    filterset_class = department_filterset(Goal)
    request = rf.get(GOAL_URL)
    request.user = lead

    chosen = filterset_class({"department": works.pk}, Goal.objects.all(), request=request)
    department = chosen.filters["department"]
    assert isinstance(department, DepartmentFilter)
    assert str(department.label) == "Department"
    assert list(chosen.form.fields["department"].queryset) == [works]
    assert list(chosen.qs) == [own]

    refused = filterset_class({"department": parks.pk}, Goal.objects.all(), request=request)
    assert not refused.is_valid()
    assert list(refused.errors) == ["department"]


def test_a_lead_must_give_a_new_goal_a_department(client, lead):
    client.force_login(lead)
    form = {"name": "Report a pothole", "kind": "survey_yes", "department": ""}
    response = client.post(f"{GOAL_URL}add/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["department"] == ["This field is required."]
    assert not Goal.objects.exists()


def test_choosing_the_leads_own_goal_returns_it(client, lead, works):
    goal = Goal.objects.create(name="Report a pothole", kind="page", department=works)
    client.force_login(lead)
    response = client.get(f"/admin/snippets/choose/cityux_personalize/goal/chosen/{goal.pk}/")
    assert response.status_code == 200
    assert response.json()["result"]["id"] == str(goal.pk)
    assert response.json()["result"]["string"] == "Report a pothole"


def test_a_view_class_already_scoped_is_not_wrapped_again():
    from wagtail.snippets.views.snippets import EditView

    scoped = scoped_view_class(EditView, Goal)
    assert scoped_view_class(scoped, Goal) is scoped
    assert scoped.scoped_model is Goal and issubclass(scoped, EditView)


def test_a_viewset_without_search_fields_keeps_wagtails_search_backend():
    from wagtail.snippets.views.snippets import SnippetViewSet

    class Plain(DepartmentScopedViewSetMixin, SnippetViewSet):
        model = Goal

    class Searching(Plain):
        search_fields = ["name"]

    assert Plain().search_backend_name == SnippetViewSet(model=Goal).search_backend_name
    assert Plain().search_backend_name is not None
    assert Searching().search_backend_name is None


def test_bulk_deleting_all_goals_deletes_only_the_leads_departments(client, lead, works, parks):
    Goal.objects.create(name="Report a pothole", kind="page", department=works)
    other = Goal.objects.create(name="Register for camp", kind="page", department=parks)
    client.force_login(lead)
    response = client.post("/admin/bulk/cityux_personalize/goal/delete/?id=all")
    assert response.status_code == 302
    assert list(Goal.objects.all()) == [other]


def test_the_site_history_results_list_only_the_leads_department(client, lead, works, parks):
    make_segment("Pothole reporters", works)
    make_segment("Park lovers", parks)
    client.force_login(lead)
    response = client.get("/admin/reports/site-history/results/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pothole reporters" in html and "Park lovers" not in html
    assert "<html" not in html  # the results fragment the page's filters reload, not a page


def test_the_department_filter_keeps_its_label_when_it_filters_through_a_relation(rf, lead):
    # On `session__department` django-filters would say "session department".
    from django_filters import FilterSet

    from cityux_analytics.models import PageView

    class ViewFilterSet(FilterSet):
        department = DepartmentFilter(field_name="session__department")

        class Meta:
            model = PageView
            fields = []

    request = rf.get("/")
    request.user = lead
    label = ViewFilterSet(request=request).form.fields["department"].label
    assert str(label) == "Department"


def test_a_refusal_while_a_view_sets_up_is_a_403_even_if_dispatch_would_not_check(rf, lead):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.views import View

    class RefusesInSetup(View):
        """A framework view that checks permission in setup() only (as copy views do)."""

        def setup(self, request, *args, **kwargs):
            super().setup(request, *args, **kwargs)
            raise PermissionDenied

        def get(self, request):
            return HttpResponse("the object")

    view = scoped_view_class(RefusesInSetup, Goal)
    request = rf.get(GOAL_URL)
    request.user = lead
    response = view.as_view()(request)
    assert response.status_code == 403
    response.render()
    assert "You do not have permission for this." in response.content.decode()
    assert b"the object" not in response.content
