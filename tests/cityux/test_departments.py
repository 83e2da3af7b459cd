import pytest
import swapper
from wagtail.models import Page

from cityux.departments import department_for_page, department_id_for_path, pages_of_department
from cityux.models import Department, DepartmentRootPage
from tests.conftest import seed_city

pytestmark = pytest.mark.django_db


def _child(parent, title):
    page = Page(title=title, slug=title.lower().replace(" ", "-"))
    parent.add_child(instance=page)
    return page


@pytest.fixture
def tree(city):
    root = Page.get_first_root_node()
    home = _child(root, "Riverton")
    works = _child(home, "Public Works")
    potholes = _child(works, "Report a pothole")
    lights = _child(works, "Street lights")
    outage = _child(lights, "Outage map")
    about = _child(home, "About")
    public_works = Department.objects.get(slug="public-works")
    utilities = Department.objects.get(slug="utilities-water")
    DepartmentRootPage.objects.create(department=public_works, page=works)
    DepartmentRootPage.objects.create(department=utilities, page=lights)
    return locals()


def test_migration_seeds_the_22_departments_each_with_a_lead_group(city):
    assert Department.objects.count() == 22
    assert Department.objects.filter(lead_group__isnull=True).count() == 0
    assert {"police", "public-works", "city-attorney", "sanitation"} <= set(
        Department.objects.values_list("slug", flat=True)
    )


def test_seeding_again_creates_nothing_and_keeps_edited_names(city):
    Department.objects.filter(slug="police").update(name="Riverton Police Department")
    seed_city()
    assert Department.objects.count() == 22
    assert Department.objects.get(slug="police").name == "Riverton Police Department"


def test_page_belongs_to_the_department_of_its_nearest_owned_ancestor(tree):
    assert department_for_page(tree["potholes"]).slug == "public-works"
    assert department_for_page(tree["works"]).slug == "public-works"
    assert department_for_page(tree["outage"]).slug == "utilities-water"
    assert department_for_page(tree["about"]) is None


def test_resolution_reads_the_cached_map_without_a_query_per_ancestor(
    tree, django_assert_num_queries
):
    department_id_for_path(tree["outage"].path)  # warm the cache
    with django_assert_num_queries(0):
        assert department_id_for_path(tree["outage"].path) == tree["utilities"].pk
        assert department_id_for_path(tree["potholes"].path) == tree["public_works"].pk


def test_moving_a_page_changes_its_department(tree):
    department_id_for_path(tree["potholes"].path)
    tree["potholes"].move(tree["about"], pos="last-child")
    moved = Page.objects.get(pk=tree["potholes"].pk)
    assert department_for_page(moved) is None


def test_new_ownership_takes_effect_at_once(tree):
    assert department_for_page(tree["about"]) is None
    DepartmentRootPage.objects.create(
        department=Department.objects.get(slug="city-clerk"), page=tree["about"]
    )
    assert department_for_page(tree["about"]).slug == "city-clerk"


def test_pages_of_department_leave_out_subtrees_owned_by_another(tree):
    titles = set(pages_of_department(tree["public_works"]).values_list("title", flat=True))
    assert titles == {"Public Works", "Report a pothole"}
    utilities = set(pages_of_department(tree["utilities"]).values_list("title", flat=True))
    assert utilities == {"Street lights", "Outage map"}


def test_department_without_pages_has_none(city):
    assert not pages_of_department(Department.objects.get(slug="library")).exists()


def test_reusable_code_uses_the_swappable_page_model():
    assert swapper.load_model("wagtailcore", "Page") is Page
