"""Which request types a post looks like, and why, in one sentence per match.

Pure: no database. A request type's rules are keywords, phrases, regular expressions, hashtags,
mentions of city accounts and an area. Text is compared case-insensitively and without
diacritics ("Bürgersteig" matches "burgersteig"); keywords and phrases match whole words only
("pot" never matches "spot") and also match their plural ("pothole" matches "potholes").

A post is *suspected* of being a request of a type when a content rule matches (a keyword,
phrase, pattern or hashtag). A mention of a city account or a position inside the type's area
only adds to the explanation; a post whose coordinates lie outside the area does not match.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_PLURAL = r"(?:s|es)?"


def strip_diacritics(text):
    """`text` without accents and other combining marks ("Café" -> "Cafe")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text):
    """Case-folded text without diacritics: what every rule is compared with."""
    if text.isascii():  # most posts: nothing to decompose, and lower() is casefold() here
        return text.lower()
    return strip_diacritics(text).casefold()


def _words(text):
    """Normalized text reduced to its words, one space apart (punctuation removed)."""
    return " ".join(_WORD.findall(normalize(text)))


def _lines(value):
    if isinstance(value, list | tuple):
        return tuple(v.strip() for v in value if v and v.strip())
    return tuple(line.strip() for line in (value or "").splitlines() if line.strip())


def invalid_patterns(patterns):
    """The (pattern, error) pairs that are not valid regular expressions."""
    problems = []
    for pattern in _lines(patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append((pattern, str(error)))
    return problems


@dataclass(frozen=True)
class RuleSet:
    """The rules of one request type, as plain hashable values."""

    request_type_id: int
    keywords: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    bounds: tuple[float, float, float, float] | None = None  # min_lat, min_lon, max_lat, max_lon
    area_name: str = "city limits"

    @classmethod
    def of(cls, request_type):
        """The rule set of a RequestType (or anything with the same attributes)."""
        if isinstance(request_type, cls):
            return request_type
        corners = tuple(
            getattr(request_type, name, None)
            for name in ("min_lat", "min_lon", "max_lat", "max_lon")
        )
        return cls(
            request_type_id=request_type.pk,
            keywords=_lines(request_type.keywords),
            phrases=_lines(request_type.phrases),
            patterns=_lines(request_type.patterns),
            hashtags=_lines(request_type.hashtags),
            mentions=_lines(request_type.mentions),
            bounds=corners if None not in corners else None,
            area_name=getattr(request_type, "area_name", "") or "city limits",
        )


@dataclass(frozen=True)
class Match:
    """A request type a post looks like, with the reasons, strongest rules first."""

    request_type_id: int
    reasons: tuple[str, ...]

    @property
    def explanation(self):
        return "; ".join(self.reasons)

    def as_json(self):
        """The shape stored in `SocialPost.rule_matches`."""
        return {"request_type": self.request_type_id, "reasons": list(self.reasons)}


def _alternation(terms):
    # Longest first, so "missed bin" wins over "missed" where both are listed.
    return "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))


def _compile(template, terms):
    """`template` with the alternation of `terms` in place of {}, or None without terms."""
    return re.compile(template.replace("{}", _alternation(terms))) if terms else None


class Matcher:
    """All rules of a set of request types, compiled once into a few regular expressions."""

    def __init__(self, rule_sets):
        self.rule_sets = tuple(RuleSet.of(r) for r in rule_sets)
        self._terms = {}  # normalized term -> [(type id, term as staff wrote it)]
        self._tags = {}
        self._mentions = {}
        self._patterns = {}  # type id -> [(compiled, source)]
        for rules in self.rule_sets:
            for term in rules.keywords + rules.phrases:
                key = _words(term)
                if key:
                    self._terms.setdefault(key, []).append((rules.request_type_id, term))
            for tag in rules.hashtags:
                key = normalize(tag.lstrip("#"))
                if key:
                    self._tags.setdefault(key, []).append((rules.request_type_id, tag.lstrip("#")))
            for account in rules.mentions:
                key = normalize(account.lstrip("@"))
                if key:
                    self._mentions.setdefault(key, []).append(
                        (rules.request_type_id, account.lstrip("@"))
                    )
            compiled = []
            for pattern in rules.patterns:
                try:
                    compiled.append((re.compile(strip_diacritics(pattern), re.IGNORECASE), pattern))
                except re.error:
                    continue  # refused when saved; checks.py reports any left in the database
            self._patterns[rules.request_type_id] = compiled
        self._term_re = _compile(r"(?<!\w)({})" + _PLURAL + r"(?!\w)", self._terms)
        self._tag_re = _compile(r"(?<![\w#])#({})(?!\w)", self._tags)
        # An account ends where a word does, but "@cityhelp.bsky.social" is another account.
        self._mention_re = _compile(r"(?<![\w@])@({})(?![\w-]|\.\w)", self._mentions)

    def match(self, text, latitude=None, longitude=None):
        """The request types `text` (posted at the coordinates, if known) looks like."""
        norm = normalize(text or "")
        reasons = {}  # type id -> {"content": [...], "context": [...]}

        def add(type_id, kind, reason):
            found = reasons.setdefault(type_id, {"content": [], "context": []})[kind]
            if reason not in found:
                found.append(reason)

        if self._term_re is not None:
            for found in self._term_re.finditer(" ".join(_WORD.findall(norm))):
                for type_id, term in self._terms[found.group(1)]:
                    add(type_id, "content", f"'{term}' in the text")
        for type_id, compiled in self._patterns.items():
            for regex, source in compiled:
                found = regex.search(norm)
                if found:
                    add(type_id, "content", f"'{found.group(0)}' matches the pattern /{source}/")
        if self._tag_re is not None:
            for found in self._tag_re.finditer(norm):
                for type_id, tag in self._tags[found.group(1)]:
                    add(type_id, "content", f"tagged #{tag}")
        if self._mention_re is not None:
            for found in self._mention_re.finditer(norm):
                for type_id, account in self._mentions[found.group(1)]:
                    add(type_id, "context", f"mentions @{account}")

        matches = []
        for rules in self.rule_sets:
            found = reasons.get(rules.request_type_id)
            if not found or not found["content"]:
                continue
            context = found["context"]
            if rules.bounds is not None and latitude is not None and longitude is not None:
                if not _inside(rules.bounds, latitude, longitude):
                    continue
                context = [*context, f"inside {rules.area_name}"]
            matches.append(Match(rules.request_type_id, tuple(found["content"] + context)))
        matches.sort(key=lambda m: -len(m.reasons))
        return matches

    def match_post(self, post):
        """`match` for a post-like object or dict with text, latitude and longitude."""
        get = post.get if isinstance(post, dict) else lambda name: getattr(post, name, None)
        return self.match(get("text") or "", get("latitude"), get("longitude"))


def _inside(bounds, latitude, longitude):
    min_lat, min_lon, max_lat, max_lon = bounds
    return min_lat <= latitude <= max_lat and min_lon <= longitude <= max_lon


@functools.lru_cache(maxsize=32)
def matcher_for(rule_sets):
    """A Matcher for a tuple of RuleSets, compiled once per distinct set of rules."""
    return Matcher(rule_sets)


def match(request_types, post_like):
    """The matches of `post_like` against `request_types` (models or RuleSets), best first."""
    return matcher_for(tuple(RuleSet.of(r) for r in request_types)).match_post(post_like)
