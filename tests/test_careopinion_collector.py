"""kind: careopinion against a local fake of the Care Opinion API v2: paging, the cursor, organisation codes
as source mentions, the login-page redirect for a bad key. Every scenario runs twice; the second adds nothing."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from fakes.careopinion_api import KEY, CareOpinionServer, opinion

from listener.collectors import http
from listener.collectors.careopinion import CareOpinionCollector
from listener.collectors.runner import collect
from listener.errors import AuthenticationError, ConfigError
from listener.store.models import Cursor, Mention, Post

SHARED = Path(
    os.environ.get("LISTENER_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
NOW = datetime.now(UTC).replace(microsecond=0)
REAL_SLEEP = http.sleep  # before any fixture replaces it


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setenv("CARE_OPINION_SUBSCRIPTION_KEY", KEY)
    monkeypatch.setattr("listener.collectors.http.sleep", lambda seconds: None)
    server = CareOpinionServer().start()
    yield server
    server.stop()


def source(api, **extra) -> str:
    options = "".join(f"\n    {key}: {json.dumps(value)}" for key, value in extra.items())
    return f"sources:\n  - name: co\n    kind: careopinion\n    base_url: {api.base_url}/api/v2\n    take: 2{options}\n"


def seed(api, count: int, service: str = "RJ121", start: datetime = NOW - timedelta(days=3)) -> None:
    for n in range(count):
        number = len(api.opinions) + 1
        api.opinions.append(
            opinion(
                number,
                f"Story {number}",
                f"The ward staff were kind ({number})",
                start + timedelta(hours=n),
                service,
            )
        )


def twice(store, config):
    first, second = collect(store, config)[0], collect(store, config)[0]
    assert not first.failed and not second.failed, (first, second)
    assert second.total("posts_new") == 0
    return first, second


def mentions(store) -> list[tuple[str, str, str]]:
    with store.transaction() as session:
        rows = session.execute(
            sa.select(Post.native_id, Mention.org_code, Mention.method).join(Post, Post.id == Mention.post_id)
        )
        return sorted(tuple(row) for row in rows)


def test_pages_twice_with_source_mentions(store, make_config, api):
    seed(api, 3, service="RJ121")  # a site of RJ1
    seed(api, 2, service="RR801")  # a site of RR8
    seed(api, 1, service="RXX01")  # not configured
    first, _ = twice(store, make_config(source(api)))
    # pages of 2 from skip 0, 1, 2, 3, 4 (each re-reads the last story of the one before), then story 6 alone
    # (nothing new: the next page starts 2 places on), then the empty page that ends the results
    assert first.total("posts_new") == 6 and first.total("requests") == 7
    assert mentions(store) == [(str(n), "RJ1", "source") for n in (1, 2, 3)] + [
        (str(n), "RR8", "source") for n in (4, 5)
    ]
    with store.transaction() as session:
        post = session.scalar(sa.select(Post).where(Post.native_id == "1"))
    assert post.text == "Story 1\n\nThe ward staff were kind (1)" and post.platform == "careopinion"
    assert post.url == f"{api.base_url}/1"
    first_request = api.requests[0]
    assert first_request.header("Authorization") == f"SUBSCRIPTION_KEY {KEY}"
    assert first_request.query["publishedafter"] == (NOW - timedelta(days=31)).date().isoformat()


def stored_ids(store) -> list[str]:
    with store.transaction() as session:
        return sorted(session.scalars(sa.select(Post.native_id)), key=int)


def test_a_short_page_mid_results_does_not_end_the_run(store, make_config, api):
    """Care Opinion's stop rule is an empty array. A page left short mid-results (here by a hidden story that
    keeps its place in the order) ended the run, and the stories after it were missed."""
    seed(api, 5)
    api.opinions[1]["_hidden"] = True  # story 2: the first page holds story 1 alone
    first, _ = twice(store, make_config(source(api)))
    assert first.total("posts_new") == 4 and stored_ids(store) == ["1", "3", "4", "5"]


def test_a_server_that_never_sends_an_empty_page_cannot_keep_a_run_going(store, make_config, api, caplog):
    """Stopping on the empty array alone would loop for ever on a server that serves the same page for every
    skip: a page that brings no story the run has not read, twice in a row, ends the run."""
    seed(api, 4)
    api.ignore_skip = True
    result = collect(store, make_config(source(api)))[0]
    assert not result.failed and result.total("posts_new") == 2
    assert len(api.requests) == 3  # the first page, then the same page twice with nothing new
    assert "pages in a row brought no story" in caplog.text


def test_a_story_withdrawn_during_a_run_does_not_hide_the_one_after_it(make_config, api):
    """Paging by take+skip, a story withdrawn after its page was read moves every later story one place up: the
    story that moved onto the last place already read was never read. The stories are days apart, so the next
    run's re-read of the newest day could not have caught it either."""
    for n in range(1, 7):
        api.opinions.append(opinion(n, f"Story {n}", "Kind staff", NOW - timedelta(days=10 - n)))
    api.changes[1] = lambda: api.opinions.pop(0)  # story 1 goes once the first page is answered
    config = make_config(source(api))
    collector = CareOpinionCollector(config.source("co"), config)
    offered = [post.native_id for page in collector.collect("opinions", None, None) for post in page.posts]
    collector.close()
    assert offered == ["1", "2", "3", "4", "5", "6"]  # each once, though each page re-reads one story


