"""Where, when and to whom a survey shows: pure rules, no database.

The views and the model gather the facts (tree paths, department ids, dates); these functions
decide. Every bound is stated in the docstring of the function that applies it.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_URL_PATTERNS = 50
MAX_URL_PATTERN_LENGTH = 500


@dataclass(frozen=True)
class TargetingRules:
    """What a survey targets. A page matches if any one rule matches.

    `pages` holds (tree path, include descendants) pairs. A survey with no rule at all targets
    every page of its own department (`own_department_id`).
    """

    own_department_id: int | None = None
    pages: tuple[tuple[str, bool], ...] = ()
    department_ids: frozenset[int] = field(default_factory=frozenset)
    url_patterns: tuple[str, ...] = ()

    @property
    def is_empty(self):
        return not (self.pages or self.department_ids or self.url_patterns)


def targets(rules, url_path, page_tree_path, department_id):
    """Whether a survey with `rules` shows on the page at `url_path`.

    `page_tree_path` and `department_id` describe the Wagtail page behind the URL (None when
    no page or no department owns it); URL patterns match even without a page.
    """
    if rules.is_empty:
        return department_id is not None and department_id == rules.own_department_id
    if department_id is not None and department_id in rules.department_ids:
        return True
    if page_tree_path and any(
        page_tree_path == path or (with_descendants and page_tree_path.startswith(path))
        for path, with_descendants in rules.pages
    ):
        return True
    return any(url_pattern_matches(pattern, url_path) for pattern in rules.url_patterns)


def parse_url_patterns(text):
    """The patterns of a one-per-line text field: stripped, blank lines left out."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def url_pattern_error(pattern):
    """Why `pattern` cannot be used, or None when it is fine."""
    if len(pattern) > MAX_URL_PATTERN_LENGTH:
        return _("is longer than %(max)d characters") % {"max": MAX_URL_PATTERN_LENGTH}
    if not pattern.startswith(("/", "*")):
        return _("must start with / (a path such as /permits/*) or with *")
    if any(char.isspace() for char in pattern):
        return _("must not contain spaces")
    if "?" in pattern or "#" in pattern:
        return _("is matched against the path only: leave out ? and #")
    return None


def url_pattern_matches(pattern, url_path):
    """Whether `pattern` (`*` matches anything, case-insensitive) covers the whole URL path.

    A trailing slash is implied on both sides, so "/contact" matches "/contact/" and
    "/permits/*" matches "/permits/" itself and every page below it.
    """
    return _compiled(pattern).fullmatch(_with_slash(url_path.split("?", 1)[0])) is not None


@lru_cache(maxsize=1024)
def _compiled(pattern):
    if not pattern.endswith(("/", "*")):
        pattern += "/"
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)


def _with_slash(path):
    return path if path.endswith("/") else path + "/"


def is_active(survey, now):
    """Published, and `now` is within [starts_at, ends_at): the end is exclusive."""
    if not survey.live:
        return False
    if survey.starts_at is not None and now < survey.starts_at:
        return False
    return survey.ends_at is None or now < survey.ends_at


def in_sample(visitor_key, survey_id, rate_percent):
    """Whether this visitor is in the survey's sample; the same answer every time they ask.

    Hashing (survey, visitor) instead of drawing at random keeps a visitor in or out for good,
    and gives each survey an independent sample of the same visitors.
    """
    if rate_percent >= 100:
        return True
    if rate_percent <= 0:
        return False
    digest = hashlib.sha256(f"{survey_id}:{visitor_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < rate_percent * 100


def may_show_again(last_shown_at, cap_days, now):
    """Whether a survey last shown at `last_shown_at` may show again: `cap_days` days later
    exactly, it may. No cap (0) or never shown: it may."""
    if last_shown_at is None or not cap_days:
        return True
    return now - last_shown_at >= timedelta(days=cap_days)


# Each trigger's value: its unit, bounds and default when empty. None: the value stays empty.
TRIGGER_VALUES = {
    "seconds": {"unit": gettext_lazy("seconds on the page"), "min": 1, "max": 600, "default": 10},
    "exit_intent": None,
    "scroll_depth": {
        "unit": gettext_lazy("percent of the page scrolled"),
        "min": 1,
        "max": 100,
        "default": 50,
    },
    "form_submit": None,
    "frustration": {
        "unit": gettext_lazy("rage, error or dead clicks"),
        "min": 1,
        "max": 20,
        "default": 1,
    },
    "manual": None,
}


class TriggerError(ValueError):
    """The trigger value does not fit the trigger."""


def trigger_config(survey):
    """The trigger as the widget receives it, `{"type", "value"}`; raises TriggerError.

    An empty value takes the default. seconds: 1-600 seconds on the page (10). scroll_depth:
    1-100 percent of the page scrolled (50). frustration: 1-20 rage, error or dead clicks in
    the visit (1). exit_intent, form_submit and manual take no value.
    """
    trigger, value = survey.trigger, survey.trigger_value
    if trigger not in TRIGGER_VALUES:
        raise TriggerError(_("Unknown trigger %(trigger)r.") % {"trigger": trigger})
    rule = TRIGGER_VALUES[trigger]
    if rule is None:
        if value is not None:
            raise TriggerError(_("This trigger takes no value: leave it empty."))
        return {"type": trigger, "value": None}
    if value is None:
        value = rule["default"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TriggerError(_("Enter a whole number."))
    if not rule["min"] <= value <= rule["max"]:
        raise TriggerError(_("Enter between %(min)d and %(max)d %(unit)s.") % rule)
    return {"type": trigger, "value": value}
