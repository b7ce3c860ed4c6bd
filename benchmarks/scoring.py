"""Throughput of the whole NHS-aware scoring stage against bare VADER, on the same posts, in the same run.

    python benchmarks/scoring.py [--posts 20000] [--data ../shared/data]

The posts are the project's labelled triage posts and demo sample, plus, when the shared data is there, the VADER
tweets and the FFT comments; the list is repeated to --posts. "Ours" is NhsScorer.score on batches of 1,000
(sentiment, themes and flags, as `listener score` runs it), including its own VADER pass; "VADER" is
vaderSentiment's polarity_scores on each raw post. One process, numpy limited to one thread.

The two are timed in turns, --rounds times (VADER, ours, VADER, ours...), and each one's best round is compared:
on a shared machine a single pass of each is timed at a different moment, and the load of other processes in
between moved the ratio by up to 0.05 from one run to the next. Every round is printed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's listener, even when another copy is installed

import pandas as pd  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from listener.scoring.base import PostText  # noqa: E402
from listener.scoring.nhs import NhsScorer  # noqa: E402

BATCH = 1000


def load_posts(data_dir: Path) -> list[str]:
    texts = pd.read_csv(ROOT / "tests" / "data" / "triage_posts.csv")["text"].tolist()
    with open(ROOT / "listener" / "demo" / "sample_posts.jsonl", encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in handle if line.strip()]
    tweets = data_dir / "vader_tweets_gt" / "tweets_GroundTruth.txt"
    if tweets.exists():
        texts += pd.read_csv(tweets, sep="\t", header=None, quoting=3)[2].astype(str).tolist()
        fft = pd.read_csv(data_dir / "nhs_fft_feedback" / "train.csv")["FFT answer"].dropna()
        texts += fft.astype(str).tolist()
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of timing each (default 3; the best counts)"
    )
    args = parser.parse_args()
    pool = load_posts(args.data)
    texts = (pool * (args.posts // len(pool) + 1))[: args.posts]
    print(
        f"{len(texts)} posts ({len(pool)} distinct), mean {sum(map(len, texts)) / len(texts):.0f} characters"
    )

    vader = SentimentIntensityAnalyzer()
    scorer = NhsScorer()
    posts = [PostText(i, t) for i, t in enumerate(texts)]
    scorer.score(posts[:100])  # warm up: model loaded, regular expressions compiled

    vader_rates, ours_rates = [], []
    for round_ in range(1, args.rounds + 1):
        started = time.perf_counter()
        for text in texts:
            vader.polarity_scores(text)
        vader_rates.append(len(texts) / (time.perf_counter() - started))

        started = time.perf_counter()
        for start in range(0, len(posts), BATCH):
            scorer.score(posts[start : start + BATCH])
        ours_rates.append(len(texts) / (time.perf_counter() - started))
        print(f"round {round_}: VADER {vader_rates[-1]:,.0f} posts/s, ours {ours_rates[-1]:,.0f} posts/s")

    vader_rate, ours_rate = max(vader_rates), max(ours_rates)
    print(f"bare VADER polarity_scores: {vader_rate:10,.0f} posts/s (best of {args.rounds})")
    print(
        f"NHS-aware scoring stage:    {ours_rate:10,.0f} posts/s (sentiment, themes, flags; batches of {BATCH};"
        f" best of {args.rounds})"
    )
    print(f"ratio: {ours_rate / vader_rate:.2f} of VADER's speed (target >= 0.5)")

    for label, text in (
        ("50,000 characters of words", "word and more words " * 2500),
        ("10,000 emoji", "😀😡🤬😭" * 2500),
        ("50,000 characters, no spaces", "x" * 50_000),
    ):
        started = time.perf_counter()
        scorer.score([PostText(0, text)])
        print(f"one post of {label}: {1000 * (time.perf_counter() - started):.1f} ms")


if __name__ == "__main__":
    main()
