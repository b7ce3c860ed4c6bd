"""X search queries: what they contain, that X's syntax accepts them, and how they are packed."""

import logging

import pytest

from listener.collectors.x_query import ARCHIVE_QUERY_LIMIT, RECENT_QUERY_LIMIT, build_queries, term
from listener.config import OrganisationConfig
from listener.errors import CollectorError
from tests.fakes.x_query_match import QueryError, compile_query

GSTT = OrganisationConfig(
    code="RJ1",
    name="Guy's and St Thomas' NHS Foundation Trust",
    aliases=("St Thomas' Hospital", "Evelina London"),
    handles=("GSTTnhs",),
    hashtags=("GSTT",),
)
LEEDS = OrganisationConfig(
    code="RR8", name="Leeds Teaching Hospitals NHS Trust", aliases=("LGI",), handles=("LeedsHospitals",)
)


def post(text, username="someone", lang="en"):
    return {"text": text, "_username": username, "lang": lang}


def many_organisations(count):
    return [
        OrganisationConfig(
            code=f"R{n:02d}",
            name=f"Trust Number {n} Hospitals NHS Foundation Trust",
            aliases=(f"Hospital {n} General", f"Hospital {n} Infirmary"),
            handles=(f"trust{n}nhs",),
            hashtags=(f"Trust{n}",),
        )
        for n in range(count)
    ]


def test_a_query_holds_handles_hashtags_quoted_names_filters_and_exclusions():
    (query,) = build_queries(
        [GSTT, LEEDS],
        limit=RECENT_QUERY_LIMIT,
        lang="en",
        exclude=["job vacancy", "bingo"],
        extra_terms={"RR8": ["Leeds A&E"]},
    )
    for part in (
        "@GSTTnhs",
        "#GSTT",
        "\"Guy's and St Thomas' NHS Foundation Trust\"",
        '"Evelina London"',
        "LGI",
    ):
        assert part in query.text
    assert (
        '"Leeds A&E"' in query.text and "-from:GSTTnhs" in query.text and "-from:LeedsHospitals" in query.text
    )
    assert query.text.endswith('-is:retweet lang:en -"job vacancy" -bingo')
    assert query.org_codes == ("RJ1", "RR8") and query.stream.startswith("RJ1,RR8#")
    matches = compile_query(query.text)
    assert matches(post("Great care at Evelina London today"))
    assert matches(post("Shout out to @LeedsHospitals"))
    assert not matches(
        post("Our new ward at St Thomas' Hospital", username="GSTTnhs")
    )  # the trust's own post
    assert matches(post("Praise for LGI from @GSTTnhs", username="GSTTnhs"))  # another trust's post about LGI
    assert not matches(post("LGI job vacancy: apply now"))
    assert not matches(post("Evelina London, merci", lang="fr"))


def test_only_x_usernames_become_mentions_and_exclusions(caplog):
    # organisations[].handles serves every platform: a Bluesky or Mastodon handle is no X username
    # (1-15 letters, digits or _), so it has no place in @mention or -from: terms
    nhse = OrganisationConfig(
        code="X24",
        name="NHS England",
        handles=("NHSEngland", "nhsengland.bsky.social", "nhs@mastodon.social", "NHSEngland_official"),
    )
    with caplog.at_level(logging.INFO, logger="listener.collectors.x_query"):
        (query,) = build_queries([nhse], limit=RECENT_QUERY_LIMIT)
    assert query.text == '((@NHSEngland OR "NHS England") -from:NHSEngland) -is:retweet'
    left_out = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    assert len(left_out) == 1
    for handle in ("nhsengland.bsky.social", "nhs@mastodon.social", "NHSEngland_official"):
        assert handle in left_out[0]


def test_an_organisation_with_no_x_username_is_searched_by_name_alone():
    elsewhere = OrganisationConfig(code="RXX", name="Elsewhere Trust", handles=("elsewhere.bsky.social",))
    (query,) = build_queries([elsewhere], limit=RECENT_QUERY_LIMIT)
    assert query.text == '("Elsewhere Trust") -is:retweet'
    assert compile_query(query.text)(post("Thanks Elsewhere Trust"))


def test_own_posts_are_kept_when_asked():
    (query,) = build_queries([GSTT], limit=RECENT_QUERY_LIMIT, include_own_posts=True)
    assert "-from:" not in query.text
    assert compile_query(query.text)(post("News from #GSTT", username="GSTTnhs"))


def test_queries_pack_as_many_organisations_as_the_limit_allows():
    organisations = many_organisations(40)
    for limit in (RECENT_QUERY_LIMIT, ARCHIVE_QUERY_LIMIT):
        queries = build_queries(organisations, limit=limit)
        assert all(len(q.text) <= limit for q in queries)
        assert [c for q in queries for c in q.org_codes] == [o.code for o in organisations]
        for q in queries:
            compile_query(q.text)  # X's syntax: raises QueryError if not
        by_code = {o.code: o for o in organisations}
        for query, following in zip(queries, queries[1:], strict=False):  # each query is full:
            grown = [by_code[c] for c in (*query.org_codes, following.org_codes[0])]
            assert len(build_queries(grown, limit=limit)) == 2  # the next organisation would not fit
    assert len(build_queries(organisations, limit=ARCHIVE_QUERY_LIMIT)) < len(
        build_queries(organisations, limit=RECENT_QUERY_LIMIT)
    )


def test_adding_an_organisation_at_the_end_keeps_earlier_streams():
    before = [q.stream for q in build_queries(many_organisations(20), limit=RECENT_QUERY_LIMIT)]
    after = [q.stream for q in build_queries(many_organisations(21), limit=RECENT_QUERY_LIMIT)]
    assert after[: len(before) - 1] == before[:-1]


def test_an_organisation_too_long_for_one_query_is_split_with_its_exclusions():
    aliases = tuple(f"A rather long hospital name number {n}" for n in range(30))
    big = OrganisationConfig(code="RXX", name="Big Trust", aliases=aliases, handles=("bignhs",))
    queries = build_queries([big], limit=RECENT_QUERY_LIMIT)
    assert len(queries) > 1 and all(len(q.text) <= RECENT_QUERY_LIMIT for q in queries)
    assert all("-from:bignhs" in q.text for q in queries)
    assert all(f'"{a}"' in " ".join(q.text for q in queries) for a in aliases)


def test_a_single_term_longer_than_a_query_is_an_error():
    huge = OrganisationConfig(code="RXX", name="x" * 600)
    with pytest.raises(CollectorError, match="RXX.*longer than"):
        build_queries([huge], limit=RECENT_QUERY_LIMIT)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("LGI", "LGI"),
        ("St Thomas' Hospital", '"St Thomas\' Hospital"'),
        ('say "hi"', '"say hi"'),
        ("A&E", '"A&E"'),
        ("  ", ""),
    ],
)
def test_terms_are_quoted_when_they_are_phrases(value, expected):
    assert term(value) == expected


def test_the_fake_refuses_what_x_refuses():
    with pytest.raises(QueryError, match="negated groups"):
        compile_query("cat -(grumpy OR meme)")
    with pytest.raises(QueryError):
        compile_query("(cat OR dog")
