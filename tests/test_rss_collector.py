"""kind: rss against a local feed server: conditional GETs, RSS and Atom, guid/link identity, undated entries,
news-search URLs. Every scenario runs twice; the second run adds nothing."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fakes.fake_http_server import Reply
from fakes.rss_server import Entry, FeedServer

from listener.collectors.rss import RssCollector
from listener.collectors.runner import collect
from listener.store.models import Cursor, Post

SHARED = Path(
    os.environ.get("LISTENER_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def feed():
    server = FeedServer().start()
    server.add(
        Entry("g1", "Leeds General Infirmary opens new ward", T0, link="https://news.example/1"),
        Entry(
            "g2",
            "Waiting times fall at St Thomas' Hospital",
            T0 + timedelta(hours=2),
            link="https://news.example/2",
        ),
    )
    yield server
    server.stop()


def source(url: str, **extra) -> str:
    options = "".join(f"\n    {key}: {value}" for key, value in extra.items())
    return f"sources:\n  - name: news\n    kind: rss\n    feeds: [{url}]{options}\n"


def stored(store) -> dict[str, Post]:
    with store.transaction() as session:
        return {p.native_id: p for p in session.scalars(sa.select(Post))}


def twice(store, config):
    first, second = collect(store, config), collect(store, config)
    assert not first[0].failed and not second[0].failed, (first, second)
    assert second[0].total("posts_new") == 0
    return first[0], second[0]


def test_rss_feed_twice_and_a_304(store, make_config, feed):
    first, second = twice(store, make_config(source(f"{feed.base_url}/rss.xml")))
    posts = stored(store)
    assert first.total("posts_new") == 2 and set(posts) == {"news.example/g1", "news.example/g2"}
    assert posts["news.example/g2"].created_at == T0 + timedelta(hours=2)  # served as +0100, stored as UTC
    assert (
        posts["news.example/g1"].text == "Leeds General Infirmary opens new ward - Leeds Live"
    )  # description not repeated
    assert posts["news.example/g1"].url == "https://news.example/1" and posts["news.example/g1"].lang == "en"
    assert posts["news.example/g1"].platform == "news"
    assert feed.requests[-1].header("If-None-Match")  # the second run asked conditionally...
    assert second.total("requests") == 1 and second.total("posts_read") == 0  # ...and got a 304


def test_new_entry_is_added_and_cursor_stays_small(store, make_config, feed):
    config = make_config(source(f"{feed.base_url}/rss.xml"))
    twice(store, config)
    feed.add(Entry("g3", "LGI car park to close", T0 + timedelta(hours=5), link="https://news.example/3"))
    result = collect(store, config)[0]
    assert result.total("posts_new") == 1 and set(stored(store)) == {
        "news.example/g1",
        "news.example/g2",
        "news.example/g3",
    }
    with store.transaction() as session:
        cursor = session.scalar(sa.select(Cursor.value))
    assert cursor["ids"] == ["news.example/g3"] and cursor["newest"] == (T0 + timedelta(hours=5)).isoformat()
    assert cursor["etag"] and cursor["modified"]


def test_if_modified_since_alone_gives_304(feed):
    from listener.collectors.http import ApiClient, HttpOptions

    client = ApiClient("t", HttpOptions())
    first = client.get(f"{feed.base_url}/rss.xml")
    again = client.get(
        f"{feed.base_url}/rss.xml", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    client.close()
    assert (first.status_code, again.status_code) == (200, 304)


def test_atom_entries_without_guid_use_the_link_and_undated_use_fetch_time(store, make_config, feed):
    feed.add(
        Entry(
            None, "Trust board papers published", T0 + timedelta(hours=3), link="https://trust.example/board"
        ),
        Entry(
            "undated-1", "Undated notice about Guy's Hospital", None, summary="<p>Visiting hours change</p>"
        ),
    )
    before = datetime.now(UTC).replace(microsecond=0)
    twice(store, make_config(source(f"{feed.base_url}/atom.xml")))
    posts = stored(store)
    undated = f"{feed.base_url.removeprefix('http://')}/undated-1"  # no link: the feed's host
    assert {"news.example/g1", "news.example/g2", "https://trust.example/board", undated} == set(posts)
    assert posts[undated].created_at >= before
    assert posts[undated].text == "Undated notice about Guy's Hospital\n\nVisiting hours change"
    with store.transaction() as session:
        cursor = session.scalar(sa.select(Cursor.value))
    assert cursor["newest"] == (T0 + timedelta(hours=3)).isoformat()  # undated entries never move it


def test_entries_older_than_the_lookback_are_not_offered_again(store, make_config, feed):
    config = make_config(source(f"{feed.base_url}/rss.xml", lookback="1h"))
    twice(store, config)
    feed.add(
        Entry("late", "A story dated long before the newest one", T0 - timedelta(days=1), link="https://n/l")
    )
    result = collect(store, config)[0]
    assert result.total("posts_read") == 3 and result.total("posts_new") == 0
    assert "n/late" not in stored(store)


def test_google_news_search_urls_from_organisations(store, make_config, feed):
    config = make_config(
        "sources:\n  - name: gnews\n    kind: rss\n    search_organisations: true\n"
        f"    searches: [NHS strike]\n    search_url: '{feed.base_url}/search?q={{query}}&hl=en-GB'\n"
    )
    collector = RssCollector(config.source("gnews"), config)
    assert collector.streams() == [
        f"{feed.base_url}/search?q=NHS+strike&hl=en-GB",
        f"{feed.base_url}/search?q=%22Guy%27s+and+St+Thomas%27+NHS+Foundation+Trust%22&hl=en-GB",
        f"{feed.base_url}/search?q=%22Leeds+Teaching+Hospitals+NHS+Trust%22&hl=en-GB",
    ]
    first, _ = twice(store, config)
    assert first.total("posts_new") == 2  # the same articles in three searches are stored once


def test_an_html_page_is_not_a_feed(store, make_config, feed):
    result = collect(store, make_config(source(f"{feed.base_url}/not-here")))[0]
    assert result.failed and "HTTP 404" in result.streams[0].error


def test_recorded_google_news_feed(store, make_config, feed):
    fixture = SHARED / "api_payloads" / "rss_google_news_search_fixture_trimmed.xml"
    if not fixture.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{fixture} is missing (under CI the shared data must be present)")
        pytest.skip(f"shared data not found at {fixture}; set LISTENER_SHARED_DATA")
    feed.recorded["/rss/search"] = fixture.read_bytes()
    first, _ = twice(store, make_config(source(f"{feed.base_url}/rss/search")))
    posts = sorted(stored(store).values(), key=lambda p: p.created_at)
    assert first.total("posts_new") == 2
    assert posts[1].text == "Why the ECB Is Unlikely to Keep Rates Higher Than 3% - Goldman Sachs"
    assert posts[1].created_at == datetime(2026, 9, 25, 7, tzinfo=UTC)
    assert posts[1].url.startswith("https://news.google.com/rss/articles/") and posts[1].lang == "en"
    assert posts[1].native_id.startswith("sha256:")  # Google's guids are longer than posts.native_id allows


def test_a_feed_that_moved_is_followed_and_the_move_logged(store, make_config, feed, caplog):
    """Publishers move feeds (http to https, a new CMS) with a 301; the feed is still read, the move is logged,
    and the second run still asks conditionally and gets a 304."""
    caplog.set_level("WARNING")
    feed.moved["/old-feed.xml"] = "/rss.xml"
    first, second = twice(store, make_config(source(f"{feed.base_url}/old-feed.xml")))
    assert first.total("posts_new") == 2 and set(stored(store)) == {"news.example/g1", "news.example/g2"}
    assert first.total("requests") == 2  # the redirect and the feed
    assert feed.requests[-1].path == "/rss.xml" and feed.requests[-1].header("If-None-Match")
    assert second.total("requests") == 2 and second.total("posts_read") == 0  # a 304 at the new address
    assert f"moved for good to {feed.base_url}/rss.xml" in caplog.text


def test_an_entry_dated_in_the_future_does_not_hide_the_entries_after_it(store, make_config, feed, caplog):
    """A mistyped date (2062 for 2026) must not move the cursor years ahead: every later entry would be older
    than it, so never offered again. Such an entry is kept with the time it was fetched, like an undated one."""
    now = datetime.now(UTC).replace(microsecond=0)
    feed.add(
        Entry("typo", "Leeds General Infirmary news", now + timedelta(days=365 * 36), link="https://n/t")
    )
    config = make_config(source(f"{feed.base_url}/rss.xml"))
    twice(store, config)
    feed.add(Entry("fresh", "St Thomas' Hospital news", now - timedelta(minutes=5), link="https://n/f"))
    assert collect(store, config)[0].total("posts_new") == 1
    posts = stored(store)
    assert "n/fresh" in posts and posts["n/typo"].created_at.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert "dated in the future" in caplog.text


def test_inline_html_does_not_split_words_and_blocks_stay_apart(store, make_config, feed):
    """Google Alerts and news-search feeds bold the words searched for, often inside a word ("<b>Guy</b>'s"):
    the stored text must read "Guy's Hospital", or the organisation's name is not found in it."""
    feed.add(
        Entry(
            "alert-1",
            "Praise for Guy's Hospital",
            T0 + timedelta(hours=4),
            link="https://news.example/a",
            summary="<p>Staff at <b>Guy</b>&#39;s <em>Hosp</em>ital were kind.</p><p>Second<br>line</p>",
        )
    )
    twice(store, make_config(source(f"{feed.base_url}/rss.xml")))
    assert stored(store)["news.example/alert-1"].text == (
        "Praise for Guy's Hospital - Leeds Live\n\nStaff at Guy's Hospital were kind. Second line"
    )


