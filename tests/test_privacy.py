"""Privacy by design: pseudonymised authors, redacted stored text, retention, platform deletions and erasure."""

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import TEST_KEY, write_config

from listener.cli import cli
from listener.collectors.runner import collect
from listener.config import load_config
from listener.errors import ConfigError, UsageError
from listener.matching.runner import match_pending
from listener.privacy import Pseudonymiser
from listener.privacy.erasure import erase_author
from listener.privacy.pseudonyms import load_pseudonym_key
from listener.reports.render import render_html
from listener.reports.weekly import build_weekly_report
from listener.retention import purge
from listener.scoring.runner import score_pending
from listener.store.cursors import load_cursor, save_cursor
from listener.store.models import Flag, Mention, Post, PrivacyAction, Report, SentimentScore, Tombstone
from listener.store.posts import insert_new_posts
from listener.store.removal import id_digest, remove_by_platform_ids, unwanted
from listener.store.reports import record_report

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
KEY = TEST_KEY.encode()
SOURCE = "sources:\n  - {name: f, kind: file, path: p.jsonl}\n"


def config_named(make_config, name):
    """SOURCE under another name, which reads p.jsonl afresh (a file source skips a file it has read)."""
    return make_config(SOURCE.replace("name: f", f"name: {name}") + "retention:\n  posts_days: 30\n")


def write_posts(folder, posts):
    (folder / "p.jsonl").write_text("\n".join(json.dumps(p) for p in posts) + "\n", encoding="utf-8")


def post(native_id, author, text, days_ago=1, platform="x"):
    created = (NOW - timedelta(days=days_ago)).isoformat()
    return {
        "id": native_id,
        "author": author,
        "text": text,
        "created_at": created,
        "platform": platform,
        "url": f"https://x.test/status/{native_id}",
    }


def pipeline(store, config):
    results = collect(store, config)
    match_pending(store, config)
    score_pending(store, config)
    return sum(r.total("posts_new") for r in results)


