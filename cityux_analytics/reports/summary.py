"""A report's summary: totals, UX score and each signal kind, with the period before."""

from dataclasses import dataclass

from django.db.models import (
    Q,
    Sum,
)

from .dates import DateRange
from .kinds import COUNT_COLUMNS, KIND_HELP, KINDS, kind_label
from .rows import change_percent, ux_score


@dataclass(frozen=True)
class Totals:
    """Summed counts of a period: `counts` maps each COUNT_COLUMNS name to a number."""

    counts: dict

    def __getitem__(self, column):
        return self.counts[column]

    @property
    def signals(self):
        return sum(self.counts[kind] for kind in KINDS)

    @property
    def ux_score(self):
        return ux_score(self.counts["sessions"], self.counts["frustrated_sessions"])


@dataclass(frozen=True)
class Summary:
    """A date range's totals, and those of its `recent` days (`DateRange.recent`: the last 7,
    or all when fewer) and of as many days `before` them."""

    date_range: DateRange
    period: Totals
    recent: Totals
    before: Totals

    @property
    def compared_days(self):
        return self.date_range.recent().days

    def kinds(self):
        """A KindSummary for every signal kind, in SignalKind's order."""
        return [
            KindSummary(
                kind=kind,
                label=kind_label(kind),
                help_text=KIND_HELP[kind],
                count=self.period[kind],
                recent=self.recent[kind],
                before=self.before[kind],
            )
            for kind in KINDS
        ]


@dataclass(frozen=True)
class KindSummary:
    kind: str
    label: str
    help_text: str
    count: int
    recent: int
    before: int

    @property
    def change(self):
        return change_percent(self.recent, self.before)


def summarise(rows, date_range):
    """The Summary of rollup `rows` (department or page rollups) for `date_range`, one query."""
    periods = {
        "period": date_range,
        "recent": date_range.recent(),
        "before": date_range.recent().before(),
    }
    sums = {
        f"{name}_{column}": Sum(column, filter=Q(date__range=period.bounds))
        for name, period in periods.items()
        for column in COUNT_COLUMNS
    }
    span = (min(date_range.start, periods["before"].start), date_range.end)
    found = rows.filter(date__range=span).aggregate(**sums)
    totals = {
        name: Totals({column: found[f"{name}_{column}"] or 0 for column in COUNT_COLUMNS})
        for name in periods
    }
    return Summary(date_range=date_range, **totals)
