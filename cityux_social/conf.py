"""Settings of the social inbox, read from Django settings when needed (never at import).

Everything lives in one dict setting, `CITYUX_SOCIAL`; a missing key takes its default here.
"""

from cityux.conf import settings_accessor

DEFAULTS = {
    # Which connector class serves each source kind (dotted paths); a city can swap one.
    "CONNECTORS": {
        "file": "cityux_social.sources.file.FileConnector",
        "mastodon": "cityux_social.sources.mastodon.MastodonConnector",
        "bluesky": "cityux_social.sources.bluesky.BlueskyConnector",
        "x": "cityux_social.sources.x.XConnector",
    },
    # A fetch reads at most this many posts and for at most this many seconds, then returns.
    "FETCH_MAX_POSTS": 200,
    "FETCH_MAX_SECONDS": 20.0,
    # Timeout of one HTTP request or websocket read, in seconds.
    "HTTP_TIMEOUT": 10.0,
    # Retries of a failing source inside one fetch_sources run, with exponential backoff.
    "FETCH_RETRIES": 2,
    "FETCH_BACKOFF_SECONDS": 1.0,
    # Days after which a post's author data is scrubbed: handle, name, followers, text, link,
    # place, raw payload, the staff description and the replies' text. The decision stays.
    "AUTHOR_RETENTION_DAYS": 180,
    # The model proposes only once it has learnt from this many staff decisions.
    "CLASSIFIER_MIN_DECISIONS": 40,
    # retrain_classifier trains a new model once this many decisions are newer than the last one.
    "RETRAIN_AFTER_DECISIONS": 25,
    # Proposals below this confidence go to "needs review" until a model's own threshold can be
    # measured (then the threshold that reaches ROUTING_TARGET_PRECISION applies).
    "REVIEW_CONFIDENCE": 0.6,
    # Model selection and quality figures: repeated stratified k-fold cross-validation.
    "CV_FOLDS": 5,
    "CV_REPEATS": 3,
    # Below this many decisions of a type, its precision and recall are "too few to say".
    "QUALITY_MIN_DECISIONS_PER_TYPE": 10,
    # Precision that proposals routed without review must reach (one-sided 90 % confidence).
    "ROUTING_TARGET_PRECISION": 0.9,
    # The city's Open311 GeoReport v2 server: base URL (ending in /), the environment variable
    # that holds the API key, the jurisdiction id (if the server wants one), a timeout, the
    # format spoken ("json" or "xml"), the server's cap on GET requests answers, and how long a
    # token may stay unresolved before the ticket fails with the server's last answer.
    "OPEN311": {
        "ENDPOINT": "",
        "API_KEY_ENV": "CITYUX_OPEN311_API_KEY",
        "JURISDICTION_ID": "",
        "TIMEOUT": 10.0,
        "FORMAT": "json",
        "LOOKUP_CAP": 1000,
        "TOKEN_GIVE_UP_HOURS": 48,
    },
}


# social_setting(name): one key of `CITYUX_SOCIAL` (nested dicts merged), or its default.
# Keys a release stopped reading, with what to do instead (warned by cityux_social.W001).
RETIRED = {
    "HOLDOUT_FRACTION": "The classifier now measures each candidate model by repeated "
    "cross-validation on the staff decisions (CV_FOLDS, CV_REPEATS); remove HOLDOUT_FRACTION.",
}

social_setting = settings_accessor("CITYUX_SOCIAL", DEFAULTS, retired=RETIRED)