def test_cursor_moves_with_each_page_and_new_stories_follow(store, make_config, api):
    seed(api, 3)
    config = make_config(source(api))
    twice(store, config)
    with store.transaction() as session:
        cursor = session.scalar(sa.select(Cursor.value))
    newest = NOW - timedelta(days=3) + timedelta(hours=2)
    assert cursor == {"published": newest.isoformat()}
    assert api.requests[-1].query["publishedafter"] == (newest.date() - timedelta(days=1)).isoformat()
    seed(api, 2, start=NOW - timedelta(hours=5))
    assert collect(store, config)[0].total("posts_new") == 2


def test_the_stories_of_one_day_are_all_stored_in_whatever_order_they_come(store, make_config, api):
    """Stories come in order of their date of publication, and the filters take whole days: nothing says the
    stories of one day come in time order. Those earlier in the day than one read before them were dropped."""
    api.within_day = "newest"
    day = (NOW - timedelta(days=2)).replace(hour=9, minute=0, second=0)
    for n in range(1, 6):
        api.opinions.append(opinion(n, f"Story {n}", "Kind staff", day + timedelta(hours=n)))
    first, _ = twice(store, make_config(source(api)))
    assert first.total("posts_new") == 5 and stored_ids(store) == ["1", "2", "3", "4", "5"]


def test_a_story_that_appears_later_with_an_earlier_time_on_the_cursors_day_is_stored_once(
    store, make_config, api
):
    """The next run reads the cursor's day again (the filter takes a date), but stories earlier than the
    cursor's newest time were dropped: a story that appeared after a run, published earlier that day than the
    newest one stored, was lost. The stories read again are not stored again: the store keeps each by id."""
    day = (NOW - timedelta(days=1)).replace(hour=9, minute=0, second=0)
    for n, hours in ((1, 1), (2, 5), (3, 3)):
        api.opinions.append(opinion(n, f"Story {n}", "Kind staff", day + timedelta(hours=hours)))
    api.opinions[2]["_hidden"] = True  # story 3 is not served yet
    config = make_config(source(api))
    assert collect(store, config)[0].total("posts_new") == 2
    api.opinions[2]["_hidden"] = False
    second, third = twice(store, config)
    assert second.total("posts_new") == 1 and stored_ids(store) == ["1", "2", "3"]
    with store.transaction() as session:
        assert session.scalar(sa.select(Cursor.value)) == {
            "published": (day + timedelta(hours=5)).isoformat()
        }


def test_a_story_at_or_after_until_does_not_end_its_day(make_config, api):
    """``until`` ended a run at the first story at or after it, so the earlier ones of that day that came after
    it were left for a later run; only a story published on a later day than ``until`` ends it now."""
    api.within_day = "newest"
    day = (NOW - timedelta(days=3)).replace(hour=9, minute=0, second=0)
    for n in range(1, 4):
        api.opinions.append(opinion(n, f"Story {n}", "Kind staff", day + timedelta(hours=n)))
    api.opinions.append(opinion(4, "Story 4", "Kind staff", day + timedelta(days=1)))
    config = make_config(source(api))
    collector = CareOpinionCollector(config.source("co"), config)
    pages = list(collector.collect("opinions", None, day + timedelta(hours=2, minutes=30)))
    collector.close()
    assert sorted(post.native_id for page in pages for post in page.posts) == ["1", "2"]
    assert pages[-1].cursor == {"published": (day + timedelta(hours=2)).isoformat()}
    assert len(api.requests) == 3  # the third page holds story 4, a day later: it ends the run


