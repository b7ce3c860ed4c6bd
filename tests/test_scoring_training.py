"""Training and evaluation against the shared labelled data (skipped when it is absent, except under CI)."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sklearn = pytest.importorskip("sklearn")
pytest.importorskip("sklearn.linear_model")

from click.testing import CliRunner  # noqa: E402

from listener.cli import cli  # noqa: E402
from listener.scoring.health_vader import HealthVader  # noqa: E402
from listener.scoring.linear import TextModel  # noqa: E402
from listener.scoring.nhs import NhsScorer  # noqa: E402
from listener.scoring.training import data  # noqa: E402
from listener.scoring.training.fit import fit_sentiment, fit_themes, new_design  # noqa: E402
from listener.scoring.training.train import sentiment_examples, theme_examples  # noqa: E402
from listener.scoring.training.word_vectors import WordVectors  # noqa: E402

SHARED = Path(os.environ.get(data.DATA_ENV) or Path(__file__).resolve().parents[1].parent / "shared" / "data")


@pytest.fixture(scope="module")
def shared_data() -> Path:
    if not (SHARED / "nhs_fft_feedback" / "train.csv").exists():
        reason = f"the shared labelled data is not at {SHARED} (set {data.DATA_ENV})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; under CI it must be there")
        pytest.skip(reason)
    return SHARED


@pytest.fixture(scope="module")
def small_model(shared_data, tmp_path_factory):
    """A model fitted on 600 FFT rows with the shipped word vectors, saved and loaded back."""
    fft = data.load_fft(shared_data)
    vader = HealthVader()
    sentiment, themes = sentiment_examples(fft, vader), theme_examples(fft, vader)
    sentiment, themes = sentiment.take(range(600)), themes.take(range(600))
    vectors = WordVectors.load()
    assert vectors is not None, "listener/scoring/models/word_vectors.npz is missing"
    design = new_design(sentiment, themes, vectors)
    model = design.model
    model.heads["sentiment"] = fit_sentiment(design, sentiment, tune=False)
    model.heads["themes"] = fit_themes(design, themes, fft.theme_ids)
    folder = tmp_path_factory.mktemp("model")
    model.save(folder)
    return design, TextModel.load(folder), sentiment


def test_v6_labels_map_onto_v7(shared_data):
    fft = data.load_fft(shared_data)
    assert len(fft.theme_ids) == 32 and fft.themes.shape == (len(fft.texts), 32)
    counts = dict(zip(fft.theme_ids, fft.themes.sum(axis=0), strict=True))
    frame = pd.read_csv(shared_data / "nhs_fft_feedback" / "train.csv")
    # four v6 labels merge into continuity of care, two into staffing levels: a comment counts once
    continuity = ["Staff continuity", "Diagnosis & triage", "Referals & continuity of care", "Care plans"]
    staffing = ["Number & deployment of staff", "Staff responsiveness"]
    assert counts["continuity_of_care"] == frame[continuity].fillna(0).max(axis=1).sum()
    assert counts["staffing_levels_responsiveness"] == frame[staffing].fillna(0).max(axis=1).sum()
    assert counts["parking"] == 1 and counts["labelling_not_possible"] > 1000
    assert set(np.unique(fft.sentiment)) == {-1, 0, 1, 2}


def test_numpy_scoring_matches_scikit_learn(small_model):
    """scikit-learn's scores over TF-IDF, word-vector and dense columns equal the shipped model's over TF-IDF and
    dense columns alone: the word vectors' weights fold exactly into the words' weights."""
    design, loaded, examples = small_model
    X = design.matrix(examples.batch)
    assert X.shape[1] == len(design.model.idf) + design.embedding.shape[1] + len(design.model.dense_names)
    clf = sklearn.linear_model.LogisticRegression(C=3.0, max_iter=3000)
    expected = clf.fit(X, examples.targets, sample_weight=examples.weights).decision_function(X)
    rows = loaded.vectorise(examples.batch.features)
    got = loaded.decision("sentiment", rows, examples.batch.dense)
    assert np.abs(design.embedding).sum() > 0  # the word vectors took part
    # the shipped weights are float16, so agreement is to about three decimals
    assert np.allclose(got, expected, atol=0.02)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).mean() > 0.99


def test_a_small_model_scores_posts(small_model):
    _, loaded, _ = small_model
    scorer = NhsScorer(model=loaded)
    (result,) = scorer.analyse(["The nurses were lovely and kind"], ["What was good?"])
    assert result.sentiment.label == "positive"


def test_evaluate_without_cross_validation_prints_figures(shared_data):
    result = CliRunner().invoke(cli, ["evaluate", "--data", str(shared_data), "--no-cv"])
    assert result.exit_code == 0, result.output
    figures = dict(line.split()[:2] for line in result.output.splitlines())
    assert float(figures["tweeteval.macro_recall.sentiment"]) >= 0.60
    assert float(figures["triage.safeguarding.recall"]) >= 0.9
    # the posts written blind are measured too; set C is held out from rules and model (measured recall 0.97)
    assert float(figures["triage_blind.safeguarding.recall"]) >= 0.9
    assert float(figures["triage_heldout.safeguarding.recall"]) >= 0.9


def test_missing_data_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", "--data", str(tmp_path), "--no-cv"])
    assert result.exit_code != 0
    assert "cannot read" in str(result.exception)


def test_the_frameworks_own_examples_cover_every_v7_theme(shared_data):
    texts, themes = data.load_framework_examples(shared_data)
    fft = data.load_fft(shared_data)
    assert len(texts) == len(themes) > 500 and set(themes) == set(fft.theme_ids)
    assert all(8 <= len(text) <= 400 for text in texts)
    assert "Nice Staff." in texts  # quoted examples, quotes removed


def test_the_tradeoff_reads_what_the_neutral_bias_could_buy():
    from listener.scoring.training.evaluate import sentiment_tradeoff

    truth = np.array([0, 1, 1, 2, 2, 2])
    # the neutral logit is 0.3 short for both neutral rows: only a shift of at least +0.3 gets them right
    logits = np.array([[2, 0, 0], [0, 0.7, 1], [1, 0.7, 0], [0, 0, 2], [0, 0, 2], [0, 0.5, 1]], dtype=float)
    figures = dict(sentiment_tradeoff(truth, logits))
    assert figures["best_accuracy"] == 1.0 and figures["best_macro_f1"] == 1.0
    assert figures["best_macro_f1.accuracy"] == 1.0
    assert figures["best_macro_f1_at_accuracy_0.85"] == 1.0
    unreachable = dict(sentiment_tradeoff(truth, logits * [1, 0, 1] - [0, 5, 0]))  # neutral never wins
    assert unreachable["best_accuracy"] == pytest.approx(4 / 6)
    assert np.isnan(unreachable["best_macro_f1_at_accuracy_0.85"])


def test_tweets_are_measured_through_the_head_the_scorer_reads_them_with():
    """The tweets' cross-validation scores each tweet with the head the scorer would use: a tweet that shows
    someone's care ("I waited...") by the feedback head, any other by the social head."""
    from listener.scoring.features import featurise
    from listener.scoring.training.evaluate import routed_scores

    texts = [
        "I waited four hours and nobody came, brilliant",  # shows care: read as feedback
        "What a day, the match was brilliant",  # general: read as social
        "we were left on a trolley all night",
    ]
    scorer = NhsScorer()
    batch = featurise(texts, [""] * len(texts), scorer.vader)
    rows = scorer.model.vectorise(batch.features)
    feedback, social = (scorer.model.decision(h, rows, batch.dense) for h in ("sentiment", "social"))
    expected = [a.sentiment.score for a in scorer.analyse(texts)]
    assert routed_scores(batch, feedback, social).tolist() == expected
