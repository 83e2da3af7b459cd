"""Each connector against a local fake server that speaks its real protocol."""

import json

import pytest

from cityux_social.ingest import fetch_all_sources, fetch_source
from cityux_social.models import SocialPost, Source
from cityux_social.sources import FetchFailed, ReplyFailed, connector_for
from cityux_social.sources.text import extract_address, html_to_text

from .conftest import write_jsonl
from .fakes import FakeBluesky, FakeMastodon, FakeX


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("TEST_MASTODON_TOKEN", "mastodon-token")
    monkeypatch.setenv("TEST_BSKY_PASSWORD", "app-password")
    monkeypatch.setenv("TEST_X_BEARER", "x-app-token")
    monkeypatch.setenv("TEST_X_USER", "x-user-token")


@pytest.fixture
def mastodon():
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def bluesky():
    with FakeBluesky() as server:
        yield server


@pytest.fixture
def x_api():
    with FakeX() as server:
        yield server


def mastodon_source(server, **config):
    return Source.objects.create(
        name="Mastodon",
        slug="mastodon",
        kind="mastodon",
        config={
            "instance": server.base_url,
            "query": "pothole OR trash",
            "token_env": "TEST_MASTODON_TOKEN",
            "account": "CityHelp",
            **config,
        },
    )


def bluesky_source(server, **config):
    return Source.objects.create(
        name="Bluesky",
        slug="bluesky",
        kind="bluesky",
        config={
            "jetstream": server.jetstream_url,
            "terms": ["pothole", "sinkhole"],
            "service": server.base_url,
            "identifier": "cityhelp.example.gov",
            "password_env": "TEST_BSKY_PASSWORD",
            "appview": server.base_url,
            "max_seconds": 0.5,
            **config,
        },
    )


def x_source(server, **config):
    return Source.objects.create(
        name="X",
        slug="x",
        kind="x",
        config={
            "api": server.base_url,
            "rules": ["pothole -is:retweet", "@CityHelp"],
            "bearer_token_env": "TEST_X_BEARER",
            "user_token_env": "TEST_X_USER",
            "account": "CityHelp",
            "max_seconds": 0.5,
            **config,
        },
    )


# Mastodon ------------------------------------------------------------------------------------


def test_mastodon_fetch_reads_statuses_as_text_skipping_boosts_and_own_posts(db, secrets, mastodon):
    source = mastodon_source(mastodon)
    posts = connector_for(source).fetch()
    assert [p.external_id for p in posts] == ["113542000000000001", "113542000000000003"]
    pothole = posts[0]
    assert pothole.text == (
        "Huge pothole on Elm Street by the school & my front tire is done. @CityHelp please "
        "fix it\nbefore someone gets hurt"
    )
    assert (pothole.author_handle, pothole.author_name, pothole.author_followers) == (
        "dkowalski@town.example.net",
        "Dana Kowalski",
        1450,
    )
    assert pothole.url == "https://town.example.net/@dkowalski/113542000000000001"
    assert pothole.posted_at.isoformat() == "2026-11-20T08:02:55+00:00"
    assert source.cursor == "113542000000000004"
    assert mastodon.requests[0]["query"] == {
        "limit": "40",
        "q": "pothole OR trash",
        "type": "statuses",
        "resolve": "false",
    }


def test_mastodon_cursor_asks_only_for_newer_statuses(db, secrets, mastodon):
    source = mastodon_source(mastodon)
    assert fetch_source(source) == (2, 0)
    mastodon.add_status(113542000000000009, "Another pothole on Birch Road")
    source.refresh_from_db()
    assert fetch_source(source) == (1, 0)
    assert mastodon.requests[-1]["query"]["min_id"] == "113542000000000004"
    assert SocialPost.objects.filter(source=source).count() == 3


def test_mastodon_hashtag_timeline_is_read_when_configured(db, secrets, mastodon):
    source = mastodon_source(mastodon, hashtag="#pothole", query="")
    assert len(connector_for(source).fetch()) == 2
    assert mastodon.requests[0]["path"] == "/api/v1/timelines/tag/pothole"


