"""The social inbox's part of the data map (`cityux.mydata.register_table`).

Posts are public posts by people on social networks, not visits of the city's site: nothing
links them to a visitor id, so "My data" cannot find them. Their author data is scrubbed after
AUTHOR_RETENTION_DAYS instead (retention.py).
"""

from cityux.mydata import register_table

from .conf import social_setting


def _author_days():
    return social_setting("AUTHOR_RETENTION_DAYS")


AUTHOR_KEPT = "Author data scrubbed AUTHOR_RETENTION_DAYS (180 days) after the post was fetched"
WHY = "To turn posts that are really service requests into tickets and answer their authors."


def register_my_data():
    """This app's part of the data map (called from AppConfig.ready())."""
    register_table(
        "cityux_social.SocialPost",
        holds="A public post: author handle, name and follower count, text, link, place, raw "
        "payload; its request type, department, status and who decided.",
        why=WHY,
        linked_by=("author_handle", "author_name", "author_followers"),
        retention_days=_author_days,
        kept=AUTHOR_KEPT,
    )
    register_table(
        "cityux_social.Reply",
        holds="Replies sent to a post's author (their text may name the author).",
        why=WHY,
        linked_by=("post",),
        retention_days=_author_days,
        kept="Text scrubbed with the post's author data",
    )
    register_table(
        "cityux_social.Ticket",
        holds="The CRM / Open311 ticket made from a post: its number, status and errors.",
        why=WHY,
        linked_by=("post",),
        retention_days=_author_days,
        kept="Kept; names nobody once the post's author data is scrubbed",
    )
    for model, holds in (
        ("Source", "The social accounts and feeds the city reads."),
        ("RequestType", "The kinds of service requests and their rules."),
        ("ClassifierModel", "A trained post classifier and its scores."),
        ("Open311Service", "The 311 server's services and their questions, as last listed."),
    ):
        register_table(
            f"cityux_social.{model}",
            holds=holds,
            why="The inbox's settings; no resident's data.",
            kept="Until deleted by staff",
        )
