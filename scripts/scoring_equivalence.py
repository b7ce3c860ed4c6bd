"""Check that this checkout's NHS-aware scorer gives exactly the results of another revision (a speed-up must not
change a single label, score, theme or flag).

    python scripts/scoring_equivalence.py [--against main] [--data ../shared/data]

The other revision is exported with ``git archive`` to a temporary folder; each side scores the same inputs in its
own process (the demo sample, the test posts, the VADER tweets and FFT comments with their questions, and awkward
values: empty, missing, numbers, huge and emoji-heavy text) and writes every output as JSON; the two are compared
value for value. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def inputs(data_dir: Path) -> tuple[list[object], list[object]]:
    """(texts, questions): the posts to score and, for FFT comments, the question each one answers."""
    import pandas as pd

    texts: list[object] = []
    for path in sorted((ROOT / "tests" / "data").glob("*.csv")):
        frame = pd.read_csv(path)
        texts += frame["text"].tolist() if "text" in frame else []
    for path in [
        *sorted((ROOT / "tests" / "data").glob("*.jsonl")),
        ROOT / "listener/demo/sample_posts.jsonl",
    ]:
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        texts += [row["text"] for row in rows if isinstance(row, dict) and "text" in row]
    questions: list[object] = [""] * len(texts)
    tweets = data_dir / "vader_tweets_gt" / "tweets_GroundTruth.txt"
    if tweets.exists():
        texts += pd.read_csv(tweets, sep="\t", header=None, quoting=3)[2].astype(str).tolist()
        questions += [""] * (len(texts) - len(questions))
        fft = pd.read_csv(data_dir / "nhs_fft_feedback" / "train.csv").head(6000)
        texts += fft["FFT answer"].tolist()
        questions += fft["FFT question"].tolist()
    awkward = [
        None,
        float("nan"),
        42,
        "",
        "   ",
        "😀😡🤬😭" * 2500,
        "word and more words " * 2500,
        "x" * 50_000,
    ]
    awkward += ["NOT BAD AT ALL!!!", "Kind of good but the WAIT was awful??", "ſuicide ı K", "i'm not sure"]
    return texts + awkward, questions + [""] * len(awkward)


def dump(out: Path, data_dir: Path) -> None:
    """Score the inputs with the listener importable from sys.path[0] and write the results as JSON lines."""
    import listener
    from listener.scoring.base import PostText
    from listener.scoring.nhs import NhsScorer

    print(f"scoring with {Path(listener.__file__).parent}", file=sys.stderr)
    texts, questions = inputs(data_dir)
    scorer = NhsScorer()
    rows = []
    for start in range(0, len(texts), 1000):
        chunk, asked = texts[start : start + 1000], questions[start : start + 1000]
        for a in scorer.analyse(chunk, asked):
            rows.append([vars(a.sentiment), a.vader_compound, a.themes, a.flags])
        posts = [PostText(i, t if isinstance(t, str) else "") for i, t in enumerate(chunk)]
        for r in scorer.score(posts):
            rows.append([vars(r.sentiment), r.themes, r.flags])
    out.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")


def compare(old: Path, new: Path) -> int:
    old_rows, new_rows = old.read_text().splitlines(), new.read_text().splitlines()
    if len(old_rows) != len(new_rows):
        print(f"different number of results: {len(old_rows)} != {len(new_rows)}")
        return 1
    differ = [i for i, (a, b) in enumerate(zip(old_rows, new_rows, strict=True)) if a != b]
    for i in differ[:10]:
        print(f"result {i} differs:\n  old {old_rows[i]}\n  new {new_rows[i]}")
    print(f"{len(old_rows)} results compared, {len(differ)} differ")
    return 1 if differ else 0


def export(revision: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    # internal: score with the listener package found in --listener-root and write the results to --dump
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--listener-root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        sys.path.insert(0, str(args.listener_root))
        dump(args.dump, args.data)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        old_root = export(args.against, Path(tmp) / "old")
        results = {}
        for side, root in (("old", old_root), ("new", ROOT)):
            results[side] = Path(tmp) / f"{side}.jsonl"
            command = [sys.executable, __file__, "--dump", results[side], "--listener-root", root]
            subprocess.run([*command, "--data", args.data.resolve()], check=True, cwd=root)
        return compare(results["old"], results["new"])


if __name__ == "__main__":
    sys.exit(main())