def test_mastodon_reply_is_a_public_status_in_reply_to_the_post(db, secrets, mastodon):
    source = mastodon_source(mastodon)
    fetch_source(source)
    post = SocialPost.objects.get(external_id="113542000000000001")
    connector = connector_for(source)
    reply_id = connector.reply(post, "Thanks — logged as request #77.")
    again = connector.reply(post, "Thanks — logged as request #77.")
    assert reply_id == again == "113542999000000001"
    assert mastodon.replies == [
        {
            "status": "@dkowalski@town.example.net Thanks — logged as request #77.",
            "in_reply_to_id": "113542000000000001",
            "visibility": "public",
        }
    ]


def test_mastodon_bad_token_is_a_clear_error(db, mastodon, monkeypatch):
    monkeypatch.setenv("TEST_MASTODON_TOKEN", "wrong")
    source = mastodon_source(mastodon)
    with pytest.raises(FetchFailed, match="Mastodon: HTTP 401 .* The access token is invalid"):
        connector_for(source).fetch()
    with pytest.raises(ReplyFailed, match="HTTP 401"):
        connector_for(source).reply(SocialPost(external_id="1", author_handle="a"), "hi")


# Bluesky -------------------------------------------------------------------------------------


def test_bluesky_fetch_keeps_matching_new_posts_and_advances_the_time_cursor(db, secrets, bluesky):
    source = bluesky_source(bluesky)
    posts = connector_for(source).fetch()
    assert [p.text for p in posts] == [
        "Sinkhole opening up at Main and 3rd, cones are not enough #pothole",
        "Same here, the pothole on Oak Lane ate my bike wheel",
    ]
    first = posts[0]
    assert first.external_id == (
        "at://did:plc:k3a7vq2xw5ttne4ofmrrd6bq/app.bsky.feed.post/3m6fy2pbnsw2b"
    )
    assert (
        first.url == "https://bsky.app/profile/did:plc:k3a7vq2xw5ttne4ofmrrd6bq/post/3m6fy2pbnsw2b"
    )
    assert first.language == "en"
    assert (first.author_handle, first.author_name, first.author_followers) == (
        "sam-ortega.bsky.social",
        "Sam Ortega",
        640,
    )
    assert bluesky.profile_lookups == [
        ["did:plc:k3a7vq2xw5ttne4ofmrrd6bq", "did:plc:p4t6nn8cw2jdl5qa3xvzeh7r"]
    ]
    assert source.cursor == "1763630000700000"
    assert bluesky.subscriptions == [{"wantedCollections": "app.bsky.feed.post"}]


def test_bluesky_reconnects_from_its_cursor(db, secrets, bluesky):
    source = bluesky_source(bluesky)
    assert fetch_source(source) == (2, 0)
    source.refresh_from_db()
    assert fetch_source(source) == (0, 0)
    assert bluesky.subscriptions[-1]["cursor"] == "1763630000700000"


def test_bluesky_fetch_stops_at_the_post_limit(db, secrets, bluesky):
    source = bluesky_source(bluesky, max_posts=1)
    posts = connector_for(source).fetch()
    assert len(posts) == 1 and source.cursor == "1763630000200000"


def test_bluesky_without_terms_keeps_what_request_types_suspect(
    db, secrets, bluesky, request_types
):
    source = bluesky_source(bluesky, terms=[])
    assert len(connector_for(source).fetch()) == 2


def test_bluesky_reply_signs_in_and_threads_under_the_post(db, secrets, bluesky):
    source = bluesky_source(bluesky)
    fetch_source(source)
    reply_to = SocialPost.objects.get(text__startswith="Same here")
    uri = connector_for(source).reply(reply_to, "Fixed — thanks for reporting!")
    assert uri == "at://did:plc:cityhelp0000000000000000/app.bsky.feed.post/3m6g000000001"
    (body,) = bluesky.replies
    root = "at://did:plc:k3a7vq2xw5ttne4ofmrrd6bq/app.bsky.feed.post/3m6fy2pbnsw2b"
    assert body["repo"] == "did:plc:cityhelp0000000000000000"
    assert body["collection"] == "app.bsky.feed.post"
    assert body["record"]["text"] == "Fixed — thanks for reporting!"
    assert body["record"]["reply"]["root"]["uri"] == root
    assert body["record"]["reply"]["parent"] == {
        "uri": reply_to.external_id,
        "cid": "bafyreid7e8f9g0h1j2k3l4m5n6p7q8r9s0t1u2v3w4x5y6z7a2b3c4d5e",
    }