def test_per_organisation_streams_use_the_filter(store, make_config, api):
    seed(api, 2, service="RJ121")
    seed(api, 2, service="RR801")
    first, _ = twice(store, make_config(source(api, organisations=["rr8"])))
    assert [s.stream for s in first.streams] == ["RR8"] and first.total("posts_new") == 2
    assert api.requests[0].query["nacs"] == "RR8"
    assert {code for _, code, _ in mentions(store)} == {"RR8"}


def test_a_story_in_two_organisations_streams_is_linked_to_both(store, make_config, api):
    """A story about an ambulance service and a hospital trust comes in both organisations' streams; it is
    stored once, from the first, but the second stream must still link it to its organisation."""
    api.opinions.append(
        opinion(1, "Ambulance then A&E", "Quick and kind", NOW - timedelta(days=1), "RJ121", ("RR8",))
    )
    first, _ = twice(store, make_config(source(api, organisations=["RJ1", "RR8"])))
    assert first.total("posts_new") == 1
    assert mentions(store) == [("1", "RJ1", "source"), ("1", "RR8", "source")]


def test_unknown_organisation_is_a_config_error(make_config, api):
    """Refused when config.yaml is loaded, before anything runs, not when the source is first collected."""
    with pytest.raises(ConfigError, match=r"sources\[0\]\.organisations\[0\]: unknown organisation 'ZZZ'"):
        make_config(source(api, organisations=["ZZZ"]))


def test_bad_key_redirects_to_the_login_page(store, make_config, api, monkeypatch):
    seed(api, 2)
    monkeypatch.setenv("CARE_OPINION_SUBSCRIPTION_KEY", "wrong")
    config = make_config(source(api))
    collector = CareOpinionCollector(config.source("co"), config)
    with pytest.raises(AuthenticationError, match="login page .*CARE_OPINION_SUBSCRIPTION_KEY is not valid"):
        list(collector.collect("opinions", None, None))
    assert len(api.requests) == 1  # no retries, and the redirect is not followed
    for _ in range(2):
        result = collect(store, config)[0]
        assert result.failed and "login page" in result.streams[0].error


def test_missing_key_names_the_variable(store, make_config, api, monkeypatch):
    monkeypatch.delenv("CARE_OPINION_SUBSCRIPTION_KEY")
    result = collect(store, make_config(source(api)))[0]
    assert (
        result.failed
        and "set the environment variable CARE_OPINION_SUBSCRIPTION_KEY" in result.streams[0].error
    )
    assert api.requests == []


def test_stray_strings_and_bad_items_are_skipped(store, make_config, api, caplog):
    seed(api, 2)
    api.opinions += ["Sorry! Something went wrong.", {"id": 77, "title": "No date", "body": "x"}]
    seed(api, 1)
    first, _ = twice(store, make_config(source(api)))
    assert first.total("posts_new") == 3
    assert "skipped: expected an opinion object" in caplog.text
    assert "skipped: expected an ISO 8601 time, got None" in caplog.text


def test_a_stop_request_ends_a_wait_for_a_rate_limit_reset(store, make_config, api, monkeypatch):
    """A 15-minute rate-limit wait ignored SIGTERM, so systemd killed the service after TimeoutStopSec."""
    monkeypatch.setattr("listener.collectors.http.sleep", REAL_SLEEP)
    seed(api, 5)
    api.set_failure("rate_limit", times=1, retry_after=200)
    config = make_config(source(api))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    (result,) = collect(store, config, stop=stop)[0].streams
    assert time.monotonic() - started < 60  # not the 200 s the server asked for
    assert result.status == "stopped" and "stopped while waiting 200s" in result.error
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(Post)).scalar() == 0
    monkeypatch.setattr("listener.collectors.http.sleep", lambda seconds: None)
    assert collect(store, config)[0].total("posts_new") == 5  # the next run starts from the same cursor


