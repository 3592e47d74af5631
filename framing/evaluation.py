"""Metrics on gold sentences and articles, with paired bootstrap intervals by document."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Sequence

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_fscore_support

from .codebook import Codebook, load_codebook
from .labels import apply_thresholds

__all__ = [
    "sentence_metrics",
    "false_alarm_rate",
    "article_rollup",
    "samples_f1",
    "micro_f1",
    "macro_f1",
    "false_alarm_share",
    "expected_calibration_error",
    "brier_scores",
    "bootstrap",
    "paired_bootstrap",
    "KeywordBaseline",
    "MajorityBaseline",
]

def sentence_metrics(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None = None,
                     codebook: Codebook | None = None) -> dict[str, Any]:
    """Per-frame precision, recall, F1, support (and average precision with scores); micro,
    macro and samples F1; family-level micro F1."""
    codebook = codebook or load_codebook()
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, zero_division=0)
    per_frame = {}
    for j, frame in enumerate(codebook.frame_ids):
        entry = {"precision": float(precision[j]), "recall": float(recall[j]), "f1": float(f1[j]),
                 "support": int(support[j])}
        if y_score is not None:
            entry["average_precision"] = (float(average_precision_score(y_true[:, j], y_score[:, j]))
                                          if y_true[:, j].any() else float("nan"))
        per_frame[frame] = entry
    family_true, family_pred = codebook.family_indicator(y_true), codebook.family_indicator(y_pred)
    return {
        "n": int(len(y_true)),
        "micro_f1": micro_f1(y_true, y_pred),
        "macro_f1": macro_f1(y_true, y_pred),
        "samples_f1": samples_f1(y_true, y_pred),
        "family_micro_f1": micro_f1(family_true, family_pred),
        "per_frame": per_frame,
    }


def micro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Micro F1 of 0/1 matrices, fast enough for thousands of bootstrap resamples.

    The empty-case rule of every metric here: nothing to measure gives nan.

    Examples
    --------
    >>> micro_f1(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 0]]))
    0.5
    """
    tp = np.logical_and(y_true, y_pred).sum()
    denominator = np.sum(y_true) + np.sum(y_pred)
    return float(2 * tp / denominator) if denominator else float("nan")


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean F1 over the frames present in ``y_true`` (nan when none is).

    Examples
    --------
    >>> round(macro_f1(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 0]])), 3)   # (2/3 + 0) / 2
    0.333
    """
    tp = np.logical_and(y_true, y_pred).sum(axis=0)
    denominator = np.sum(y_true, axis=0) + np.sum(y_pred, axis=0)
    present = np.sum(y_true, axis=0) > 0
    if not present.any():
        return float("nan")
    f1 = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)
    return float(f1[present].mean())


def false_alarm_share(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of frame-free rows given any frame (nan when no row is frame-free).

    Examples
    --------
    >>> false_alarm_share(np.array([[0], [0], [1]]), np.array([[1], [0], [1]]))
    0.5
    """
    free = ~np.asarray(y_true).any(axis=1)
    return float(np.asarray(y_pred)[free].any(axis=1).mean()) if free.any() else float("nan")


def samples_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over items of F1 between predicted and gold label sets; an item with neither
    gold nor predicted labels counts as 1 (a correct "no frame"), as in SemEval-2025 Task 10."""
    y_true, y_pred = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)
    if len(y_true) == 0:
        return float("nan")
    tp = (y_true & y_pred).sum(axis=1)
    denominator = y_true.sum(axis=1) + y_pred.sum(axis=1)
    scores = np.where(denominator == 0, 1.0, 2 * tp / np.maximum(denominator, 1))
    return float(scores.mean())


def false_alarm_rate(y_true: np.ndarray, y_pred: np.ndarray, codebook: Codebook | None = None) -> dict:
    """On sentences whose gold has no frame: the share given any frame, overall and per frame."""
    codebook = codebook or load_codebook()
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    frame_free = ~y_true.any(axis=1)
    n = int(frame_free.sum())
    if n == 0:
        return {"n": 0, "rate": float("nan"), "per_frame": {}}
    chosen = y_pred[frame_free]
    return {
        "n": n,
        "rate": false_alarm_share(y_true, y_pred),
        "per_frame": {f: float(chosen[:, j].mean()) for j, f in enumerate(codebook.frame_ids)},
    }


def article_rollup(doc_ids: Sequence[str], matrix: np.ndarray,
                   rollup: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[list[str], np.ndarray]:
    """Article-level rows: ``rollup`` of each document's sentence rows (default: the
    maximum, which is the union for 0/1 gold).  The benchmark passes the scorer's own
    roll-up (:func:`framing.records.rollup_scores`) for predicted scores."""
    index = _rows_by_document(doc_ids)
    docs = list(index)
    matrix = np.asarray(matrix)
    rollup = rollup or (lambda rows: rows.max(axis=0))
    return docs, np.stack([rollup(matrix[index[d]]) for d in docs]) if docs else matrix[:0]


def expected_calibration_error(y_true: np.ndarray, y_score: np.ndarray, bins: int = 10) -> float:
    """ECE of one frame's probabilities over equal-width bins."""
    mean_score, frequency, counts = reliability_curve(y_true, y_score, bins)
    total = sum(counts)
    return float(sum(c / total * abs(m - f) for m, f, c in zip(mean_score, frequency, counts))) if total else 0.0