def test_bluesky_wrong_password_is_a_clear_reply_error(db, bluesky, monkeypatch):
    monkeypatch.setenv("TEST_BSKY_PASSWORD", "nope")
    source = bluesky_source(bluesky)
    post = SocialPost(external_id="at://x/app.bsky.feed.post/1", raw={"commit": {"cid": "c"}})
    with pytest.raises(ReplyFailed, match="Bluesky sign-in: HTTP 401 .*Invalid identifier"):
        connector_for(source).reply(post, "hi")
    assert bluesky.replies == []


def test_bluesky_keeps_posts_when_profiles_cannot_be_read(db, secrets, bluesky):
    source = bluesky_source(bluesky, appview="http://127.0.0.1:9")
    connector = connector_for(source)
    posts = connector.fetch()
    assert [p.author_handle for p in posts] == [
        "did:plc:k3a7vq2xw5ttne4ofmrrd6bq",
        "did:plc:p4t6nn8cw2jdl5qa3xvzeh7r",
    ]
    assert connector.problems[0].startswith("Authors left as DIDs: Bluesky profiles: could not")


def test_bluesky_unreachable_jetstream_is_a_fetch_error(db, secrets):
    source = Source.objects.create(
        name="B", slug="b", kind="bluesky", config={"jetstream": "ws://127.0.0.1:9", "terms": ["x"]}
    )
    with pytest.raises(FetchFailed, match="Jetstream"):
        connector_for(source).fetch()


# X -------------------------------------------------------------------------------------------


def test_x_fetch_syncs_rules_then_reads_the_stream(db, secrets, x_api):
    source = x_source(x_api)
    connector = connector_for(source)
    posts = connector.fetch()
    assert [p.external_id for p in posts] == ["1991000000000000101", "1991000000000000102"]
    bin_post, junk_car = posts
    assert (bin_post.author_handle, bin_post.author_followers, bin_post.place) == (
        "priya_n",
        530,
        "Riverton, CO",
    )
    assert (junk_car.latitude, junk_car.longitude) == (39.74, -104.71)
    assert junk_car.text.endswith("for a month now & it's leaking oil >:(")
    assert junk_car.url == "https://x.com/lee_w/status/1991000000000000102"
    assert source.cursor == "1991000000000000102"
    assert connector.problems == ["X stream: operational-disconnect"]
    assert sorted((r["value"], r["tag"]) for r in x_api.rules) == [
        ("@CityHelp", "cityux:x"),
        ("from:someone_else", "another-app"),
        ("pothole -is:retweet", "cityux:x"),
    ]
    stream_call = next(r for r in x_api.requests if r["path"] == "/2/tweets/search/stream")
    assert stream_call["query"]["expansions"] == "author_id,geo.place_id"


def test_x_reply_posts_in_reply_to_the_tweet(db, secrets, x_api):
    source = x_source(x_api)
    post = SocialPost(external_id="1991000000000000101", author_handle="priya_n")
    assert connector_for(source).reply(post, "Thanks!") == "1991000000000555001"
    assert x_api.replies == [
        {"text": "Thanks!", "reply": {"in_reply_to_tweet_id": "1991000000000000101"}}
    ]


def test_x_without_a_token_is_a_clear_error(db, x_api):
    source = x_source(x_api, bearer_token_env="UNSET_VARIABLE_FOR_TEST")
    with pytest.raises(FetchFailed, match="bearer token"):
        connector_for(source).fetch()


# All sources together ------------------------------------------------------------------------


