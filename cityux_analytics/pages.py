"""Which Wagtail page and department a tracked URL path belongs to (cached per path).

The cache is dropped whenever pages are published, unpublished, moved or deleted, or page
ownership changes (see apps.py), so a stale page id never reaches the database.
"""

import hashlib
import uuid

import swapper
from django.core.cache import cache
from wagtail.models import Site

from cityux.departments import department_id_for_path

_CACHE_SECONDS = 10 * 60
_GENERATION_KEY = "cityux:analytics:path-generation"


def _generation():
    return cache.get_or_set(_GENERATION_KEY, lambda: uuid.uuid4().hex, None)


def forget_paths(**kwargs):
    """Start a new cache generation: every cached path is looked up again."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


def resolve_path(path):
    """(page id, department id) for a URL path on the default site; (None, None) if no page."""
    digest = hashlib.sha1(path.encode()).hexdigest()
    key = f"cityux:analytics:path:{_generation()}:{digest}"
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
