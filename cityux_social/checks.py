"""System checks of the social inbox's settings, in words a city's IT team can act on."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from .conf import DEFAULTS, RETIRED, social_setting
from .tickets import checks as _open311_checks  # noqa: F401 (registers the OPEN311 check)


@register()
def check_social_settings(app_configs, **kwargs):
    configured = getattr(settings, "CITYUX_SOCIAL", {})
    if not isinstance(configured, dict):
        return [
            Error(
                "CITYUX_SOCIAL must be a dict.",
                hint="For example CITYUX_SOCIAL = {'CLASSIFIER_MIN_DECISIONS': 50}.",
                id="cityux_social.E001",
            )
        ]
    problems = [
        Warning(
            f"CITYUX_SOCIAL['{key}'] is no longer read.", hint=RETIRED[key], id="cityux_social.W001"
        )
        for key in sorted(set(configured) & set(RETIRED))
    ]
    unknown = sorted(set(configured) - set(DEFAULTS) - set(RETIRED))
    if unknown:
        problems.append(
            Error(
                f"CITYUX_SOCIAL has unknown settings: {', '.join(unknown)}.",
                hint=f"Known settings: {', '.join(sorted(DEFAULTS))}.",
                id="cityux_social.E001",
            )
        )
    values = social_setting.all(skip_unknown=True)  # the unknown keys are reported above
    for kind, path in values["CONNECTORS"].items():
        try:
            import_string(path)
        except ImportError as error:
            problems.append(
                Error(
                    f"The connector for “{kind}” sources cannot be imported: {error}.",
                    hint="Fix its dotted path in CITYUX_SOCIAL['CONNECTORS'].",
                    id="cityux_social.E002",
                )
            )
    confidence = values["REVIEW_CONFIDENCE"]
    if not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        problems.append(
            Error(
                "CITYUX_SOCIAL['REVIEW_CONFIDENCE'] must be a number between 0 and 1.",
                id="cityux_social.E003",
            )
        )
    target = values["ROUTING_TARGET_PRECISION"]
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 1:
        problems.append(
            Error(
                "CITYUX_SOCIAL['ROUTING_TARGET_PRECISION'] must be a number above 0 and at most 1.",
                id="cityux_social.E003",
            )
        )
    folds = values["CV_FOLDS"]
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        problems.append(
            Error(
                "CITYUX_SOCIAL['CV_FOLDS'] must be a whole number of at least 2.",
                id="cityux_social.E003",
            )  # fmt: skip
        )
    for name in (
        "FETCH_MAX_POSTS", "CLASSIFIER_MIN_DECISIONS", "RETRAIN_AFTER_DECISIONS", "CV_REPEATS",
        "QUALITY_MIN_DECISIONS_PER_TYPE",
    ):  # fmt: skip
        value = values[name]
        if not isinstance(value, int) or value < 1:
            problems.append(
                Error(
                    f"CITYUX_SOCIAL['{name}'] must be a whole number of at least 1.",
                    id="cityux_social.E003",
                )
            )
    return problems
