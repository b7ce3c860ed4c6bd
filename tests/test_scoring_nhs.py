"""The NHS-aware scorer with its shipped model: health language, robust input, themes, flags, the pipeline."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from listener.collectors.runner import collect
from listener.config import load_config
from listener.errors import ConfigError
from listener.scoring import SCORERS, load_scorer
from listener.scoring.base import SENTIMENT_LABELS, PostText
from listener.scoring.linear import MODELS_DIR, ModelError, TextModel
from listener.scoring.nhs import NhsScorer
from listener.scoring.runner import score_pending
from listener.scoring.text import MAX_CHARS, clean_text, question_type
from listener.scoring.themes import NOT_ABOUT_CARE
from listener.store.views import organisation_posts
from tests.conftest import write_config

TRIAGE = Path(__file__).parent / "data" / "triage_posts.csv"


@pytest.fixture(scope="module")
def scorer():
    return NhsScorer()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Tested positive for covid today", "negative"),
        ("The cancer nurses at the Royal were incredible", "positive"),
        ("Mental health services are a joke", "negative"),
        ("Waited nine hours in A&E on a trolley, nobody came", "negative"),
        ("Thank you to the crisis team, they were brilliant", "positive"),
        # strong words about care that plain VADER lacks or reads as mild (health_vader.HEALTH_LEXICON)
        ("Absolutely appalling care on ward 5", "negative"),
        ("Disgraceful treatment of my nan at the QE last night", "negative"),
    ],
)
def test_health_language_is_read_correctly(scorer, text, label):
    assert scorer.sentiments([text])[0].label == label


def test_the_question_changes_the_meaning_of_an_answer(scorer):
    improve, why = scorer.sentiments(["Nothing", "Nothing"], ["What could we do better?", "FFT Why?"])
    assert improve.label == "positive"
    assert improve.positive > why.positive


@pytest.mark.parametrize(
    "value",
    [
        None,
        float("nan"),
        12,
        3.5,
        "",
        "   ",
        "word " * 10_000,
        "😀" * 10_000,
        "🤬😭" * 5_000,
        "x" * 50_000,
        "a\x00b",
    ],
    ids=repr,
)
def test_any_input_scores_in_bounded_form(scorer, value):
    (result,) = scorer.analyse([value])
    assert result.sentiment.label in SENTIMENT_LABELS
    assert -1 <= result.sentiment.score <= 1 and not math.isnan(result.sentiment.score)


def test_cleaning_bounds_text():
    assert clean_text(None) == "" and clean_text(float("nan")) == "" and clean_text(7) == "7"
    assert len(clean_text("word " * 20_000)) <= MAX_CHARS
    assert clean_text("soooooo!!!!!!") == "sooo!!!"
    assert clean_text("😀" * 10_000) == "😀😀😀"
    assert len(clean_text("".join(chr(0x1F600 + i % 60) for i in range(5000)))) == 30


def test_empty_text_is_neutral_and_unlabellable(scorer):
    (result,) = scorer.analyse([""])
    assert (result.sentiment.label, result.sentiment.score) == ("neutral", 0.0)
    assert result.flags == {} and NOT_ABOUT_CARE not in result.themes


def test_question_types():
    assert question_type("How could we improve?") == "could_improve"
    assert question_type("What was good?") == "what_good"
    assert question_type("FFT Why?") == question_type(None) == "nonspecific"


def test_themes_from_model_and_rules(scorer):
    parking, recruiting, ward = scorer.analyse(
        [
            "Parking at the hospital costs a fortune and there are never any spaces",
            "We are recruiting! Band 5 staff nurses wanted, apply by Friday",
            "The staff on the ward were so kind and caring to my dad",
        ]
    )
    assert "parking" in parking.themes
    assert {"recruitment_jobs", NOT_ABOUT_CARE} <= set(recruiting.themes)
    assert "staff_manner_personal_attributes" in ward.themes and NOT_ABOUT_CARE not in ward.themes


def test_config_keywords_add_themes_and_change_the_version(tmp_path):
    config = load_config(
        write_config(
            tmp_path,
            """
            scoring:
              themes:
                keywords:
                  parking_charges: ["parking charge*", "pay and display"]
                  industrial_action: ["work to rule"]
                names:
                  parking_charges: Parking charges
            """,
        )
    )
    custom = load_scorer("sentiment", config.scoring)
    assert custom.version != NhsScorer.version
    (result,) = custom.analyse(["Parking charges went up again, and staff are on a work to rule"])
    assert {"parking_charges", "industrial_action"} <= set(result.themes)


def test_renaming_a_theme_does_not_rescore_history(tmp_path):
    """A theme's name is only shown in reports: renaming one made every stored post be scored again."""
    renamed = load_config(
        write_config(tmp_path, "scoring:\n  themes:\n    names:\n      timeliness_of_care: Waiting times\n")
    )
    assert load_scorer("sentiment", renamed.scoring).version == NhsScorer.version