def test_short_guids_of_two_publishers_are_two_posts(store, make_config, feed):
    """A plain guid ("12345") is only unique within its publisher's feed: two publishers' articles with the same
    one are two posts, each kept under the guid qualified by its link's host; globally unique guids (a URL, a
    tag: URI, a long opaque id) are kept as they are."""
    other = FeedServer().start()
    try:
        feed.add(Entry("12345", "Leeds news", T0 + timedelta(hours=3), link="https://leeds-live.example/a"))
        feed.add(
            Entry("tag:leeds-live.example,2026:9", "Tagged", T0 + timedelta(hours=3), link="https://l/t")
        )
        other.add(Entry("12345", "York news", T0 + timedelta(hours=4), link="https://york-press.example/b"))
        other.add(Entry("54321", "Undated and unlinked", None))
        config = make_config(
            f"sources:\n  - name: news\n    kind: rss\n    feeds: [{feed.base_url}/rss.xml, {other.base_url}/rss.xml]\n"
        )
        twice(store, config)
    finally:
        other.stop()
    assert set(stored(store)) == {
        "news.example/g1",
        "news.example/g2",
        "leeds-live.example/12345",
        "tag:leeds-live.example,2026:9",
        "york-press.example/12345",
        f"{other.base_url.removeprefix('http://')}/54321",  # no link: qualified by the feed's host
    }


