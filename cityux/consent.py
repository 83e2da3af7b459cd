"""The consent gate: django-cookie-consent groups plus Global Privacy Control and Do Not Track.

Every app asks `has_consent(request, group)` before it tracks or personalises anything.
django-cookie-consent is imported on first use, not with this module: a site that forgot
`cookie_consent` in INSTALLED_APPS then gets the system check cityux.E001, not an import crash.
"""

import time

_VERSIONS_SECONDS = 10

ANALYTICS = "analytics"
PERSONALIZATION = "personalization"


def privacy_signal(request):
    """True when the browser sends Global Privacy Control (`Sec-GPC: 1`) or `DNT: 1`."""
    # META rather than request.headers: building the headers mapping costs more than this
    # whole check on the collect endpoint.
    meta = request.META
    return meta.get("HTTP_SEC_GPC", "").strip() == "1" or meta.get("HTTP_DNT", "").strip() == "1"


def has_consent(request, group):
    """True only if the resident accepted `group` and sends no GPC / DNT signal."""
    if privacy_signal(request):
        return False
    from cookie_consent.conf import settings as consent_settings

    accepted = _choices(request).get(group)
    if accepted is None or accepted == consent_settings.COOKIE_CONSENT_DECLINE:
        return False
    current = _group_versions().get(group)
    # As django-cookie-consent decides: consent given to an older version has lapsed.
    return current is not None and accepted >= current


def _choices(request):
    """The consent cookie as django-cookie-consent reads it, parsed once per request."""
    choices = getattr(request, "_cityux_consent_choices", None)
    if choices is None:
        from cookie_consent.util import get_cookie_dict_from_request

        choices = request._cityux_consent_choices = get_cookie_dict_from_request(request)
    return choices


_versions = {"until": 0.0, "versions": {}}


def _group_versions():
    """Each optional group's current version, kept in process memory for a few seconds.

    Consent is checked on hot paths (the collect endpoint, every personalised page); reading
    django-cookie-consent's cached groups costs an unpickle of every group each time.
    """
    now = time.monotonic()
    if now >= _versions["until"]:
        from cookie_consent.cache import all_cookie_groups

        _versions["versions"] = {
            varname: group.get_version() for varname, group in all_cookie_groups().items()
        }
        _versions["until"] = now + _VERSIONS_SECONDS
    return _versions["versions"]


def forget_group_versions(**kwargs):
    _versions["until"] = 0.0


def consent_state(request):
    """Each optional group's varname mapped to True (accepted), False (declined) or None."""
    from cookie_consent.cache import all_cookie_groups
    from cookie_consent.util import get_cookie_value_from_request

    return {
        varname: get_cookie_value_from_request(request, varname) for varname in all_cookie_groups()
    }


def needs_choice(request):
    """Whether to show the banner: some optional group is neither accepted nor declined."""
    return any(state is None for state in consent_state(request).values())


def record_choice(request, response, accepted):
    """Store the resident's choice: groups in `accepted` are accepted, all others declined.

    Uses django-cookie-consent's cookie format and audit log, and deletes the cookies
    of every declined group that is marked deletable.
    """
    from cookie_consent.cache import all_cookie_groups
    from cookie_consent.conf import settings as consent_settings
    from cookie_consent.models import ACTION_ACCEPTED, ACTION_DECLINED, LogItem
    from cookie_consent.util import get_cookie_dict_from_request, set_cookie_dict_to_response

    groups = all_cookie_groups()
    choice = get_cookie_dict_from_request(request)
    log = []
    for varname, group in groups.items():
        if varname in accepted:
            choice[varname] = group.get_version()
            log.append(LogItem(action=ACTION_ACCEPTED, cookiegroup=group, version=choice[varname]))
        else:
            choice[varname] = consent_settings.COOKIE_CONSENT_DECLINE
            log.append(
                LogItem(action=ACTION_DECLINED, cookiegroup=group, version=group.get_version())
            )
            if group.is_deletable:
                for cookie in group.cookie_set.all():
                    response.delete_cookie(cookie.name, cookie.path, cookie.domain or None)
    set_cookie_dict_to_response(response, choice)
    if consent_settings.COOKIE_CONSENT_LOG_ENABLED:
        LogItem.objects.bulk_create(log)
