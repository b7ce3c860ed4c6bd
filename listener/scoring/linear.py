"""The shipped text model: a vocabulary, IDF weights and linear heads, loaded with numpy alone (no pickle).

Artefacts are two files in ``listener/scoring/models/``: ``nhs_text.json`` (vocabulary, labels, thresholds and
where the model came from) and ``nhs_text.npz`` (the arrays, read with ``allow_pickle=False``). Training
(``listener train``) writes them; scoring only reads them.

A post's features (text.py) become one row of a sparse TF-IDF matrix: sublinear term frequency times IDF,
L2-normalised, followed by a few dense features (VADER's scores, the question type, length). Each head is then a
matrix product plus an intercept, done for a whole batch at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from listener.errors import ListenerError

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_NAME = "nhs_text"


class ModelError(ListenerError):
    """A model artefact is missing or does not fit this version of listener."""


@dataclass
class SparseRows:
    """A batch of TF-IDF rows in CSR form (each row starts with a zero-weight guard entry at index 0)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


@dataclass
class LinearHead:
    """``scores = tfidf @ coef[:n_vocab] + dense @ coef[n_vocab:] + intercept``; one column per label."""

    labels: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    thresholds: np.ndarray | None = None


@dataclass
class TextModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    dense_names: list[str]
    heads: dict[str, LinearHead]
    meta: dict = field(default_factory=dict)
    # heads' weights put side by side by ``decisions``, for each combination asked for
    _side_by_side: dict = field(default_factory=dict, repr=False, compare=False)

    # ---- features -> matrices ----------------------------------------------------------------------------
    def vectorise(self, feature_lists: Sequence[Sequence[str]]) -> SparseRows:
        """TF-IDF rows for a batch. Column 0 is a guard (always present, weight 0); vocabulary ids start at 1.

        Python only looks features up; counting, weighting and normalising are done for the whole batch in numpy.
        """
        lengths = list(map(len, feature_lists))
        n_rows, n_columns = len(lengths), len(self.idf)
        # -1: unknown. A list first: np.fromiter takes longer over a map than list() and one conversion.
        looked_up = list(map(self.vocabulary.get, chain.from_iterable(feature_lists), repeat(-1)))
        columns = np.array(looked_up, dtype=np.int64)
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        known = columns >= 0
        guards = np.arange(n_rows, dtype=np.int64) * n_columns  # (row, column 0) for every row
        keys, counts = np.unique(
            np.concatenate([rows[known] * n_columns + columns[known], guards]), return_counts=True
        )
        key_rows, indices = np.divmod(keys, n_columns)
        weights = (1.0 + np.log(counts)) * self.idf[indices]
        weights[indices == 0] = 0.0
        norms = np.sqrt(np.bincount(key_rows, weights=weights * weights, minlength=n_rows))
        norms[norms == 0] = 1.0
        indptr = np.concatenate([[0], np.cumsum(np.bincount(key_rows, minlength=n_rows))])
        return SparseRows(indptr.astype(np.int64), indices, (weights / norms[key_rows]).astype(np.float32))

    def decision(self, head_name: str, rows: SparseRows, dense: np.ndarray) -> np.ndarray:
        """Raw scores (logits) of one head for a batch: shape (rows, labels)."""
        (scores,) = self.decisions([head_name], rows, dense)
        return scores

    def decisions(self, head_names: Sequence[str], rows: SparseRows, dense: np.ndarray) -> list[np.ndarray]:
        """Raw scores of several heads for a batch, from one pass over the rows (the heads' weights side by side)."""
        key = tuple(head_names)
        if key not in self._side_by_side:
            heads = [self.heads[name] for name in head_names]
            self._side_by_side[key] = (
                np.hstack([head.coef for head in heads]),
                np.concatenate([head.intercept for head in heads]),
            )
        coef, intercept = self._side_by_side[key]
        n_vocab = len(self.idf)
        contributions = coef[rows.indices]  # a copy, weighted in place
        contributions *= rows.data[:, None]
        scores = (
            np.add.reduceat(contributions, rows.indptr[:-1], axis=0) if rows.n_rows else contributions[:0]
        )
        scores = scores + dense @ coef[n_vocab:] + intercept
        ends = np.cumsum([len(self.heads[name].labels) for name in head_names])
        return np.split(scores, ends[:-1], axis=1)

    # ---- files -------------------------------------------------------------------------------------------
    def save(self, folder: Path = MODELS_DIR, name: str = MODEL_NAME) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        description = {
            "format": 1,
            "vocabulary": vocabulary,
            "dense_names": self.dense_names,
            "heads": {name: {"labels": head.labels} for name, head in self.heads.items()},
            "meta": self.meta,
        }
        arrays = {"idf": self.idf.astype(np.float32)}
        for head_name, head in self.heads.items():
            arrays[f"{head_name}.coef"] = head.coef.astype(np.float16)
            arrays[f"{head_name}.intercept"] = head.intercept.astype(np.float32)
            if head.thresholds is not None:
                arrays[f"{head_name}.thresholds"] = head.thresholds.astype(np.float32)
        json_path, npz_path = folder / f"{name}.json", folder / f"{name}.npz"
        json_path.write_text(json.dumps(description, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        np.savez_compressed(npz_path, **arrays)
        return json_path, npz_path

    @classmethod
    def load(cls, folder: Path = MODELS_DIR, name: str = MODEL_NAME) -> TextModel:
        json_path, npz_path = folder / f"{name}.json", folder / f"{name}.npz"
        try:
            description = json.loads(json_path.read_text(encoding="utf-8"))
            arrays = np.load(npz_path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"cannot load the scoring model from {folder}: {exc}. Hint: rebuild it with `listener train`"
            ) from None
        if description.get("format") != 1:
            raise ModelError(f"{json_path}: unknown model format {description.get('format')!r}")
        # index 0 is the guard column (see vectorise), so vocabulary ids start at 1
        vocabulary = {feature: i + 1 for i, feature in enumerate(description["vocabulary"])}
        heads = {
            head_name: LinearHead(
                labels=spec["labels"],
                coef=arrays[f"{head_name}.coef"].astype(np.float32),
                intercept=arrays[f"{head_name}.intercept"],
                thresholds=arrays.get(f"{head_name}.thresholds", None),
            )
            for head_name, spec in description["heads"].items()
        }
        return cls(vocabulary, arrays["idf"], description["dense_names"], heads, description.get("meta", {}))
