"""Quoted posts carry their language in the HTML report, so a screen reader reads a Welsh post in Welsh."""

import re

import pytest
from report_data import NOW, load_report_dataset

from listener.reports.languages import quote_language
from listener.reports.render import render_html, render_markdown
from listener.reports.weekly import build_weekly_report

WEEK = "2026-W47"


@pytest.mark.parametrize(
    ("given", "marked"),
    [
        ("cy", "cy"),  # Welsh, as X and Mastodon give it
        ("CY", "cy"),
        ("cy-gb", "cy-GB"),
        ("cy_GB", "cy-GB"),
        ("pl", "pl"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("gd-GB-x-private", "gd-GB"),  # a voice is chosen by language and region
        ("in", "id"),  # X's old code for Indonesian
        ("ckb", "ckb"),  # Central Kurdish has no two-letter code
        ("en", None),  # English, as the page: read in the page's voice
        ("en-GB", None),
        ("en-US", None),
        ("eng", None),
        ("und", None),  # undetermined
        ("zxx", None),  # no language (a post of emoji only)
        ("qme", None),  # X: media only
        ("qht", None),  # X: hashtags only
        ("xx", None),  # no such language
        ("Welsh", None),
        ("c", None),
        ("", None),
        (" ", None),
        ("-", None),
        ('cy"><script>', None),
        ("ćy", None),
        (None, None),
    ],
)
def test_quote_language_is_a_valid_tag_or_none(given, marked):
    assert quote_language(given) == marked


@pytest.fixture
def config(make_config):
    return make_config("reports:\n  notice: Test data\n")


def set_language(store, lang: str, where: str = "1 = 1", *values: str) -> None:
    """Give ``lang`` to the posts ``where`` says, its ``?`` taking ``values``."""
    statement = f"UPDATE posts SET lang = ? WHERE {where}"
    if store.engine.dialect.name != "sqlite":
        statement = statement.replace("?", "%s")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(statement, (lang, *values))


def test_quotes_in_another_language_are_marked_with_it(store, config):
    """A post in Welsh was quoted with no language of its own, so inside the page's en-GB a screen reader read it
    with an English voice. Each quote in another language than the page's now says which."""
    load_report_dataset(store)
    set_language(store, "en")
    set_language(store, "und", "text LIKE ?", "Waited nine hours%")
    set_language(store, "cy-gb", "text LIKE ?", "The lift broken again%")
    set_language(store, "cy", "id IN (SELECT post_id FROM flags)")  # needs attention, and praise
    report = build_weekly_report(store.engine, config, "RJ1", WEEK, now=NOW)
    html = render_html(report)
    assert html.count('<html lang="en-GB">') == 1
    flagged = re.findall(r"<blockquote([^>]*)>", html)
    assert flagged and set(flagged) == {' lang="cy"'}
    quotes = {text: lang for lang, text in re.findall(r'<div class="quote[^"]*"><p([^>]*)>“([^”]*)”', html)}
    themes = {q.quote: q.quote_lang for t in report.themes for q in t.quotes}
    assert "cy-GB" in themes.values() and None in themes.values()  # Welsh, and English or undetermined
    for quote, lang in [*themes.items(), *((p.quote, p.quote_lang) for p in report.praise)]:
        assert quotes[quote.replace("&", "&amp;")] == (f' lang="{lang}"' if lang else "")
    assert ' lang="und"' not in html and ' lang="en"' not in html
    assert "lang=" not in render_markdown(report)
