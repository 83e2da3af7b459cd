"""The tone of a free-text answer, from -1 (very negative) to 1 (very positive)."""

import threading

_analyzer = None
_lock = threading.Lock()


def _get_analyzer():
    # Loading VADER's lexicon takes a moment: do it on the first comment, once per process.
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                _analyzer = SentimentIntensityAnalyzer()
    return _analyzer


def sentiment(text):
    """VADER's compound score of `text` (English), or None when there is no text."""
    if not text or not text.strip():
        return None
    return _get_analyzer().polarity_scores(text)["compound"]