def reliability_curve(y_true: np.ndarray, y_score: np.ndarray, bins: int = 10):
    """Mean predicted probability, observed frequency and count per non-empty bin (all frames pooled)."""
    y_true, y_score = np.asarray(y_true, dtype=float).ravel(), np.asarray(y_score, dtype=float).ravel()
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(y_score, edges[1:-1]), 0, bins - 1)
    mean_score, frequency, counts = [], [], []
    for b in range(bins):
        mask = which == b
        if mask.any():
            mean_score.append(float(y_score[mask].mean()))
            frequency.append(float(y_true[mask].mean()))
            counts.append(int(mask.sum()))
    return mean_score, frequency, counts


def brier_scores(y_true: np.ndarray, y_score: np.ndarray) -> np.ndarray:
    """Brier score per frame (column)."""
    return np.mean((np.asarray(y_score, dtype=float) - np.asarray(y_true, dtype=float)) ** 2, axis=0)


def _rows_by_document(doc_ids: Sequence[str]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(doc_ids):
        index[doc].append(i)
    return index


def _doc_index(doc_ids: Sequence[str]) -> list[np.ndarray]:
    return [np.asarray(rows) for rows in _rows_by_document(doc_ids).values()]


def bootstrap(metric: Callable[[np.ndarray], float], doc_ids: Sequence[str], *, resamples: int = 1000,
              seed: int = 0, level: float = 0.95) -> dict[str, float]:
    """Percentile interval of ``metric(rows)`` over documents resampled with replacement.

    ``metric`` receives the row indices of one resample (documents drawn with replacement,
    all their sentences kept together) and returns a number.
    """
    groups = _doc_index(doc_ids)
    rng = np.random.default_rng(seed)
    point = metric(np.concatenate(groups) if groups else np.array([], dtype=int))
    values = []
    for _ in range(resamples):
        drawn = rng.integers(0, len(groups), len(groups))
        values.append(metric(np.concatenate([groups[g] for g in drawn])))
    if np.all(np.isnan(values)):  # nothing to measure in any resample: the empty-case rule
        return {"value": float(point), "low": float("nan"), "high": float("nan")}
    low, high = np.nanpercentile(values, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return {"value": float(point), "low": float(low), "high": float(high)}


def paired_bootstrap(metric_a: Callable[[np.ndarray], float], metric_b: Callable[[np.ndarray], float],
                     doc_ids: Sequence[str], *, resamples: int = 1000, seed: int = 0,
                     level: float = 0.95) -> dict[str, Any]:
    """Interval of ``metric_b - metric_a`` with both computed on the same document resamples.

    ``significant`` is True when the interval excludes zero.
    """
    result = bootstrap(lambda rows: metric_b(rows) - metric_a(rows), doc_ids, resamples=resamples,
                       seed=seed, level=level)
    result["significant"] = bool(result["low"] > 0 or result["high"] < 0)
    return result


class MajorityBaseline:
    """Predicts the majority answer for every frame: no frame at all on this data."""

    name = "baseline:majority"

    def __init__(self, frames: Sequence[str], prior: np.ndarray | None = None):
        self.frames = list(frames)
        self.prior = np.zeros(len(self.frames)) if prior is None else np.asarray(prior, dtype=float)
        self.thresholds = np.full(len(self.frames), 0.5)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.tile(self.prior, (len(texts), 1))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return apply_thresholds(self.predict_proba(texts), self.thresholds)


class KeywordBaseline:
    """A lexicon tagger built only from the codebook's own wording.

    Each frame's lexicon is the content words of its name, definition and example (words of
    five letters or more, minus words shared by more than three frames); a sentence gets a
    frame when at least ``min_hits`` of its lexicon's words occur in it.  It shows what
    learning adds over the codebook read as a word list.
    """

    name = "baseline:keyword"

    def __init__(self, codebook: Codebook | None = None, min_hits: int = 2):
        import re
        from collections import Counter

        self.codebook = codebook or load_codebook()
        self.frames = list(self.codebook.frame_ids)
        self.min_hits = min_hits
        self.thresholds = np.full(len(self.frames), 0.5)
        words = {}
        for frame in self.codebook.frames:
            text = f"{frame.name} {frame.definition} {frame.example}".lower()
            words[frame.id] = {w for w in re.findall(r"[a-z]+", text) if len(w) >= 5}
        shared = Counter(w for ws in words.values() for w in ws)
        self.lexicon = {f: sorted(w for w in ws if shared[w] <= 3) for f, ws in words.items()}
        self._pattern = re.compile(r"[a-z]+")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.frames)))
        lexicons = [set(self.lexicon[f]) for f in self.frames]
        for i, text in enumerate(texts):
            tokens = set(self._pattern.findall(text.lower()))
            for j, lexicon in enumerate(lexicons):
                out[i, j] = min(1.0, len(tokens & lexicon) / (2 * self.min_hits))
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return apply_thresholds(self.predict_proba(texts), self.thresholds)
