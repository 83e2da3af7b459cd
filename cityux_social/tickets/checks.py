"""System check of `CITYUX_SOCIAL["OPEN311"]`, in words a city's IT team can act on."""

from django.core.checks import Error, register

from ..conf import DEFAULTS, social_setting
from .georeport import FORMATS


def open311_problems(config):
    """The problems of an OPEN311 setting (a pure function of the dict)."""
    if not isinstance(config, dict):
        return ["CITYUX_SOCIAL['OPEN311'] must be a dict."]
    problems = []
    unknown = sorted(set(config) - set(DEFAULTS["OPEN311"]))
    if unknown:
        problems.append(f"CITYUX_SOCIAL['OPEN311'] has unknown keys: {', '.join(unknown)}.")
    merged = {**DEFAULTS["OPEN311"], **config}
    if str(merged["FORMAT"]).lower() not in FORMATS:
        problems.append(f"CITYUX_SOCIAL['OPEN311']['FORMAT'] must be one of {', '.join(FORMATS)}.")
    cap = merged["LOOKUP_CAP"]
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
        problems.append("CITYUX_SOCIAL['OPEN311']['LOOKUP_CAP'] must be a whole number ≥ 1.")
    for name in ("TIMEOUT", "TOKEN_GIVE_UP_HOURS"):
        value = merged[name]
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            problems.append(f"CITYUX_SOCIAL['OPEN311']['{name}'] must be a positive number.")
    return problems


@register()
def check_open311_settings(app_configs, **kwargs):
    return [
        Error(problem, id="cityux_social.E010")
        for problem in open311_problems(social_setting("OPEN311"))
    ]
