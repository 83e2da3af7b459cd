"""CityUX analytics settings, read from Django settings when needed (never at import).

`Thresholds` (the `CITYUX_ANALYTICS_THRESHOLDS` setting) holds the numbers of the frustration
rules; `analytics_setting` (the `CITYUX_ANALYTICS` setting) the collection and pipeline ones.
"""

import dataclasses
import re
from dataclasses import dataclass

from cityux.conf import settings_accessor

# Pagination and stepper controls are meant to be clicked fast and repeatedly.
REPEAT_CLICK_CONTROL_WORDS = (
    "next",
    "prev",
    "previous",
    "pagination",
    "page-link",
    "stepper",
    "increment",
    "decrement",
    "plus",
    "minus",
)


def selector_word(word):
    """A pattern matching `word` in a selector when it is not part of a longer word.

    Letters and digits continue a word; `-`, `_`, `.`, `#`, quotes and brackets end it, so
    "next" matches `.pager-next` and `#next_page` but not `.nextdoor`, and "prev" does not
    match `.preview`.
    """
    return rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])"


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind every frustration rule; see each detector for how they are used.

    Times are in milliseconds, distances in CSS pixels. Every "gap" and "window" bound is
    exclusive: a click 1000 ms after the previous one is not within `rage_click_gap_ms`.
    """

    rage_click_min_clicks: int = 3
    # A streak whose clicks selected text: one triple click (3) is how a paragraph is selected.
    rage_click_min_text_clicks: int = 4
    rage_click_gap_ms: int = 1000
    rage_click_distance_px: float = 30.0
    # Regular expressions searched case-insensitively in the clicked element's selector.
    rage_click_ignored_selectors: tuple[str, ...] = (
        r"\[data-cityux-no-rage\b",
        *(selector_word(word) for word in REPEAT_CLICK_CONTROL_WORDS),
    )
    dead_click_reaction_ms: int = 2500
    dead_click_ignored_input_kinds: tuple[str, ...] = ("text", "select", "canvas", "link")
    error_click_window_ms: int = 1000
    thrash_window_direction_changes: int = 6
    thrash_window_distance_px: float = 400.0
    thrash_min_windows: int = 2
    thrash_gap_ms: int = 3000
    quick_back_ms: int = 7000
    scroll_direction_changes: int = 4
    scroll_window_ms: int = 10_000


# The `CITYUX_ANALYTICS_THRESHOLDS` setting: a dict overriding any field of `Thresholds`.
thresholds_setting = settings_accessor(
    "CITYUX_ANALYTICS_THRESHOLDS",
    {field.name: field.default for field in dataclasses.fields(Thresholds)},
)


def get_thresholds():
    """`Thresholds` with any overrides from the `CITYUX_ANALYTICS_THRESHOLDS` setting (a dict)."""
    # Lists from settings become tuples so the dataclass stays hashable.
    values = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in thresholds_setting.all().items()
    }
    return Thresholds(**values)


# Collection and pipeline settings: override any key in the CITYUX_ANALYTICS setting (a dict).
ANALYTICS_DEFAULTS = {
    # Batches per minute: per tracker session, and per client IP address.
    "RATE_LIMITS": {"session": 60, "ip": 1200},
    # Hosts (besides the request's own) whose pages may send batches, e.g. "www.city.gov".
    "ALLOWED_ORIGIN_HOSTS": (),
    # A session with no event for this long is closed and its frustration detected.
    "SESSION_IDLE_MINUTES": 30,
    # Raw events, sessions, page views and signals older than this are purged; rollups stay.
    "RETENTION_DAYS": 30,
    # Survey answers (with their comments) older than this are deleted; the daily counts stay.
    "SURVEY_RESPONSE_RETENTION_DAYS": 365,
    # Session replay: "buffer" keeps the last minute in the browser and uploads it only once the
    # session shows frustration; "sample" records REPLAY_SAMPLE_PERCENT % of sessions from the
    # start; "off" never loads the recorder.
    "REPLAY_MODE": "buffer",
    "REPLAY_SAMPLE_PERCENT": 0,
    # Replay masking. Strict (the default) masks all text of a recorded page except the regions
    # the site marks as its own content: [data-cityux-unmask], REPLAY_UNMASK_SELECTORS, and the
    # whole page for REPLAY_UNMASK_PAGE_TYPES ("app_label.ModelName") or page models with
    # `cityux_replay_unmask = True`. Not strict masks only inputs, [data-cityux-mask],
    # REPLAY_MASK_SELECTORS, e-mail addresses and phone numbers. Mask selectors win over unmask.
    "REPLAY_STRICT_MASKING": True,
    "REPLAY_MASK_SELECTORS": (),
    "REPLAY_UNMASK_SELECTORS": (),
    "REPLAY_UNMASK_PAGE_TYPES": (),
    # Pages never recorded (besides CityUX's own pages about the resident): regular expressions
    # searched in the request path, e.g. r"^/account/".
    "REPLAY_BLOCK_URL_PATTERNS": (),
    # Compressed replay bytes kept per session; chunks beyond it are dropped.
    "REPLAY_MAX_BYTES_PER_SESSION": 5_000_000,
    # Sessions worth watching: the learnt ranking needs this many "useful" / "not useful"
    # labels (with both answers) before a model is trained, and retrains once this many labels
    # are new or changed since the last model.
    "WORTH_MIN_LABELS": 30,
    "WORTH_RETRAIN_NEW_LABELS": 10,
    # Insights in plain words (insights.py): a change is stated only with at least this many
    # signals in the busier week and this many sessions in each week, when it stays significant
    # at this false discovery rate (Benjamini-Hochberg); at most INSIGHT_MAX_STATEMENTS each.
    "INSIGHT_MIN_SIGNALS": 20,
    "INSIGHT_MIN_SESSIONS": 30,
    "INSIGHT_FALSE_DISCOVERY_RATE": 0.05,
    "INSIGHT_MAX_STATEMENTS": 5,
    # An element or error is named when it has at least this share of the signals (sessions).
    "INSIGHT_ATTRIBUTION_SHARE": 0.3,
}


# analytics_setting(name): one key of `CITYUX_ANALYTICS` (RATE_LIMITS merged), or its default.
analytics_setting = settings_accessor("CITYUX_ANALYTICS", ANALYTICS_DEFAULTS)
