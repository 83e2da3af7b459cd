"""Segment rules as pure functions over a profile snapshot and the facts of one request.

Every rule answers `matches(profile, facts)` and explains itself in one sentence addressed to
the resident (`explain()`). Names (departments, pages, areas, questions) are resolved when the
segment is compiled, so evaluating a rule never touches the database.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class ProfileSnapshot:
    """What rules may read about a visitor (from `VisitorProfile`)."""

    visitor_id: str
    visit_count: int = 1
    page_visits: dict = field(default_factory=dict)
    department_interest: dict = field(default_factory=dict)
    device_class: str = ""
    referrer_host: str = ""
    campaign: str = ""
    language: str = ""
    area_id: int | None = None
    answers: dict = field(default_factory=dict)
    logged_in: bool = False


@dataclass(frozen=True)
class RequestFacts:
    """What rules may read about the current request: the city's local time and the query."""

    now: datetime.datetime
    query: dict = field(default_factory=dict)


OPERATORS = {
    "gte": (lambda a, b: a >= b, "at least"),
    "gt": (lambda a, b: a > b, "more than"),
    "eq": (lambda a, b: a == b, "exactly"),
    "lte": (lambda a, b: a <= b, "at most"),
    "lt": (lambda a, b: a < b, "fewer than"),
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEVICE_NAMES = {"mobile": "a phone", "tablet": "a tablet", "desktop": "a computer"}


@dataclass(frozen=True)
class FirstVisit:
    def matches(self, profile, facts):
        return profile.visit_count <= 1

    def explain(self):
        return _("This is your first visit to our website.")


@dataclass(frozen=True)
class VisitCount:
    operator: str
    count: int

    def matches(self, profile, facts):
        return OPERATORS[self.operator][0](profile.visit_count, self.count)

    def explain(self):
        return ngettext(
            "You have visited our website %(op)s %(n)d time.",
            "You have visited our website %(op)s %(n)d times.",
            self.count,
        ) % {"op": _(OPERATORS[self.operator][1]), "n": self.count}


@dataclass(frozen=True)
class DepartmentInterest:
    department_id: int | None
    department_name: str
    pages: int

    def matches(self, profile, facts):
        if self.department_id is None:
            return False
        return profile.department_interest.get(str(self.department_id), 0) >= self.pages

    def explain(self):
        return ngettext(
            "You have looked at %(n)d or more page about %(department)s.",
            "You have looked at %(n)d or more pages about %(department)s.",
            self.pages,
        ) % {"n": self.pages, "department": self.department_name}


@dataclass(frozen=True)
class VisitedPage:
    page_id: int | None
    title: str

    def matches(self, profile, facts):
        return self.page_id is not None and str(self.page_id) in profile.page_visits

    def explain(self):
        return _("You have visited the page “%(title)s”.") % {"title": self.title}


@dataclass(frozen=True)
class Referrer:
    pattern: str

    def matches(self, profile, facts):
        host = profile.referrer_host
        return bool(host) and fnmatchcase(host, self.pattern.lower().removeprefix("www."))

    def explain(self):
        return _("You came to our website from %(site)s.") % {"site": self.pattern}


@dataclass(frozen=True)
class QueryParameter:
    name: str
    value: str

    def matches(self, profile, facts):
        given = facts.query.get(self.name)
        if given is None and self.name == "utm_campaign":
            given = profile.campaign or None
        if given is None:
            return False
        return not self.value or given == self.value

    def explain(self):
        if self.name == "utm_campaign":
            if self.value:
                return _("You followed a link from our “%(campaign)s” campaign.") % {
                    "campaign": self.value
                }
            return _("You followed a link from one of our campaigns.")
        if self.value:
            return _("You followed a link marked “%(name)s=%(value)s”.") % {
                "name": self.name,
                "value": self.value,
            }
        return _("You followed a link marked “%(name)s”.") % {"name": self.name}


@dataclass(frozen=True)
class Device:
    device: str

    def matches(self, profile, facts):
        return profile.device_class == self.device

    def explain(self):
        return _("You are using %(device)s.") % {"device": _(DEVICE_NAMES[self.device])}


@dataclass(frozen=True)
class TimeWindow:
    days: tuple = ()
    start: datetime.time | None = None
    end: datetime.time | None = None

    def matches(self, profile, facts):
        now = facts.now
        if self.days and now.weekday() not in self.days:
            return False
        start = self.start or datetime.time(0)
        end = self.end or datetime.time(0)
        current = now.time().replace(tzinfo=None)
        if start == end:
            return True
        if start < end:
            return start <= current < end
        return current >= start or current < end  # a window across midnight, e.g. 22:00-06:00

    def explain(self):
        days = ", ".join(_(DAY_NAMES[day]) for day in sorted(self.days)) or _("any day")
        if (self.start or datetime.time(0)) == (self.end or datetime.time(0)):
            return _("You are visiting on %(days)s.") % {"days": days}
        return _("You are visiting on %(days)s between %(start)s and %(end)s.") % {
            "days": days,
            "start": (self.start or datetime.time(0)).strftime("%H:%M"),
            "end": (self.end or datetime.time(0)).strftime("%H:%M"),
        }


@dataclass(frozen=True)
class InArea:
    area_id: int | None
    area_name: str

    def matches(self, profile, facts):
        return self.area_id is not None and profile.area_id == self.area_id

    def explain(self):
        return _("You told us you live in or near %(area)s.") % {"area": self.area_name}


@dataclass(frozen=True)
class Answer:
    questionnaire: str
    value: str
    question: str
    label: str

    def matches(self, profile, facts):
        given = profile.answers.get(self.questionnaire)
        if not given:
            return False
        return not self.value or given == self.value

    def explain(self):
        if self.value:
            return _("You answered “%(answer)s” to “%(question)s”.") % {
                "answer": self.label,
                "question": self.question,
            }
        return _("You answered “%(question)s”.") % {"question": self.question}


@dataclass(frozen=True)
class LoggedIn:
    def matches(self, profile, facts):
        return profile.logged_in

    def explain(self):
        return _("You are signed in.")


@dataclass(frozen=True)
class Language:
    language: str
    language_name: str

    def matches(self, profile, facts):
        return profile.language == self.language.split("-")[0].lower()

    def explain(self):
        return _("Your browser asks for pages in %(language)s.") % {"language": self.language_name}


@dataclass(frozen=True)
class Never:
    """A rule whose target was deleted (a page, area or questionnaire): matches nobody."""

    reason: str

    def matches(self, profile, facts):
        return False

    def explain(self):
        return self.reason


@dataclass(frozen=True)
class CompiledSegment:
    segment_id: int
    name: str
    description: str
    match: str  # "all" or "any"
    rules: tuple
    holdout_percent: int = 0

    def matches(self, profile, facts):
        """All (or any) rules match; a segment without rules matches nobody."""
        if not self.rules:
            return False
        combine = all if self.match == "all" else any
        return combine(rule.matches(profile, facts) for rule in self.rules)

    def explanation(self, profile, facts):
        """Why the visitor is in this segment, in plain words."""
        if self.description:
            return _("You see this because %(reason)s.") % {"reason": self.description.rstrip(".")}
        reasons = [rule.explain() for rule in self.rules if rule.matches(profile, facts)]
        return " ".join(reasons)


@dataclass(frozen=True)
class SegmentMatch:
    segment_id: int
    name: str
    in_holdout: bool
    explanation: str


def in_holdout(visitor_id, segment_id, percent):
    """Whether the visitor is in the segment's control group: stable, about `percent` in 100."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{visitor_id}:{segment_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


def evaluate(segments, profile, facts):
    """The SegmentMatch of every segment the visitor belongs to, in the segments' order."""
    return [
        SegmentMatch(
            segment_id=segment.segment_id,
            name=segment.name,
            in_holdout=in_holdout(profile.visitor_id, segment.segment_id, segment.holdout_percent),
            explanation=segment.explanation(profile, facts),
        )
        for segment in segments
        if segment.matches(profile, facts)
    ]
