"""What the analytics reports read: the daily rollups, summed over a date range.

Every report starts from `daily_rows()` (rows.py), which narrows a rollup table to what a user may
see (`cityux.access.scope_to_user`); reports never read raw events.

One module per job: `dates` (the date range), `kinds` (signal kinds in words), `rows` (the
sums), `summary` (totals and UX score) and `replay_links`; every name is importable from here.
"""

from .dates import (
    DEFAULT_DAYS,
    LONGEST_RANGE_DAYS,
    WEEK,
    DateRange,
    DateRangeError,
    parse_date_range,
)
from .kinds import (
    COUNT_COLUMNS,
    KIND_HELP,
    KINDS,
    kind_label,
    kinds_explained,
    total,
)
from .replay_links import (
    REPLAY_FILTERS,
    page_ids_by_url,
    replay_link,
    replay_list_url,
)
from .rows import (
    ELEMENT_KEYS,
    change_percent,
    daily_rows,
    elements_by_frustration,
    javascript_errors,
    pages_by_frustration,
    signals_per_day,
    ux_score,
    with_most_clicked,
)
from .summary import (
    KindSummary,
    Summary,
    Totals,
    summarise,
)

__all__ = [
    "COUNT_COLUMNS",
    "DEFAULT_DAYS",
    "DateRange",
    "DateRangeError",
    "ELEMENT_KEYS",
    "KINDS",
    "KIND_HELP",
    "KindSummary",
    "LONGEST_RANGE_DAYS",
    "REPLAY_FILTERS",
    "Summary",
    "Totals",
    "WEEK",
    "change_percent",
    "daily_rows",
    "elements_by_frustration",
    "javascript_errors",
    "kind_label",
    "kinds_explained",
    "page_ids_by_url",
    "pages_by_frustration",
    "parse_date_range",
    "replay_link",
    "replay_list_url",
    "signals_per_day",
    "summarise",
    "total",
    "ux_score",
    "with_most_clicked",
]
