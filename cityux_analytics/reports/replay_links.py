"""Links from a report to the replays behind its numbers."""

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

# The query parameters of the admin replay list, in the order they are written.
REPLAY_FILTERS = ("department", "page", "element", "error", "kind", "date_from", "date_to")


def replay_list_url():
    """The admin replay list's URL, or None while no replay list is installed."""
    try:
        return reverse("cityux_replays:list")
    except NoReverseMatch:
        return None


def replay_link(date_range=None, **filters):
    """The replay list narrowed to `filters` (REPLAY_FILTERS names) and `date_range`, or None.

    Empty filters are left out; the dates are ISO dates.
    """
    unknown = set(filters) - set(REPLAY_FILTERS)
    if unknown:
        raise TypeError(f"Unknown replay filters: {', '.join(sorted(unknown))}")
    base = replay_list_url()
    if base is None:
        return None
    if date_range is not None:
        filters.update(date_from=date_range.start.isoformat(), date_to=date_range.end.isoformat())
    query = [
        (name, filters[name]) for name in REPLAY_FILTERS if filters.get(name) not in (None, "")
    ]
    return f"{base}?{urlencode(query)}"


def page_ids_by_url(rows, urls):
    """{address: Wagtail page id} for `urls`, from PageDailyStats `rows` (one query)."""
    found = rows.filter(url__in=set(urls), page__isnull=False).values_list("url", "page")
    return dict(found.distinct())