def test_a_corrected_article_takes_its_new_text_and_is_matched_and_scored_again(store, make_config, feed):
    """News is corrected after publication (a headline changed, a paragraph added or withdrawn), and a comms team
    must read what the article says now: an entry still in its feed, under the same guid, whose text changed
    replaces the stored text and is matched and scored again, as an edited Mastodon post is, even when it is older
    than the lookback or at the cursor's boundary. An unchanged entry keeps its scores, an entry that left the feed
    keeps its last text, and following edits never stores an entry the cursor leaves out."""
    from listener.matching.runner import match_pending
    from listener.scoring.runner import score_pending
    from listener.store.models import Mention, Scoring

    config = make_config(source(f"{feed.base_url}/rss.xml", lookback="1h"))
    feed.add(
        Entry(
            "g3", "Leeds General Infirmary car park", T0 + timedelta(hours=1), link="https://news.example/3"
        )
    )
    twice(store, config)
    match_pending(store, config)
    score_pending(store, config)
    first, boundary = feed.entries[0], feed.entries[1]  # at T0, older than the lookback; at the newest time
    first.title = "Correction: ward at St Thomas' Hospital, not Leeds General Infirmary"
    boundary.summary = "<p>Waiting times fall at St Thomas' Hospital.</p><p>Update: figures revised.</p>"
    feed.add(
        Entry("late", "Old story at Guy's Hospital", T0 - timedelta(days=1), link="https://news.example/l")
    )
    result = collect(store, config)[0]
    posts = stored(store)
    assert result.total("posts_new") == 0 and "news.example/late" not in posts
    assert posts["news.example/g1"].text == (
        "Correction: ward at St Thomas' Hospital, not Leeds General Infirmary - Leeds Live"
    )
    assert posts["news.example/g2"].text.endswith("Update: figures revised.")
    with store.transaction() as session:
        scored = set(session.scalars(sa.select(Post.native_id).join(Scoring, Scoring.post_id == Post.id)))
    assert scored == {"news.example/g3"}  # the others wait for the next score
    assert posts["news.example/g1"].match_key is None and posts["news.example/g3"].match_key is not None
    match_pending(store, config)
    with store.transaction() as session:
        g1 = session.scalar(sa.select(Post.id).where(Post.native_id == "news.example/g1"))
        assert set(session.scalars(sa.select(Mention.org_code).where(Mention.post_id == g1))) == {
            "RJ1",
            "RR8",
        }
    feed.entries.remove(first)
    feed.add(Entry("g4", "Another story", T0 + timedelta(hours=3), link="https://news.example/4"))
    assert collect(store, config)[0].total("posts_new") == 1
    assert stored(store)["news.example/g1"].text.startswith("Correction")


