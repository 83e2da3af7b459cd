"""Elements in the page's own words: "“Submit report” button in “Report a pothole” form".

The tracker sends, with a click on a button, link, heading, label or landmark, the element's
name and the nearest heading or landmark (schema.py's `role`, `name`, `ctx`, `ctxr`). Ingest
keeps the latest per page address and selector (`remember`); reports describe their element
rows with them (`describe_rows`) and keep the CSS selector for a title on hover and exports.
An element the tracker could not name is said by its tag and its page (`unnamed_words`).
"""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from .models import ElementName, PageDailyStats, PageView
from .privacy import scrub_text
from .schema import MAX_NAME

ROLE_WORDS = {
    "button": _("button"),
    "link": _("link"),
    "heading": _("heading"),
    "label": _("label"),
    "navigation": _("navigation"),
    "main": _("main content"),
    "complementary": _("side panel"),
    "form": _("form"),
    "region": _("section"),
    "search": _("search"),
}


# An unnamed element's tag in words; other tags are shown as they are ("a <div>").
TAG_WORDS = {
    "a": _("a link"),
    "button": _("a button"),
    "img": _("an image"),
    "svg": _("an icon"),
    "input": _("a field"),
    "select": _("a drop-down list"),
    "textarea": _("a text box"),
    "label": _("a label"),
    "p": _("a paragraph"),
    "li": _("a list item"),
    "td": _("a table cell"),
    "th": _("a table heading"),
    "h1": _("a heading"),
    "h2": _("a heading"),
    "h3": _("a heading"),
    "h4": _("a heading"),
    "h5": _("a heading"),
    "h6": _("a heading"),
}

# The last step of a field's selector, as the tracker builds it: #id or tag[name="…"].
FIELD_NAME = re.compile(r'(?:#([\w-]+)|\[name="([^"]+)"\])$')
# The tag of a selector's last step ("div:nth-of-type(2)", "a[data-x=…]"); "#id" has none.
LAST_TAG = re.compile(r"(?:^|>)([a-z][a-z0-9-]*)[^>]*$")


def _words(text):
    return scrub_text(text or "")[:MAX_NAME]


def remember(session, events, new_views):
    """Keep the names carried by a batch's clicks (the last one per element wins)."""
    named = [e for e in events if e["t"] == "click" and (e.get("role") or e.get("ctx"))]
    if not named:
        return
    urls = {view.view_id: view.url for view in new_views}
    missing = {e["vid"] for e in named} - urls.keys()
    if missing:
        urls.update(
            PageView.objects.filter(session=session, view_id__in=missing).values_list(
                "view_id", "url"
            )
        )
    rows = {}
    for e in named:
        url = urls.get(e["vid"])
        if url is None:  # a click before its page view arrived: nothing to name it by
            continue
        key = ElementName.key_of(url, e["sel"])
        rows[key] = ElementName(
            key=key,
            url=url,
            selector=e["sel"],
            role=e.get("role", ""),
            name=_words(e.get("name")),
            context=_words(e.get("ctx")),
            context_role=e.get("ctxr", ""),
            seen_at=datetime.datetime.fromtimestamp(e["ts"] / 1000, tz=datetime.UTC),
        )
    ElementName.objects.bulk_create(
        rows.values(),
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["role", "name", "context", "context_role", "seen_at"],
    )


def describe(element):
    """An ElementName in words, or "" when the tracker could not name it."""
    role = ROLE_WORDS.get(element.role, "")
    if element.name:
        subject = _("“%(name)s” %(role)s") % {"name": element.name, "role": role or _("element")}
    elif element.context or element.context_role:
        subject = role or _("element")
    else:
        return ""
    where = ROLE_WORDS.get(element.context_role, "")
    if element.context:
        place = _("“%(name)s” %(role)s") % {"name": element.context, "role": where}
        return _("%(subject)s in %(place)s") % {"subject": subject, "place": place.strip()}
    if where:
        return _("%(subject)s in the %(place)s") % {"subject": subject, "place": where}
    return str(subject)


def names_for(pairs):
    """{(url, selector): ElementName} for the (url, selector) pairs that have one."""
    keys = {ElementName.key_of(url, selector) for url, selector in pairs if selector}
    found = ElementName.objects.filter(key__in=keys)
    return {(row.url, row.selector): row for row in found}


def words_for(pairs):
    """{(url, selector): the element in words} for the (url, selector) pairs the tracker named."""
    return {pair: describe(row) for pair, row in names_for(pairs).items() if describe(row)}


def tag_words(selector):
    """An unnamed element by its selector's last tag alone: "a link", "a <div>", or "an
    unnamed element" when the selector has no tag (an #id); "" for no selector."""
    if not selector:
        return ""
    tag = LAST_TAG.search(selector)
    if tag is None:
        return str(_("an unnamed element"))
    return str(TAG_WORDS.get(tag[1]) or _("a <%(tag)s>") % {"tag": tag[1]})


def unnamed_words(selector, page):
    """An element the tracker could not name, by its tag and `page` (a title or address):
    "a link on “Report a pothole”", "a <div> on “…”", or "" for a signal on no element."""
    if not selector:
        return ""
    return _("%(what)s on “%(page)s”") % {"what": tag_words(selector), "page": page}


def page_titles(urls):
    """{address: Wagtail page title} for the addresses the rollups know a page of."""
    found = PageDailyStats.objects.filter(url__in=set(urls), page__isnull=False)
    return dict(found.values_list("url", "page__title").distinct())


def describe_rows(rows, url_key="url", selector_key="selector", into="element", title_key=None):
    """Give each row (a dict) `into`: its element in words, named by the tracker or else by
    its tag and page. The page's title is the row's `title_key` when the rows carry it, else
    looked up from the rollups."""
    rows = list(rows)
    pairs = [(row.get(url_key) or "", row[selector_key]) for row in rows]
    words = words_for(pairs)
    if title_key is None:
        unnamed = [url for url, selector in pairs if selector and (url, selector) not in words]
        titles = page_titles(unnamed) if unnamed else {}
    else:
        titles = {url: row[title_key] for row, (url, _s) in zip(rows, pairs, strict=True)}
    for row, (url, selector) in zip(rows, pairs, strict=True):
        row[into] = words.get((url, selector)) or unnamed_words(selector, titles.get(url) or url)
    return rows


def names_by_selector(selectors, urls=None):
    """{selector: words} for selectors named on `urls` (default: any page); the most recently
    seen name wins."""
    selectors = [s for s in set(selectors) if s]
    if not selectors:
        return {}
    found = ElementName.objects.filter(selector__in=selectors).order_by("seen_at")
    if urls is not None:
        found = found.filter(url__in=urls)
    return {row.selector: describe(row) for row in found if describe(row)}


def field_words(selector):
    """A form field's selector as its name or id (“street” field), else the selector.

    The tracker never reads a field's words (a field's text may be what a resident typed), so
    the name the site's developers gave it is the most readable thing there is.
    """
    found = FIELD_NAME.search(selector or "")
    if not found:
        return selector
    return _("“%(name)s” field") % {"name": found[1] or found[2]}


def with_top_element(rows):
    """Error rows (dicts with `top_selector`) given `top_element`: that element in words, or
    by its tag when the tracker could not name it."""
    rows = list(rows)
    words = names_by_selector(row["top_selector"] for row in rows)
    for row in rows:
        row["top_element"] = words.get(row["top_selector"]) or tag_words(row["top_selector"])
    return rows
