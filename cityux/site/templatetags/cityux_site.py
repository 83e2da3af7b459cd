"""Template tags for the site-wide header: the main navigation and the search form's target."""

from django import template
from wagtail.models import Site

from ..models import SearchPage

register = template.Library()


def _site_root(context):
    site = Site.find_for_request(context.get("request"))
    return site.root_page if site is not None else None


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """(page, current) for each live page under this site's home marked "Show in menus".

    `current` is "page" on that page itself, "true" anywhere below it, else "" (aria-current).
    """
    root = _site_root(context)
    if root is None:
        return []
    here = getattr(context.get("page"), "path", "")
    return [
        (item, _aria_current(here, item.path))
        for item in root.get_children().live().public().in_menu()
    ]


def _aria_current(here, path):
    if here == path:
        return "page"
    if here.startswith(path):
        return "true"
    return ""


@register.simple_tag(takes_context=True)
def search_url(context):
    """The address of this site's search page, or "" when it has none."""
    root = _site_root(context)
    if root is None:
        return ""
    page = SearchPage.objects.live().descendant_of(root).first()
    return page.get_url(context.get("request")) if page is not None else ""


@register.simple_tag
def submitted_answers(page, form_submission):
    """(label, answer) for each field of `page`'s form the resident answered, in form order.

    For the confirmation page: residents check what they sent. Lists become "a, b".
    """
    if form_submission is None:
        return []
    data = form_submission.form_data or {}
    answers = []
    for field in page.get_form_fields():
        value = data.get(field.clean_name)
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        if value not in (None, ""):
            answers.append((field.label, value))
    return answers
