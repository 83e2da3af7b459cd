"""The request-type rules: what matches, what does not, and how each match explains itself."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from cityux_social.rules import Matcher, RuleSet, invalid_patterns, match, matcher_for, normalize

POTHOLE = RuleSet(
    request_type_id=1,
    keywords=("pothole", "pot"),
    phrases=("hole in the road",),
    patterns=(r"cracked (?:asphalt|pavement)",),
    hashtags=("#Pothole",),
    mentions=("@CityHelp",),
    bounds=(39.0, -105.0, 40.0, -104.0),
)
BIN = RuleSet(request_type_id=2, keywords=("bin",), phrases=("missed pickup",))


def reasons(text, latitude=None, longitude=None, rule_sets=(POTHOLE, BIN)):
    return {
        m.request_type_id: m.reasons for m in Matcher(rule_sets).match(text, latitude, longitude)
    }


def test_keyword_matches_and_explains_itself():
    assert reasons("Huge pothole here") == {1: ("'pothole' in the text",)}


def test_keyword_matches_whole_words_only():
    assert reasons("What a nice spot for a picnic, and a potluck") == {}


def test_keyword_matches_its_plural():
    assert reasons("potholes everywhere") == {1: ("'pothole' in the text",)}


def test_matching_ignores_case_and_diacritics():
    rules = RuleSet(request_type_id=3, keywords=("Bürgersteig", "cafe"))
    assert reasons("BURGERSTEIG kaputt vor dem Café", rule_sets=(rules,)) == {
        3: ("'Bürgersteig' in the text", "'cafe' in the text")
    }


def test_phrase_matches_across_punctuation_and_spacing():
    assert reasons("Missed,   pickup again!") == {2: ("'missed pickup' in the text",)}


def test_phrase_does_not_match_when_words_are_apart():
    assert reasons("missed the pickup truck") == {}


def test_pattern_match_names_the_text_it_found():
    assert reasons("Cracked Asphalt on 5th") == {
        1: ("'cracked asphalt' matches the pattern /cracked (?:asphalt|pavement)/",)
    }


def test_hashtag_matches_only_the_whole_tag():
    assert reasons("#pothole season") == {1: ("'pothole' in the text", "tagged #Pothole")}
    assert reasons("#potholes2026") == {}


def test_mention_alone_does_not_make_a_suspect():
    assert reasons("@CityHelp thanks for the quick reply") == {}


def test_full_explanation_reads_as_one_sentence():
    (found,) = Matcher([POTHOLE]).match("pothole on Elm @cityhelp", 39.5, -104.5)
    assert found.explanation == "'pothole' in the text; mentions @CityHelp; inside city limits"


def test_mention_of_a_longer_account_name_is_not_the_city_account():
    assert reasons("pothole @CityHelpDesk @cityhelp.example.org") == {1: ("'pothole' in the text",)}


def test_mention_with_an_instance_domain_is_the_city_account():
    assert reasons("pothole @CityHelp@social.example.org")[1][-1] == "mentions @CityHelp"


def test_post_outside_the_area_does_not_match():
    assert reasons("pothole", 45.0, -104.5) == {}


def test_post_without_coordinates_matches_without_area_reason():
    assert reasons("pothole") == {1: ("'pothole' in the text",)}


def test_post_can_match_several_request_types_best_first():
    found = Matcher([BIN, POTHOLE]).match("pothole next to the bin #pothole")
    assert [m.request_type_id for m in found] == [1, 2]


def test_longest_term_wins_where_terms_overlap():
    rules = RuleSet(request_type_id=4, keywords=("missed",), phrases=("missed bin",))
    assert reasons("missed bin", rule_sets=(rules,)) == {4: ("'missed bin' in the text",)}


def test_invalid_patterns_are_reported_and_skipped():
    rules = RuleSet(request_type_id=5, keywords=("leak",), patterns=("(unclosed",))
    assert invalid_patterns("(unclosed\nfine") == [
        ("(unclosed", "missing ), unterminated subpattern at position 0")
    ]
    assert reasons("a leak", rule_sets=(rules,)) == {5: ("'leak' in the text",)}


def test_match_reads_request_type_like_objects_and_post_like_objects():
    request_type = SimpleNamespace(
        pk=7,
        keywords="graffiti",
        phrases="",
        patterns="",
        hashtags="",
        mentions="",
        min_lat=None,
        min_lon=None,
        max_lat=None,
        max_lon=None,
        area_name="",
    )
    post = SimpleNamespace(text="Graffiti on the bridge", latitude=None, longitude=None)
    assert [m.as_json() for m in match([request_type], post)] == [
        {"request_type": 7, "reasons": ["'graffiti' in the text"]}
    ]
    assert match([request_type], {"text": "nothing here"}) == []


def test_matcher_is_compiled_once_per_set_of_rules():
    assert matcher_for((POTHOLE, BIN)) is matcher_for((POTHOLE, BIN))
    assert matcher_for((POTHOLE,)) is not matcher_for((POTHOLE, BIN))


def test_normalize_folds_case_and_removes_accents():
    assert normalize("Ça GRÜNT Straße") == "ca grunt strasse"


def test_request_types_without_rules_match_nothing():
    assert Matcher([RuleSet(request_type_id=9)]).match("anything at all") == []


@given(
    prefix=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", max_size=5),
    suffix=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", max_size=5),
)
def test_keyword_never_matches_inside_a_longer_word(prefix, suffix):
    word = f"{prefix}pot{suffix}"
    expected = word in ("pot", "pots", "potes")
    assert bool(Matcher([RuleSet(1, keywords=("pot",))]).match(f"a {word} here")) == expected
