"""'Recommended for you': pages of the departments a visitor looked at most, not yet visited."""

from cityux.departments import owned_paths
from cityux.models import Department

MAX_DEPARTMENTS = 3


def top_department_ids(department_interest, limit=MAX_DEPARTMENTS):
    """Department ids by pages viewed, most first (pure)."""
    ranked = sorted(department_interest.items(), key=lambda item: (-item[1], item[0]))
    return [int(department_id) for department_id, _count in ranked[:limit]]


def recommended_pages(profile, count, current_page=None):
    """(pages, departments): up to `count` live public pages, one query per top department."""
    from cityux.departments import pages_of_department

    ids = top_department_ids(profile.department_interest)
    departments = {d.pk: d for d in Department.objects.filter(pk__in=ids)}
    visited = {int(page_id) for page_id in profile.page_visits}
    if current_page is not None:
        visited.add(current_page.pk)
    roots = set(owned_paths())
    pages = []
    for department_id in ids:
        department = departments.get(department_id)
        if department is None:
            continue
        candidates = (
            pages_of_department(department)
            .live()
            .public()
            .exclude(pk__in=visited)
            .exclude(path__in=roots)
            .order_by("path")[: count - len(pages)]
        )
        pages.extend(candidates)
        if len(pages) >= count:
            break
    return pages, [departments[i] for i in ids if i in departments]
