"""The committed labelled corpus of bench/social_quality.py meets issue 17's description."""

import collections
import json
import re
from pathlib import Path

from bench.civic_corpus import RULES, posts
from cityux_social.classifier import NOT_A_REQUEST

CORPUS = Path(__file__).parent / "data" / "civic_corpus.jsonl"


def rows():
    with open(CORPUS, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_corpus_is_large_and_covers_every_type_and_non_requests():
    corpus = rows()
    types = {str(rules.request_type_id) for rules in RULES}
    for split in ("train", "test"):
        labels = collections.Counter(r["label"] for r in corpus if r["split"] == split)
        assert sum(labels.values()) >= 1000
        assert set(labels) == types | {NOT_A_REQUEST}
        assert len(types) >= 7 and min(labels.values()) >= 100


def test_corpus_has_the_noise_of_real_posts():
    texts = [r["text"] for r in rows()]
    share = lambda pattern: sum(bool(re.search(pattern, t)) for t in texts) / len(texts)  # noqa: E731
    assert share(r"#\w") > 0.2  # hashtags
    assert share(r"@\w") > 0.2  # mentions
    assert share(r"\b(?:smh|lol|wtf|thx|pls|yo)\b") > 0.1  # slang
    assert share(r"\b(?:pothloe|grbage|streetlite|grafitti|abandonded|matress)\b") > 0.02
    assert share(r"^[^a-z]+$") > 0.05  # shouting


def test_corpus_is_what_the_generator_writes():
    """Regenerating gives the same posts: the file is data, the generator its documentation."""
    corpus = rows()
    train = [(r["text"], r["label"]) for r in corpus if r["split"] == "train"]
    test = [(r["text"], r["label"]) for r in corpus if r["split"] == "test"]
    assert train == posts(len(train), seed=1)
    assert test == posts(len(test), seed=1001)
