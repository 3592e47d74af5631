"""Build a model version from the gold set: fit on train, measure on dev and test, register."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .annotations import GoldSet, load_annotations
from .codebook import Codebook, load_codebook
from .evaluation import false_alarm_rate, sentence_metrics
from .labels import apply_thresholds
from .context import ContextFrameClassifier
from .documents import gold_context
from .model import FrameClassifier
from .registry import save_model
from .reports import model_card
from .errors import InputError

__all__ = ["train_model", "evaluate_split"]


def rebuttal_weights(gold_sentences, weight: float) -> np.ndarray:
    """Sentence weights of gold sentences: ``weight`` for frame-free rebuttal sentences, 1 elsewhere
    (see :func:`rebuttal_sample_weights`)."""
    return rebuttal_sample_weights([s.kind for s in gold_sentences], [s.frames for s in gold_sentences], weight)


def rebuttal_sample_weights(kinds: Sequence[str], frames: Sequence[Sequence[str]], weight: float,
                            codebook: Codebook | None = None) -> np.ndarray:
    """Sentence weights: ``weight`` for frame-free sentences of a rebuttal kind, 1 elsewhere.

    Parameters
    ----------
    kinds : sequence of str
        Document kind of each sentence.
    frames : sequence of sequences of str
        Frame ids of each sentence.
    weight : float
    codebook : Codebook, optional
        Whose ``rebuttal_kinds`` count; the built-in codebook by default.

    Returns
    -------
    ndarray of float, shape (n,)

    Examples
    --------
    >>> rebuttal_sample_weights(["disproof", "disproof", "claim"], [[], ["media_war"], []], 0.5).tolist()
    [0.5, 1.0, 1.0]
    """
    rebuttal = set((codebook or load_codebook()).rebuttal_kinds)
    return np.array([weight if kind in rebuttal and not labels else 1.0 for kind, labels in zip(kinds, frames)])


ESTIMATORS = {"sentence": FrameClassifier, "context": ContextFrameClassifier}


def make_estimator(kind: str, params: dict[str, Any] | None = None):
    """A new estimator of a kind: ``"sentence"`` (:class:`FrameClassifier`) or ``"context"``."""
    if kind not in ESTIMATORS:
        raise InputError(f"estimator {kind!r}; use one of {', '.join(ESTIMATORS)}")
    return checked_estimator(ESTIMATORS[kind], params)


def checked_estimator(cls, params: dict[str, Any] | None = None):
    """``cls(**params)`` with its parameters checked now: a bad one is an :class:`InputError`
    naming ``--params`` before any data is read or model written.

    Examples
    --------
    >>> checked_estimator(FrameClassifier, {"C": -1})
    Traceback (most recent call last):
    ...
    framing.errors.InputError: --params: C=-1 must be > 0
    """
    try:
        estimator = cls(**(params or {}))
        estimator.check_params()
    except (TypeError, ValueError) as error:
        raise InputError(f"--params: {error}") from None
    return estimator


def predict_in_context(estimator, sentences) -> np.ndarray:
    """Probabilities of gold sentences, read in their documents when the estimator uses context
    (document kind never given: a benchmark measures what users get without it)."""
    texts = [s.text for s in sentences]
    if hasattr(estimator, "predict_proba_documents"):
        context = gold_context(sentences)
        return estimator.predict_proba_documents(texts, context["groups"], context["positions"], context["blocks"])
    return estimator.predict_proba(texts)


def evaluate_split(estimator, gold: GoldSet, split: str) -> dict[str, Any]:
    """Sentence metrics on a split, and the false-alarm rate on its rebuttal sentences."""
    chosen = gold.select(split)
    _, y, _ = gold.arrays(chosen)
    proba = predict_in_context(estimator, chosen)
    predicted = apply_thresholds(proba, estimator.thresholds_)
    metrics = sentence_metrics(y, predicted, proba)
    kinds = np.array([s.kind for s in chosen])
    rebuttal = np.isin(kinds, load_codebook().rebuttal_kinds)
    metrics["rebuttal_false_alarms"] = false_alarm_rate(y[rebuttal], predicted[rebuttal])
    claims = kinds == "claim"
    if claims.any():
        metrics["claims_micro_f1"] = sentence_metrics(y[claims], predicted[claims])["micro_f1"]
    return metrics


def train_model(
    annotations: str | os.PathLike = "annotations",
    *,
    name: str = "frames",
    version: str = "1.0.0",
    corpus: str | os.PathLike | None = None,
    params: dict[str, Any] | None = None,
    estimator_kind: str = "sentence",
    rebuttal_weight: float = 1.0,
    root: str | os.PathLike | None = None,
    make_default: bool = False,
    description: str = "",
) -> tuple[FrameClassifier, Path]:
    """Fit on the train split (adjudicated labels), evaluate on dev and test, save a version.

    The same annotations and parameters give the same model file: every random choice is
    seeded and the training order is the annotation order.
    """
    gold = load_annotations(annotations, corpus=corpus)
    if not gold.splits:
        raise InputError("the annotations have no splits.json; run `framing annotations split` first")
    train = gold.select("train")
    texts, y, groups = gold.arrays(train)
    estimator = make_estimator(estimator_kind, params)
    started = time.perf_counter()
    if isinstance(estimator, ContextFrameClassifier):
        estimator.fit(texts, y, **gold_context(train), sample_weight=rebuttal_weights(train, rebuttal_weight))
    else:
        estimator.fit(texts, y, groups=groups, sample_weight=rebuttal_weights(train, rebuttal_weight))
    seconds = time.perf_counter() - started
    dev = evaluate_split(estimator, gold, "dev")
    test = evaluate_split(estimator, gold, "test")
    train_docs = sorted(set(groups))
    metadata = {
        "description": description,
        "training": {
            "annotations_sha256": gold.fingerprint("train"),
            "sentences": len(texts),
            "documents": len(train_docs),
            "positives": {f: int(c) for f, c in zip(gold.codebook.frame_ids, y.sum(axis=0))},
            "rebuttal_weight": rebuttal_weight,
            "seconds": round(seconds, 2),
            "document_ids_sha256": hashlib.sha256("\n".join(train_docs).encode()).hexdigest(),
            "dev_documents": gold.doc_ids("dev"),
            "train_documents": train_docs,
        },
        "metrics": {"dev": dev, "test": test},
    }
    card = model_card(name, version, estimator, metadata)
    folder = save_model(estimator, name, version, metadata=metadata, root=root,
                        card=card, make_default=make_default)
    return estimator, folder
