"""The reference project's URLs with the admin player (the upload endpoint comes with
`cityux_analytics.urls`).

Used with `override_settings(ROOT_URLCONF=...)` so the replay tests pass whether or not the
project mounts the replay admin URLs itself yet.
"""

from django.urls import NoReverseMatch, include, path, reverse
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cityux.site import urls as project_urls
from cityux_analytics.replay.urls import ADMIN_NAMESPACE, admin_urlpatterns


def _missing(url_name, args, patterns):
    try:
        reverse(url_name, urlconf=project_urls, args=args)
    except NoReverseMatch:
        return patterns
    return []


urlpatterns = [
    *_missing(
        f"{ADMIN_NAMESPACE}:player",
        [1],
        [
            path(
                "admin/cityux/replays/",
                include(
                    (decorate_urlpatterns(admin_urlpatterns, require_admin_access), ADMIN_NAMESPACE)
                ),
            )
        ],
    ),
    *project_urls.urlpatterns,
]
