"""Which department a page belongs to: the owner of its nearest owned ancestor."""

import swapper
from django.core.cache import cache
from django.db.models import Q

from .models import Department, DepartmentRootPage

_CACHE_KEY = "cityux:department-owned-paths:v1"
_CACHE_SECONDS = 60 * 60


def owned_paths():
    """Map each owned root page's tree path to its department id (one cached query)."""
    owned = cache.get(_CACHE_KEY)
    if owned is None:
        owned = dict(DepartmentRootPage.objects.values_list("page__path", "department_id"))
        cache.set(_CACHE_KEY, owned, _CACHE_SECONDS)
    return owned


def forget_owned_paths(**kwargs):
    """Drop the cached map; called whenever ownership or the page tree changes."""
    cache.delete(_CACHE_KEY)


def department_id_for_path(path):
    """The id of the department owning the page at tree `path`, or None."""
    owned = owned_paths()
    steplen = swapper.load_model("wagtailcore", "Page").steplen
    for end in range(len(path), 0, -steplen):
        department_id = owned.get(path[:end])
        if department_id is not None:
            return department_id
    return None


def department_for_page(page):
    """The Department that owns `page` (through its nearest owned ancestor), or None."""
    department_id = department_id_for_path(page.path)
    if department_id is None:
        return None
    return Department.objects.filter(pk=department_id).first()


def pages_of_department(department):
    """Every page whose nearest owned ancestor belongs to `department`."""
    Page = swapper.load_model("wagtailcore", "Page")
    owned = owned_paths()
    own = [path for path, dep in owned.items() if dep == department.pk]
    if not own:
        return Page.objects.none()
    inside = Q()
    for path in own:
        inside |= Q(path__startswith=path)
    # Subtrees handed to another department further down are not ours.
    nested = [
        path
        for path, dep in owned.items()
        if dep != department.pk and any(path.startswith(p) and path != p for p in own)
    ]
    elsewhere = Q()
    for path in nested:
        elsewhere |= Q(path__startswith=path)
    pages = Page.objects.filter(inside)
    if nested:
        pages = pages.exclude(elsewhere)
    return pages