def _big_feed(size: int) -> bytes:
    item = b"<item><guid>https://news.example/big</guid><title>Big</title><description>" + b"x" * 1000
    items = item + b"</description></item>"
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
    return body + items * (size // len(items) + 1) + b"</channel></rss>"


@pytest.mark.parametrize("gzipped", [False, True], ids=["announced", "gzip"])
def test_a_feed_bigger_than_max_feed_mb_fails_without_storing_any_of_it(store, make_config, feed, gzipped):
    """A feed is read up to max_feed_mb and no further, whether its size is announced (Content-Length) or only
    found while reading (a small gzip answer that unpacks to more): the stream fails with a one-line error naming
    the limit and the option, nothing of it is stored, and the source's other feeds are still read."""
    body = _big_feed(1_200_000)
    if gzipped:
        feed.recorded["/big.xml"] = Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"})
        assert len(feed.recorded["/big.xml"].body) < 1_000_000
    else:
        feed.recorded["/big.xml"] = body
    config = make_config(
        f"sources:\n  - name: news\n    kind: rss\n    max_feed_mb: 1\n"
        f"    feeds: [{feed.base_url}/big.xml, {feed.base_url}/rss.xml]\n"
    )
    result = collect(store, config)[0]
    big, small = result.streams
    assert big.error == (
        f"source news: {feed.base_url}/big.xml is larger than max_feed_mb (1 MB); nothing of it was stored "
        "(raise max_feed_mb if the feed really is this big)"
    )
    assert small.error is None and set(stored(store)) == {"news.example/g1", "news.example/g2"}