def test_a_failing_server_is_recorded_and_the_other_sources_still_fetched(
    db, secrets, mastodon, bluesky, x_api, file_source
):
    mastodon_source(mastodon)
    bluesky_source(bluesky)
    x_source(x_api)
    write_jsonl(file_source.config["path"], [{"id": "f1", "text": "from the file"}])
    mastodon.fail_with = 503
    results = fetch_all_sources()
    assert results == {"bluesky": (2, 0), "import": (1, 0), "mastodon": None, "x": (2, 0)}
    failed = Source.objects.get(slug="mastodon")
    assert failed.last_error.startswith("Mastodon: HTTP 503 from http://127.0.0.1:")
    assert failed.last_error_at is not None and failed.cursor == ""
    assert Source.objects.get(slug="x").last_error == "X stream: operational-disconnect"


def test_html_to_text_drops_scripts_and_keeps_escaped_markup_as_text():
    assert html_to_text("<p>a<script>alert(1)</script> &lt;b&gt;</p><p>b</p>") == "a <b>\n\nb"
    assert html_to_text("plain &amp; simple") == "plain & simple"


def test_unknown_kind_is_a_clear_error(db):
    source = Source(name="?", slug="q", kind="fax")
    with pytest.raises(FetchFailed, match="No connector is configured for sources of kind “fax”"):
        connector_for(source)


def test_file_reply_is_appended_to_the_outbox(file_source):
    post = SocialPost(source=file_source, external_id="f1", author_handle="sam")
    reply_id = connector_for(file_source).reply(post, "Thanks")
    (line,) = open(file_source.config["outbox"]).read().splitlines()
    assert json.loads(line) | {"sent_at": None} == {
        "id": reply_id,
        "in_reply_to": "f1",
        "to": "sam",
        "text": "Thanks",
        "sent_at": None,
    }


def test_file_source_reads_csv(file_source, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("id,text,latitude,longitude\n1,pothole on Elm,39.7,-104.9\n2,hello,,\n")
    file_source.config["path"] = str(path)
    posts = connector_for(file_source).fetch()
    assert [(p.external_id, p.latitude) for p in posts] == [("1", 39.7), ("2", None)]
    assert file_source.cursor == "2"


@pytest.mark.parametrize("failing", ["mastodon", "bluesky", "x"])
def test_each_connector_failure_is_recorded_while_the_others_are_fetched(
    db, secrets, mastodon, bluesky, x_api, failing
):
    mastodon_source(mastodon)
    bluesky_source(bluesky)
    x_source(x_api)
    if failing == "bluesky":
        Source.objects.filter(slug="bluesky").update(
            config={**Source.objects.get(slug="bluesky").config, "jetstream": "ws://127.0.0.1:9"}
        )
    else:
        {"mastodon": mastodon, "x": x_api}[failing].fail_with = 500
    results = fetch_all_sources()
    assert results.pop(failing) is None
    assert all(created > 0 for created, _ in results.values())
    failed = Source.objects.get(slug=failing)
    expected = {"mastodon": "Mastodon: HTTP 500", "bluesky": "Jetstream: ", "x": "X stream rules"}
    assert failed.last_error.startswith(expected[failing])
    assert failed.last_fetched_at is None
    assert not SocialPost.objects.filter(source=failed).exists()


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Pothole outside 42 Birch Road, please fix", "42 Birch Road"),
        ("Sinkhole at Main and 3rd, cones are not enough", "Main and 3rd"),
        ("Big pothole at the Cherry & 8th intersection", "Cherry & 8th"),
        ("Trash truck skipped our block on Spruce Way.", "Spruce Way"),
        ("Deep potholes along Cedar Drive between 9th and 12th", "Cedar Drive"),
        ("The road is bad. And nobody cares", ""),
        ("Lovely concert in the park tonight", ""),
    ],
)
def test_address_is_extracted_from_the_text(text, address):
    assert extract_address(text) == address


def test_stored_post_without_a_place_gets_the_address_its_text_names(file_source):
    write_jsonl(
        file_source.config["path"],
        [
            {"id": "1", "text": "Pothole outside 42 Birch Road"},
            {"id": "2", "text": "Pothole outside 42 Birch Road", "place": "Birch Rd bus stop"},
        ],
    )
    fetch_source(file_source)
    assert dict(SocialPost.objects.values_list("external_id", "place")) == {
        "1": "42 Birch Road",
        "2": "Birch Rd bus stop",
    }
