"""The date range of a report: its default, its longest and how it is read from a query."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 28
LONGEST_RANGE_DAYS = 731
WEEK = datetime.timedelta(days=7)


class DateRangeError(ValueError):
    """A date range that cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class DateRange:
    """Whole days from `start` to `end`, both included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_days(cls, days=DEFAULT_DAYS, today=None):
        end = today or timezone.localdate()
        return cls(end - datetime.timedelta(days=days - 1), end)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def bounds(self):
        return (self.start, self.end)

    def dates(self):
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]

    def last_week(self):
        """The 7 days ending on `end`: the "this week" of week-over-week changes."""
        return DateRange(self.end - WEEK + datetime.timedelta(days=1), self.end)

    def week_before(self):
        """The 7 days before `last_week()`."""
        week = self.last_week()
        return DateRange(week.start - WEEK, week.end - WEEK)

    def recent(self):
        """The last days of the range that headline changes compare: a week, or the whole
        range when it is shorter (a one-day range compares that day with the day before)."""
        days = min(self.days, WEEK.days)
        return DateRange(self.end - datetime.timedelta(days=days - 1), self.end)

    def before(self):
        """The days just before this range, as many as it has."""
        return DateRange(
            self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1)
        )


def parse_date_range(start_text, end_text, today=None):
    """The DateRange written as two ISO dates; either may be blank (then the default applies).

    Raises DateRangeError, with a message for the reader, when a date cannot be read, the
    start is after the end, or the range is longer than LONGEST_RANGE_DAYS.
    """
    default = DateRange.last_days(today=today)
    start = _parse_day(start_text, _("start date")) if start_text else None
    end = _parse_day(end_text, _("end date")) if end_text else None
    if start and not end:
        end = max(start, default.end)
    elif end and not start:
        start = end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    elif not start:
        return default
    if start > end:
        raise DateRangeError(
            _("The start date (%(start)s) is after the end date (%(end)s).")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    date_range = DateRange(start, end)
    if date_range.days > LONGEST_RANGE_DAYS:
        raise DateRangeError(
            _("Choose at most %(days)d days between the start and the end date.")
            % {"days": LONGEST_RANGE_DAYS}
        )
    return date_range


def _parse_day(text, what):
    try:
        day = parse_date(text.strip())
    except ValueError:
        day = None
    if day is None:
        raise DateRangeError(
            _("The %(what)s “%(text)s” is not a date: write it as year-month-day, e.g. 2025-03-31.")
            % {"what": what, "text": text[:40]}
        )
    return day