def count(store, model, *where):
    with store.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_collection_without_a_key_refuses_and_says_how(tmp_path, monkeypatch):
    monkeypatch.delenv("LISTENER_PSEUDONYM_KEY")
    write_posts(tmp_path, [post("1", "bob", "LGI was great")])
    config = write_config(tmp_path, SOURCE)
    done = subprocess.run(
        [sys.executable, "-m", "listener", "--config", str(config), "collect"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "no pseudonymisation key" in done.stderr and "secrets.token_hex(32)" in done.stderr
    assert "LISTENER_PSEUDONYM_KEY" in done.stderr


def test_author_keys_are_keyed_hashes():
    one, other = Pseudonymiser(b"a" * 32, ["GSTTnhs"]), Pseudonymiser(b"b" * 32)
    assert one.author_key("x", "@Bob") == one.author_key("x", "bob")
    assert one.author_key("x", "bob") != one.author_key("reddit", "bob")
    assert one.author_key("x", "bob") != other.author_key("x", "bob")
    assert "bob" not in one.author_key("x", "bob")
    assert one.public_handle("gsttnhs") == "gsttnhs" and one.public_handle("bob") is None


def test_stored_text_is_redacted_by_default(store, make_config, tmp_path):
    write_posts(tmp_path, [post("1", "bob", "@GSTTnhs call me on 07700 900123, @jane_doe saw it too")])
    pipeline(store, make_config(SOURCE))
    with store.transaction() as session:
        text, handle = session.execute(sa.select(Post.text, Post.author_handle)).one()
    assert text == "@GSTTnhs call me on [phone], @[person] saw it too"
    assert handle is None


def test_stored_text_redaction_can_be_turned_off(store, make_config, tmp_path):
    write_posts(tmp_path, [post("1", "GSTTnhs", "Call 07700 900123 to book")])
    pipeline(store, make_config(SOURCE + "privacy:\n  redact_stored_text: false\n"))
    with store.transaction() as session:
        text, handle = session.execute(sa.select(Post.text, Post.author_handle)).one()
    assert text == "Call 07700 900123 to book" and handle == "GSTTnhs"


def test_purge_keeps_counts_but_not_personal_data(store, make_config, tmp_path):
    write_posts(
        tmp_path,
        [
            post("old", "bob", "Great care at LGI", days_ago=40),
            post("new", "amy", "Awful wait at LGI", days_ago=2),
        ],
    )
    config = make_config(SOURCE + "retention:\n  posts_days: 30\n")
    pipeline(store, config)
    result = purge(store, config, now=NOW)
    assert result.posts == 1
    with store.transaction() as session:
        old = session.scalar(sa.select(Post).where(Post.native_id == id_digest(KEY, "x", "old")))
        assert (old.text, old.url, old.author_key, old.raw) == ("", None, None, None)
        assert old.purged_at is not None
        assert (
            session.scalar(sa.select(sa.func.count()).select_from(Mention).where(Mention.post_id == old.id))
            == 1
        )
        assert (
            session.scalar(sa.select(SentimentScore.label).where(SentimentScore.post_id == old.id))
            == "positive"
        )
    assert purge(store, config, now=NOW).posts == 0  # idempotent
    match_pending(store, config, rematch=True)  # purged posts keep their mentions and scores
    score_pending(store, config)
    assert count(store, Mention) == 2 and count(store, SentimentScore, SentimentScore.scorer == "vader") == 2
    assert count(store, PrivacyAction, PrivacyAction.action == "purge") == 1


def test_platform_deletions_are_removed_and_stay_removed(store, make_config, tmp_path):
    write_posts(tmp_path, [post("1", "bob", "LGI was great"), post("2", "amy", "LGI was slow")])
    config = make_config(SOURCE)
    pipeline(store, config)
    with store.transaction() as session:
        assert remove_by_platform_ids(session, "x", ["1"], reason="deleted on platform", key=KEY) == 1
    assert (
        count(store, Post) == 1
        and count(store, Mention) == 1
        and count(store, SentimentScore, SentimentScore.scorer == "vader") == 1
    )
    write_posts(
        tmp_path,
        [post("1", "bob", "LGI was great"), post("2", "amy", "LGI was slow"), post("3", "cal", "LGI again")],
    )
    assert pipeline(store, config) == 1  # the deleted post is not imported again
    assert count(store, Tombstone) == 1
    with store.transaction() as session:
        assert session.scalars(sa.select(Tombstone.native_id)).all() == [id_digest(KEY, "x", "1")]


def test_erasure_removes_an_author_everywhere_and_for_good(store, make_config, tmp_path):
    write_posts(
        tmp_path,
        [
            post("1", "Jane_Doe", "Thanks @GSTTnhs for my care", days_ago=3),
            post("2", "jane_doe", "St Thomas' Hospital again", days_ago=2, platform="reddit"),
            post("3", "amy", "Thanks @GSTTnhs", days_ago=2),
        ],
    )
    config = make_config(SOURCE)
    pipeline(store, config)
    week = (
        f"{(NOW - timedelta(days=2)).isocalendar().year}-W{(NOW - timedelta(days=2)).isocalendar().week:02d}"
    )
    before = build_weekly_report(store.engine, config, "RJ1", week)
    assert erase_author(store, config, ["@jane_doe"]).posts == 2
    assert count(store, Post) == 1
    after = build_weekly_report(store.engine, config, "RJ1", week)
    assert after.this_week.posts == before.this_week.posts - 2
    write_posts(tmp_path, [post("4", "jane_doe", "New post about @GSTTnhs"), post("5", "amy", "@GSTTnhs ok")])
    assert pipeline(store, config) == 1  # the erased author's later posts are not stored
    assert count(store, PrivacyAction, PrivacyAction.action == "erasure") == 1
    with store.transaction() as session:
        assert "jane" not in " ".join(session.scalars(sa.select(PrivacyAction.detail))).lower()


def test_reports_never_show_author_keys(store, make_config, tmp_path):
    write_posts(tmp_path, [post("1", "bob", "Thanks @GSTTnhs, brilliant nurses", days_ago=2)])
    config = make_config(SOURCE)
    pipeline(store, config)
    day = (NOW - timedelta(days=2)).isocalendar()
    html = render_html(build_weekly_report(store.engine, config, "RJ1", f"{day.year}-W{day.week:02d}"))
    with store.transaction() as session:
        key = session.scalar(sa.select(Post.author_key))
    assert key
    assert key not in html
    assert "bob" not in html


def test_erasure_refuses_an_unknown_platform_and_says_when_nothing_matched(store, make_config, tmp_path):
    write_posts(
        tmp_path, [post("1", "jane_doe", "Thanks @GSTTnhs"), post("2", "bob", "LGI", platform="reddit")]
    )
    config = make_config(SOURCE)
    pipeline(store, config)
    with pytest.raises(UsageError) as caught:
        erase_author(store, config, ["jane_doe"], ["twitter"])
    assert str(caught.value) == (
        "unknown platform 'twitter': the platforms of stored posts and configured sources are import, reddit, x"
    )
    assert count(store, Post) == 2
    nobody = erase_author(store, config, ["jane_doe"], ["reddit"])
    assert (nobody.posts, nobody.platforms) == (0, ("reddit",))
    assert erase_author(store, config, ["jane_doe"], ["X"]).posts == 1


def test_the_store_remembers_a_fingerprint_of_the_key_never_the_key(
    store, make_config, tmp_path, monkeypatch
):
    from conftest import TEST_KEY

    from listener.errors import PseudonymKeyMismatch
    from listener.store.models import PseudonymKeyCheck

    write_posts(tmp_path, [post("1", "kemi_j82", "LGI was great"), post("2", "kemi_j82", "LGI again")])
    config = make_config(SOURCE)
    assert count(store, PseudonymKeyCheck) == 0
    pipeline(store, config)
    with store.transaction() as session:
        fingerprint = session.scalar(sa.select(PseudonymKeyCheck.fingerprint))
    assert len(fingerprint) == 64 and TEST_KEY not in fingerprint
    assert fingerprint != Pseudonymiser(TEST_KEY.encode()).author_key("x", "kemi_j82")
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", "b" * 32)
    with pytest.raises(PseudonymKeyMismatch):
        collect(store, config)
    with pytest.raises(PseudonymKeyMismatch):
        erase_author(store, config, ["kemi_j82"])
    assert count(store, Post) == 2
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", TEST_KEY)
    assert erase_author(store, config, ["kemi_j82"]).posts == 2


def test_posts_without_a_payload_hold_sql_null(store, make_config, tmp_path):
    """raw is SQL NULL (not the JSON text null) when keep_raw is off, and after a purge empties it."""
    write_posts(tmp_path, [post("1", "bob", "LGI was great"), post("2", "amy", "LGI was slow", days_ago=40)])
    pipeline(store, make_config(SOURCE + "retention:\n  posts_days: 30\n"))
    assert count(store, Post, Post.raw.is_(None)) == 2
    with store.transaction() as session:
        session.execute(sa.update(Post).values(raw={"kept": True}))  # as if keep_raw had been on
    purge(store, make_config(SOURCE + "retention:\n  posts_days: 30\n"), now=NOW)
    with store.transaction() as session:
        nulls = session.scalars(sa.select(Post.native_id).where(sa.text("posts.raw IS NULL"))).all()
    assert len(nulls) == 1 and count(store, Post, Post.raw.is_not(None)) == 1


def test_purge_keeps_no_post_id_or_quote_and_the_post_is_not_stored_again(store, make_config, tmp_path):
    """A purged post keeps its flags, but not the words they quoted, and only a keyed digest of its id, which
    still stops the post being stored a second time when it is read again."""
    words = "LGI I can't keep going, I want to die"
    write_posts(tmp_path, [post("1461", "bob", words, days_ago=40), post("1462", "amy", "LGI was slow")])
    config = make_config(SOURCE + "retention:\n  posts_days: 30\n")
    pipeline(store, config)
    with store.transaction() as session:
        quoted = session.scalars(sa.select(Flag.reason).where(Flag.reason.contains('"'))).all()
    assert any("keep going" in reason for reason in quoted)  # what there is to purge
    purge(store, config, now=NOW)
    with store.transaction() as session:
        native_ids = set(session.scalars(sa.select(Post.native_id)))
        reasons = set(session.scalars(sa.select(Flag.reason)))
    assert native_ids == {id_digest(KEY, "x", "1461"), "1462"}
    assert (
        "1461" not in id_digest(KEY, "x", "1461") and id_digest(b"other" * 8, "x", "1461") not in native_ids
    )
    assert reasons and not any('"' in reason or "keep going" in reason for reason in reasons)
    assert "mentions suicide or wanting to die" in reasons
    assert pipeline(store, config) == 0  # the same file read again: nothing new
    write_posts(tmp_path, [post("1461", "bob", words, days_ago=40), post("1463", "cal", "LGI again")])
    assert pipeline(store, config_named(make_config, "g")) == 1
    assert count(store, Post) == 3


def test_erased_posts_leave_only_digests_and_purge_rewrites_old_tombstones(store, make_config, tmp_path):
    write_posts(tmp_path, [post("1", "jane_doe", "Thanks @GSTTnhs"), post("2", "bob", "Thanks @GSTTnhs")])
    config = make_config(SOURCE + "retention:\n  posts_days: 30\n")
    pipeline(store, config)
    erase_author(store, config, ["jane_doe"])
    with store.transaction() as session:
        assert session.scalars(sa.select(Tombstone.native_id)).all() == [id_digest(KEY, "x", "1")]
        # a tombstone written by an earlier version, with the raw id
        session.add(Tombstone(platform="x", native_id="2", reason="deleted on x", removed_at=NOW))
        session.execute(sa.delete(Post).where(Post.native_id == "2"))
    # the file source skips a file it has read: a source of another name reads the same posts again
    assert pipeline(store, config_named(make_config, "g")) == 0  # both forms are honoured
    with store.transaction() as session:  # an earlier version's raw tombstone of a post tombstoned since
        session.add(Tombstone(platform="x", native_id="1", reason="deleted on x", removed_at=NOW))
    assert purge(store, config, now=NOW).tombstones == 2
    with store.transaction() as session:
        stored = session.scalars(sa.select(Tombstone.native_id)).all()
        details = " ".join(session.scalars(sa.select(PrivacyAction.detail)))
    assert sorted(stored) == sorted([id_digest(KEY, "x", "1"), id_digest(KEY, "x", "2")])
    assert pipeline(store, config_named(make_config, "h")) == 0
    assert "jane" not in details.lower() and "hmac:" not in details


def test_purge_deletes_report_folders_of_weeks_past_retention(store, make_config, tmp_path):
    """Report files and exports quote posts: a week's folder goes once the whole week is past retention."""
    reports = tmp_path / "out"
    for name in ("2026-W43", "2026-W44", "2026-W47", "notes", "2026-W99"):
        (reports / name).mkdir(parents=True)
        (reports / name / "RJ1-weekly.html").write_text("a quote", encoding="utf-8")
    (reports / "2025-W01").write_text("a file, not a week folder", encoding="utf-8")
    config = make_config(SOURCE + f"retention:\n  posts_days: 30\nreports:\n  output_dir: {reports}\n")
    with store.transaction() as session:
        for week in ("2026-W43", "2026-W44"):
            path = {"html": reports / week / "RJ1-weekly.html"}
            record_report(
                session, kind="weekly", org_code="RJ1", week=week, generated_at=NOW, paths=path, emailed=True
            )
    result = purge(
        store, config, now=NOW
    )  # cutoff 2026-10-28 12:00: W43 ended on the 26th, W44 on 2 November
    assert result.report_folders == (reports / "2026-W43",)
    assert sorted(p.name for p in reports.iterdir()) == [
        "2025-W01",
        "2026-W44",
        "2026-W47",
        "2026-W99",
        "notes",
    ]
    with store.transaction() as session:
        assert "2026-W43" in session.scalar(sa.select(PrivacyAction.detail))
        written = dict(session.execute(sa.select(Report.week, Report.paths)).all())
    assert written["2026-W43"] == {} and written["2026-W44"]["html"].endswith("2026-W44/RJ1-weekly.html")
    assert purge(store, config, now=NOW).report_folders == ()


def store_posts_purged_the_old_way(store) -> datetime:
    """Two posts purged 100 days ago by a version that kept their X ids and their flags' quotes."""
    earlier = NOW - timedelta(days=100)
    with store.transaction() as session:
        for native_id, days_ago in (("2001", 200), ("2002", 10)):
            session.add(
                Post(
                    platform="x",
                    native_id=native_id,
                    source="f",
                    text="",
                    created_at=NOW - timedelta(days_ago),
                    collected_at=earlier,
                    purged_at=earlier,
                )
            )
        session.flush()
        for post_id in session.scalars(sa.select(Post.id)):
            session.add(
                Flag(
                    post_id=post_id,
                    scorer="sentiment",
                    flag="safeguarding",
                    version="1",
                    reason='mentions self-harm: "I cut myself"',
                )
            )
        save_cursor(session, "f", "q", {"since": "2026-01-01", "seen": ["2001", "2003"]})
    return earlier


def test_purge_digests_the_ids_of_posts_purged_by_earlier_versions(store, make_config):
    """Versions before post ids were digested purged text but kept the id and the flags' quotes: the next purge
    finishes those posts too, whatever their age now (posts_days may have grown), and keeps when they were
    purged."""
    config = make_config("retention:\n  posts_days: 30\n")
    earlier = store_posts_purged_the_old_way(store)
    result = purge(store, config, now=NOW)
    with store.transaction() as session:
        stored = set(session.execute(sa.select(Post.native_id, Post.purged_at)))
        reasons = set(session.scalars(sa.select(Flag.reason)))
        cursor = load_cursor(session, "f", "q")
    assert result.posts == 0 and result.earlier == 2
    assert stored == {(id_digest(KEY, "x", "2001"), earlier), (id_digest(KEY, "x", "2002"), earlier)}
    assert reasons == {"mentions self-harm"}
    assert cursor["seen"] == ["2003"]
    assert purge(store, config, now=NOW).earlier == 0


def test_an_erasure_while_a_page_is_being_stored_still_removes_the_authors_post(store, make_config):
    """A collection page checks for erased authors, then stores its posts; an erasure in between must not miss
    them: it waits for the page to be committed, then finds and removes the author's post."""
    config = make_config(SOURCE.replace("p.jsonl", "p.jsonl, platform: x"))
    pseudonymiser = Pseudonymiser.for_store(store, config)
    author_key, _ = pseudonymiser.post_author_keys("x", None, "jane_doe")
    row = {
        "platform": "x",
        "native_id": "3001",
        "source": "f",
        "text": "LGI was slow",
        "author_key": author_key,
    }
    row |= {"created_at": NOW, "collected_at": NOW}
    erased = []
    erasure = threading.Thread(
        target=lambda: erased.append(erase_author(store, config, ["jane_doe"], ["x"], pseudonymiser))
    )
    with store.transaction() as session:  # as the collection runner stores a page
        assert not unwanted(session, [row], pseudonymiser.key)
        insert_new_posts(session, [row])
        erasure.start()
        erasure.join(timeout=2)  # the erasure must wait for this page
    erasure.join()
    assert erased and count(store, Post) == 0 and count(store, Tombstone) == 1


def test_purge_says_how_many_posts_purged_by_earlier_versions_it_finished(store, make_config):
    config = make_config("retention:\n  posts_days: 30\n")
    store_posts_purged_the_old_way(store)
    result = CliRunner().invoke(cli, ["--config", str(config.path), "purge"])
    assert result.exit_code == 0, result.output
    assert "digested the ids and cut the flag quotes of 2 posts purged by an earlier version" in result.output


def test_purge_takes_exactly_the_posts_older_than_posts_days(store, make_config, tmp_path):
    """The cutoff is now less posts_days: a post an hour older is purged, one an hour younger is kept whole. An
    organisation's own post loses the handle it was kept under too."""
    hour = 1 / 24
    write_posts(
        tmp_path,
        [
            post("older", "GSTTnhs", "Flu clinics open today at St Thomas' Hospital", days_ago=30 + hour),
            post("younger", "bob", "LGI was slow", days_ago=30 - hour),
        ],
    )
    config = make_config(SOURCE + "retention:\n  posts_days: 30\n")
    pipeline(store, config)
    result = purge(store, config, now=NOW)
    assert (result.posts, result.cutoff) == (1, NOW - timedelta(days=30))
    with store.transaction() as session:
        posts = {p.native_id: p for p in session.scalars(sa.select(Post))}
        purged = posts[id_digest(KEY, "x", "older")]
        assert (purged.text, purged.author_key, purged.author_handle_key, purged.author_handle) == (
            "",
            None,
            None,
            None,
        )
        assert (posts["younger"].text, posts["younger"].purged_at) == ("LGI was slow", None)


def test_a_purged_post_deleted_on_its_platform_is_removed_for_good(store, make_config, tmp_path):
    """A purged post is stored under its id's digest; a deletion named by the platform's id still finds it."""
    write_posts(tmp_path, [post("1461", "bob", "LGI was slow", days_ago=40)])
    config = make_config(SOURCE + "retention:\n  posts_days: 30\n")
    pipeline(store, config)
    purge(store, config, now=NOW)
    with store.transaction() as session:
        assert remove_by_platform_ids(session, "x", ["1461"], reason="deleted on x", key=KEY) == 1
    assert count(store, Post) == 0 and count(store, Tombstone) == 1


def test_a_pseudonymisation_key_shorter_than_16_characters_is_refused(tmp_path, monkeypatch):
    config = load_config(write_config(tmp_path, SOURCE))
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", "k" * 15)
    with pytest.raises(ConfigError, match="too short: use at least 16 characters"):
        load_pseudonym_key(config)
    monkeypatch.setenv("LISTENER_PSEUDONYM_KEY", "k" * 16)
    assert load_pseudonym_key(config) == b"k" * 16
