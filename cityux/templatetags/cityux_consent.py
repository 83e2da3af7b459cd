"""Template tags of the consent gate: the banner and consent-only blocks."""

from django import template

from ..consent import consent_state, has_consent, needs_choice, privacy_signal

register = template.Library()


@register.inclusion_tag("cityux/consent/banner.html", takes_context=True)
def consent_banner(context):
    """The cookie banner until the resident chooses; `[data-cityux-consent-open]` reopens it."""
    from cookie_consent.cache import all_cookie_groups

    request = context["request"]
    state = consent_state(request)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "groups": [(group, state.get(varname)) for varname, group in all_cookie_groups().items()],
        "show": needs_choice(request)
        and not privacy_signal(request)
        and not context.get("cityux_consent_page"),
        "privacy_signal": privacy_signal(request),
    }


class IfConsentNode(template.Node):
    def __init__(self, group, nodelist):
        self.group = group
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if request is not None and has_consent(request, self.group.resolve(context)):
            return self.nodelist.render(context)
        return ""


@register.tag
def ifconsent(parser, token):
    """`{% ifconsent "analytics" %}<script …>{% endifconsent %}`: only with that consent."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes exactly one argument: the cookie group's varname."
        )
    nodelist = parser.parse(("endifconsent",))
    parser.delete_first_token()
    return IfConsentNode(parser.compile_filter(bits[1]), nodelist)
