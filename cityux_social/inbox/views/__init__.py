"""The inbox's admin views: the listing (and its "needs review" queue), one post, bulk actions.

Every queryset goes through `cityux.access.scope_to_user`: a lead sees and acts on the posts of
their departments only; another department's post answers 403. Posts are shown as cards whose
text is always escaped by the template engine; links are shown only for http(s) addresses.

The package holds one module per job: `common` (how a post reads, who sees what), `lists`,
`post` (one post, and bulk actions) and `replies`.
"""

from .common import rule_reasons, safe_link, time_in_queue
from .lists import InboxView, NeedsReviewView
from .post import BulkActionView, PostView
from .replies import ReplyLogView

__all__ = [
    "BulkActionView",
    "InboxView",
    "NeedsReviewView",
    "PostView",
    "ReplyLogView",
    "rule_reasons",
    "safe_link",
    "time_in_queue",
]
