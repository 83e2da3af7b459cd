"""Which Wagtail page and department a tracked URL path belongs to (cached per path)."""

import hashlib

import swapper
from django.core.cache import cache
from wagtail.models import Site

from cityux.departments import department_id_for_path

_CACHE_SECONDS = 10 * 60


def resolve_path(path):
    """(page id, department id) for a URL path on the default site; (None, None) if no page."""
    key = "cityux:analytics:path:" + hashlib.sha1(path.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _lookup(path)
        cache.set(key, found, _CACHE_SECONDS)
    return tuple(found)


def _lookup(path):
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return (None, None)
    Page = swapper.load_model("wagtailcore", "Page")
    trimmed = path.split("?", 1)[0].strip("/")
    url_path = site.root_page.url_path + (f"{trimmed}/" if trimmed else "")
    page = Page.objects.filter(url_path=url_path).only("pk", "path").first()
    if page is None:
        return (None, None)
    return (page.pk, department_id_for_path(page.path))