def test_unknown_theme_in_config_names_the_key(tmp_path):
    path = write_config(tmp_path, "scoring:\n  themes:\n    keywords:\n      no_such_theme: [x]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "scoring.themes" in str(caught.value) and "no_such_theme" in str(caught.value)


@pytest.mark.parametrize(
    ("keyword", "says"),
    [
        ("", "expected a word or phrase"),
        ("*", "expected a word or phrase"),
        ("!!!", "expected a word or phrase"),
        ("c++", "cannot contain +"),
        ("#nhsstrike?", "cannot contain # ?"),
        ("*parking", "a * may only end a keyword"),
        ("park*ing", "a * may only end a keyword"),
    ],
)
def test_a_keyword_that_cannot_match_as_written_is_a_config_error(tmp_path, keyword, says):
    path = write_config(
        tmp_path, f"scoring:\n  themes:\n    keywords:\n      parking: [{json.dumps(keyword)}]\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"scoring.themes.keywords.parking: {keyword!r}: " in str(caught.value)
    assert says in str(caught.value)


def test_keywords_with_word_separators_and_capitals_match(tmp_path):
    path = write_config(
        tmp_path, "scoring:\n  themes:\n    keywords:\n      parking: [A&E Car-Park, physio *]\n"
    )
    custom = NhsScorer(load_config(path).scoring)
    found = custom.analyse(["the a&e car park was full", "A & E car park", "the car was parked"])
    assert ["parking" in a.themes for a in found] == [True, True, False]
    assert custom.tagger.keyword_themes("physiotherapists") == {"parking": "physiotherapists"}


def triage_measures(scorer):
    posts = pd.read_csv(TRIAGE)
    analyses = scorer.analyse(posts["text"].tolist())
    measures = {}
    for flag in ("safeguarding", "needs_response", "praise_to_share", "abuse_of_staff"):
        truth = posts[flag].to_numpy() == 1
        found = np.array([flag in a.flags for a in analyses])
        measures[flag] = ((truth & found).sum() / max(found.sum(), 1), (truth & found).sum() / truth.sum())
    return posts, analyses, measures


def test_triage_set_is_big_enough_and_labelled():
    posts = pd.read_csv(TRIAGE)
    assert len(posts) >= 200 and posts["id"].is_unique
    assert set(posts["sentiment"]) == set(SENTIMENT_LABELS)
    for flag in ("safeguarding", "needs_response", "praise_to_share", "abuse_of_staff"):
        assert posts[flag].sum() >= 20, flag


def test_triage_flags_precision_and_recall(scorer):
    _, analyses, measures = triage_measures(scorer)
    precision, recall = measures["safeguarding"]
    assert recall >= 0.9 and precision >= 0.6  # recall first
    for flag in ("needs_response", "praise_to_share", "abuse_of_staff"):
        assert min(measures[flag]) >= 0.6, (flag, measures[flag])
    every_reason = [reason for a in analyses for reason in a.flags.values()]
    assert every_reason and all(0 < len(reason) <= 200 for reason in every_reason)


def test_label_and_score_never_disagree(scorer):
    """A post labelled negative never has a positive score, nor a positive one a negative score, whichever head
    read it: the triage posts (most about someone's care) and general text that mentions waiting or a doctor."""
    texts = [
        *pd.read_csv(TRIAGE)["text"],
        "Join us Thursday for hot dogs, in support of the care team!",
        "I was impressed with the doctor",
        "still waiting for the new album lol",
        "Not bad.",
    ]
    for text, a in zip(texts, scorer.analyse(texts), strict=True):
        sign = {"negative": -1, "neutral": 0, "positive": 1}[a.sentiment.label]
        assert sign * a.sentiment.score >= 0, (text, a.sentiment)


def test_artefacts_are_small_and_load_without_pickle():
    files = sorted(MODELS_DIR.glob("nhs_text.*"))
    assert [f.suffix for f in files] == [".json", ".npz"]
    assert sum(f.stat().st_size for f in files) < 5_000_000
    arrays = np.load(MODELS_DIR / "nhs_text.npz", allow_pickle=False)
    assert all(arrays[name].dtype != object for name in arrays.files)
    assert "NHS England" in json.loads((MODELS_DIR / "nhs_text.json").read_text())["meta"]["attribution"]


def test_a_model_built_for_other_features_is_a_clear_error():
    shipped = TextModel.load()
    older = TextModel(shipped.vocabulary, shipped.idf, shipped.dense_names[:-1], shipped.heads)
    with pytest.raises(ModelError, match="listener train"):
        NhsScorer(model=older)


@pytest.mark.parametrize("name", list(SCORERS))
def test_every_scorer_returns_one_result_per_post_in_order(name):
    posts = [PostText(10, "Brilliant nurses"), PostText(11, ""), PostText(12, "Rude and slow")]
    results = load_scorer(name).score(posts)
    assert [r.post_id for r in results] == [10, 11, 12]


def test_pipeline_stores_sentiment_themes_and_flags(store, make_config, tmp_path):
    texts = [
        "Huge thanks to the nurses on Ward 24 at Leeds General Infirmary, you are stars",
        "Leeds General Infirmary: I can't go on like this, I want to end it all",
    ]
    lines = [
        json.dumps({"id": str(i), "text": t, "created_at": "2026-11-17T10:00:00Z"})
        for i, t in enumerate(texts)
    ]
    (tmp_path / "p.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = make_config("sources:\n  - {name: f, kind: file, path: p.jsonl}\n")
    collect(store, config)
    from listener.matching.runner import match_pending

    match_pending(store, config)
    assert score_pending(store, config) == {"vader": 2, "sentiment": 2}
    with store.transaction() as session:
        rows = session.execute(
            sa.select(organisation_posts.c.sentiment_scorer, organisation_posts.c.flags).order_by(
                organisation_posts.c.post_id
            )
        ).all()
    assert [r.sentiment_scorer for r in rows] == ["sentiment", "sentiment"]
    assert "praise_to_share" in rows[0].flags and "safeguarding" in rows[1].flags


def test_news_articles_never_need_a_response():
    """An article is written about an organisation, not to it: the same words need a response only as a post."""
    text = "Patients wait 9 hours in A&E at Leeds General Infirmary. Who is going to fix this?"
    news, post = NhsScorer().score([PostText(1, text, "news"), PostText(2, text, "x")])
    assert "needs_response" not in news.flags
    assert "needs_response" in post.flags
    (warning,) = NhsScorer().score(
        [PostText(3, "Patient found with unexplained bruises on ward, family say", "news")]
    )
    assert "safeguarding" in warning.flags