def test_no_rate_limit_wait_outlasts_the_streams_lease(store, make_config, api, monkeypatch):
    """max_wait 5m and a 5m lease: a 270 s wait let the lease lapse, and another run took the stream over."""
    waits: list[float] = []
    monkeypatch.setattr("listener.collectors.http.sleep", waits.append)
    seed(api, 2)
    api.set_failure("rate_limit", times=1, retry_after=270)
    config = make_config(source(api, max_wait="5m"))
    assert CareOpinionCollector(config.source("co"), config).options.max_wait == timedelta(minutes=4)
    (result,) = collect(store, config)[0].streams
    assert result.status == "rate_limited" and "max_wait is 240s" in result.error and 270 not in waits


def test_requests_are_paced_to_five_a_second(make_config, api, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("listener.collectors.http.sleep", waits.append)
    # the pace is read off a clock that stands still, so a busy machine cannot make a wait unneeded
    monkeypatch.setattr("listener.collectors.http.time", SimpleNamespace(monotonic=lambda: 1000.0))
    seed(api, 5)
    config = make_config(source(api))
    collector = CareOpinionCollector(config.source("co"), config)
    pages = list(collector.collect("opinions", None, None))
    collector.close()
    assert len(pages) == 6 and waits == [0.2] * 5  # skip 0, 1, 2, 3, 4 (story 5 alone), 6 (empty)


def test_the_illustrative_payload_is_read(make_config, api):
    payload = SHARED / "api_payloads" / "careopinion_opinions_ILLUSTRATIVE.json"
    if not payload.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{payload} is missing (under CI the shared data must be present)")
        pytest.skip(f"shared data not found at {payload}; set LISTENER_SHARED_DATA")
    item = json.loads(payload.read_text(encoding="utf-8"))["body"][0]
    item["dateOfPublication"] = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    item["links"][-1]["id"] = "RJ101"
    item["links"][-1]["link"] = item["links"][-1]["link"].replace("RXX01", "RJ101")
    api.opinions.append(item)
    config = make_config(source(api))
    collector = CareOpinionCollector(config.source("co"), config)
    (post,) = [p for page in collector.collect("opinions", None, None) for p in page.posts]
    collector.close()
    assert post.native_id == "1234567" and post.organisation_codes == ("RJ1",)
    assert post.text.startswith("Kind staff on the ward\n\nMarkdown text")


MARKDOWN_STORY = """# My stay on **Ward 7**

The nurses were *really* kind, and the [discharge leaflet](https://example.nhs.uk/leaflet.pdf "Leaflet") helped.
See <https://www.careopinion.org.uk/info/about> or [https://example.nhs.uk](https://example.nhs.uk).

- parking was hard
* the food was __cold__
1. waited 5 * 3 = 15 minutes at A_and_E, #1 in the queue

> Thank you\\* to ~~all~~ the team &amp; ![a smiling nurse](https://img.example/n.png)

---
"""


def test_markdown_bodies_are_stored_as_the_text_a_reader_sees(store, make_config, api):
    """Care Opinion's story text is Markdown (api-v2-content): stored as it came, `**` and `[text](url)` showed
    in report quotes. Link text is kept, URLs go unless they are the text, paragraphs stay apart, and plain text
    (a `*` between numbers, an underscore inside a word, "#1") is left as it is."""
    api.opinions.append(opinion(1, "Ward 7", MARKDOWN_STORY, NOW - timedelta(days=1)))
    api.opinions.append(opinion(2, "Plain", "Plain words, 5 * 3 and A_and_E.\n\nA second paragraph.", NOW))
    twice(store, make_config(source(api)))
    with store.transaction() as session:
        texts = dict(session.execute(sa.select(Post.native_id, Post.text)).all())
    assert texts["1"] == (
        "Ward 7\n\nMy stay on Ward 7\n\n"
        "The nurses were really kind, and the discharge leaflet helped.\n"
        "See https://www.careopinion.org.uk/info/about or https://example.nhs.uk.\n\n"
        "parking was hard\nthe food was cold\n1. waited 5 * 3 = 15 minutes at A_and_E, #1 in the queue\n\n"
        "Thank you* to all the team & a smiling nurse"
    )
    assert texts["2"] == "Plain\n\nPlain words, 5 * 3 and A_and_E.\n\nA second paragraph."
