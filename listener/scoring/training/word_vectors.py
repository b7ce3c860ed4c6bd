"""Word vectors, used in training only, so that words of similar meaning share what the model learns.

A linear model over TF-IDF learns one weight per word, so a word seen in a handful of comments gets a weight from
those few. Training therefore adds, as extra columns, the TF-IDF-weighted sum of each text's word vectors. That sum
is itself linear in the TF-IDF row (``tfidf @ vectors``), so once fitted, its weights fold back into one weight per
word (``fold``): the shipped model stays the same kind of linear model, exactly as fast, but a rare word's weight
now also carries what was learned from words that mean nearly the same.

The vectors come from the sentence-transformers model all-MiniLM-L6-v2 (Apache License 2.0), each word encoded on
its own, as Model2Vec does; ``scripts/build_word_vectors.py`` builds them once from the training texts' words and
they ship as ``models/word_vectors.npz`` (words and float16 vectors, loaded with ``allow_pickle=False``). Without
that file, training runs without them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from listener.scoring.linear import MODELS_DIR

log = logging.getLogger(__name__)

VECTORS_PATH = MODELS_DIR / "word_vectors.npz"


def is_word(feature: str) -> bool:
    """Single words (negated or not) have vectors; pairs, stems, question markers and crosses do not."""
    return " " not in feature and not feature.startswith(("q=", "Q", "p:"))


def as_phrase(feature: str) -> str:
    """What is encoded for a word feature: ``not_good`` is encoded as "not good"."""
    return "not " + feature[4:] if feature.startswith("not_") else feature


@dataclass
class WordVectors:
    words: list[str]
    vectors: np.ndarray  # (len(words), dimensions), unit length

    @classmethod
    def load(cls, path: Path = VECTORS_PATH) -> WordVectors | None:
        if not path.exists():
            log.warning("no word vectors at %s: training without them", path)
            return None
        with np.load(path, allow_pickle=False) as arrays:
            return cls([str(word) for word in arrays["words"]], arrays["vectors"].astype(np.float32))

    def save(self, path: Path = VECTORS_PATH) -> Path:
        np.savez_compressed(path, words=np.array(self.words), vectors=self.vectors.astype(np.float16))
        return path

    def matrix(self, vocabulary: dict[str, int], n_columns: int) -> np.ndarray:
        """One row per TF-IDF column: the word's vector for word features, zeros for every other column."""
        index = {word: i for i, word in enumerate(self.words)}
        embedding = np.zeros((n_columns, self.vectors.shape[1]), dtype=np.float32)
        found = [(column, index[f]) for f, column in vocabulary.items() if is_word(f) and f in index]
        if found:
            columns, rows = map(list, zip(*found, strict=True))
            embedding[columns] = self.vectors[rows]
        log.info("word vectors for %d of %d vocabulary features", len(found), len(vocabulary))
        return embedding
