"""What the replay recorder may see of a page: blocked pages, unmasked page types, masking mode.

The server decides when it renders the tracker tag (`{% analytics_tracker %}`) and tells the
recorder (`static/cityux_analytics/replay.js`) through the tag's data attributes:

- a **blocked** page (a page about the resident) is never recorded: the recorder uploads one
  placeholder event (`BLOCKED_EVENT`) instead of the page, and the player shows a placeholder;
- on an **unmasked** page type the page's text is kept, except inputs and masked regions;
- every recorded page's Meta event notes how it was masked (`cityuxMasking`), so the player
  states what was masked in the recording it plays, not what the settings say today.

Usage::

    if is_blocked_request(request): ...
    if unmasks_page(context.get("page")): ...
"""

import re

from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve

from ..conf import analytics_setting

BLOCKED_EVENT = "cityux-blocked"
# rrweb's EventType: Meta starts each recorded page ({"href", "width", "height"}); Custom is
# {"tag": ..., "payload": ...}.
META_EVENT_TYPE = 4
CUSTOM_EVENT_TYPE = 5

# CityUX's own pages about the resident: what is held about them, their resume codes, their
# consent choices. Named by URL name so they stay blocked wherever a site mounts them.
BLOCKED_VIEW_NAMES = frozenset(
    {
        "cityux_personalize:my_data",
        "cityux_personalize:my_data_download",
        "cityux_personalize:resume",
        "cityux_personalize:issue_code",
        "cityux:cookie_settings",
        "cookie_consent_cookie_group_list",
    }
)


def block_patterns():
    """The compiled `REPLAY_BLOCK_URL_PATTERNS`; a pattern that does not compile is named."""
    compiled = []
    for pattern in analytics_setting("REPLAY_BLOCK_URL_PATTERNS"):
        try:
            compiled.append(re.compile(pattern))
        except (re.error, TypeError) as error:
            raise ImproperlyConfigured(
                f"CITYUX_ANALYTICS['REPLAY_BLOCK_URL_PATTERNS'] has {pattern!r}, which is not "
                f"a regular expression: {error}"
            ) from None
    return compiled


def is_blocked_path(path, view_name=None):
    """Whether the page at `path` (served by the view named `view_name`) is never recorded."""
    if view_name in BLOCKED_VIEW_NAMES:
        return True
    return any(pattern.search(path) for pattern in block_patterns())


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match.view_name


def is_blocked_request(request):
    """Whether the page `request` renders is never recorded."""
    return is_blocked_path(request.path, _view_name(request))


def unmasks_page(page):
    """Whether `page`'s type is the site's own content, recorded with its text unmasked.

    A page model says so with `cityux_replay_unmask = True`, a site with
    `REPLAY_UNMASK_PAGE_TYPES` ("app_label.ModelName", any case).
    """
    if page is None or not hasattr(page, "_meta"):
        return False
    if getattr(type(page), "cityux_replay_unmask", False):
        return True
    listed = {label.lower() for label in analytics_setting("REPLAY_UNMASK_PAGE_TYPES")}
    return page._meta.label_lower in listed


def _is_blocked_event(event):
    data = event.get("data")
    return (
        event.get("type") == CUSTOM_EVENT_TYPE
        and isinstance(data, dict)
        and data.get("tag") == BLOCKED_EVENT
    )


def blocked_offsets(events):
    """Offsets (ms from the first event) at which the recording reaches a blocked page."""
    if not events:
        return []
    start = events[0]["timestamp"]
    return [round(event["timestamp"] - start) for event in events if _is_blocked_event(event)]


def masking_modes(events):
    """How the recorded pages were masked: a set of "strict" and "private_only", and "unknown"
    for pages recorded before the recorder noted it (in each page's Meta event)."""
    modes = set()
    for event in events:
        data = event.get("data")
        if event.get("type") == META_EVENT_TYPE and isinstance(data, dict):
            mode = data.get("cityuxMasking")
            modes.add(mode if mode in ("strict", "private_only") else "unknown")
    return modes
