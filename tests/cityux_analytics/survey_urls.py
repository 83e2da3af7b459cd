"""The reference project's URLs with the survey endpoints and the survey snippet's admin views.

Used with `override_settings(ROOT_URLCONF=...)` until the project mounts both itself.
"""

from django.urls import NoReverseMatch, include, path, reverse
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cityux.site import urls as project_urls
from cityux_analytics import wagtail_hooks  # noqa: F401  (registers the survey snippet)
from cityux_analytics.surveys.models import Survey


def _admin_views_of(viewset):
    """The viewset's admin URLs, as Wagtail's admin serves them, unless it already does."""
    try:
        reverse(viewset.get_url_name("list"), urlconf=project_urls)
    except NoReverseMatch:
        patterns = [
            path(f"{each.url_prefix}/", include((each.get_urlpatterns(), each.url_namespace)))
            for each in (viewset, viewset.chooser_viewset)
        ]
        return decorate_urlpatterns(patterns, require_admin_access)
    return []


urlpatterns = [
    path("admin/", include(_admin_views_of(Survey.snippet_viewset))),
    *project_urls.urlpatterns,
]
