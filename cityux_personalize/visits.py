"""What one page view changes in a visitor's profile: pure functions over a plain dict state.

The state is what the cache holds between database writes (see `profiles.py`); times are Unix
seconds so the state pickles small and compares cheaply.
"""

import re
from urllib.parse import urlsplit

_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.I)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def device_class_for(user_agent):
    """ "mobile", "tablet" or "desktop" from a User-Agent header (tablets checked first)."""
    if not user_agent:
        return "desktop"
    if _TABLET.search(user_agent):
        return "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    return "desktop"


def referrer_host_of(referer, own_host):
    """The host of an external referrer (lower case, no "www."), or "" for our own pages."""
    if not referer:
        return ""
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return ""
    own = (own_host or "").split(":")[0].lower()
    if not host or host == own:
        return ""
    return host.removeprefix("www.")[:255]


def primary_language(accept_language):
    """The first language of an Accept-Language header, e.g. "es" for "es-MX,es;q=0.9"."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if _LANGUAGE.match(primary):
            return primary
    return ""


def bounded_increment(counts, key, limit):
    """Add one to `counts[key]`; beyond `limit` keys, forget the least counted (oldest first)."""
    counts = dict(counts)
    value = counts.pop(key, 0) + 1
    counts[key] = value  # re-inserted last: the most recent key survives a tie
    while len(counts) > limit:
        smallest = min(counts.values())
        oldest = next(k for k, v in counts.items() if v == smallest)
        del counts[oldest]
    return counts


def new_state(visitor_id, now):
    """The profile state of a visitor seen for the first time."""
    return {
        "pk": None,
        "visitor_id": str(visitor_id),
        "user_id": None,
        "first_seen": now,
        "last_seen": None,
        "visit_count": 0,
        "page_visits": {},
        "department_interest": {},
        "device_class": "",
        "referrer_host": "",
        "campaign": "",
        "language": "",
        "area_id": None,
        "answers": {},
        "flushed_at": None,
    }


def record_request(state, now, facts, gap_seconds):
    """A request of this visitor: a new visit after `gap_seconds` of silence, else the same one.

    `facts` holds device_class, referrer_host, campaign, language and user_id of the request.
    """
    state = dict(state)
    new_visit = state["last_seen"] is None or now - state["last_seen"] >= gap_seconds
    if new_visit:
        state["visit_count"] += 1
        # Where the visitor came from is remembered per visit; an internal click keeps it.
        if facts.get("referrer_host"):
            state["referrer_host"] = facts["referrer_host"]
    if facts.get("campaign"):
        state["campaign"] = facts["campaign"][:100]
    for key in ("device_class", "language"):
        if facts.get(key):
            state[key] = facts[key]
    if facts.get("user_id"):
        state["user_id"] = facts["user_id"]
    state["last_seen"] = now
    return state


def record_page_view(state, page_id, department_id, max_pages, max_departments):
    """One view of a page (and of its department, if it has one), bounded."""
    state = dict(state)
    state["page_visits"] = bounded_increment(state["page_visits"], str(page_id), max_pages)
    if department_id is not None:
        state["department_interest"] = bounded_increment(
            state["department_interest"], str(department_id), max_departments
        )
    return state


def flush_due(state, now, flush_seconds):
    """Whether the state should be written to the database now."""
    return state["flushed_at"] is None or now - state["flushed_at"] >= flush_seconds


def merge_counts(a, b, limit):
    """Two bounded count maps added together, keeping the `limit` largest."""
    total = dict(a)
    for key, value in b.items():
        total[key] = total.get(key, 0) + value
    ranked = sorted(total.items(), key=lambda item: -item[1])[:limit]
    return dict(ranked)
