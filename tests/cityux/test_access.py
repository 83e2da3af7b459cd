import pytest

from cityux.access import departments_for_user, scope_to_user
from cityux.models import Department, DepartmentRootPage

pytestmark = pytest.mark.django_db


def test_superuser_sees_every_department(city, admin_user):
    assert departments_for_user(admin_user).count() == 22


def test_city_wide_analyst_sees_every_department(city_wide_analyst):
    assert departments_for_user(city_wide_analyst).count() == 22


def test_lead_sees_only_their_departments(city, make_lead):
    works = Department.objects.get(slug="public-works")
    parks = Department.objects.get(slug="parks-recreation")
    lead = make_lead(works, parks)
    assert set(departments_for_user(lead)) == {works, parks}


def test_user_in_no_lead_group_sees_nothing(city, django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="pw")
    assert not departments_for_user(user).exists()


def test_inactive_lead_sees_nothing(city, make_lead):
    lead = make_lead(Department.objects.get(slug="police"))
    lead.is_active = False
    lead.save()
    assert not departments_for_user(lead).exists()


def test_anonymous_sees_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    assert not departments_for_user(AnonymousUser()).exists()


def test_scope_to_user_narrows_any_queryset_with_a_department(city, make_lead):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    owned = {}
    for slug in ("police", "fire"):
        page = root.add_child(instance=Page(title=slug, slug=slug))
        owned[slug] = DepartmentRootPage.objects.create(
            department=Department.objects.get(slug=slug), page=page
        )
    lead = make_lead(Department.objects.get(slug="police"))
    assert list(scope_to_user(DepartmentRootPage.objects.all(), lead)) == [owned["police"]]
