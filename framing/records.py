"""The output records: one schema for sentences, passages and articles, used by the scorer,
the writers and the benchmark alike.

Roll-up of sentences to a passage or an article: a frame's score is the **maximum** of its
sentences' calibrated probabilities, and the passage carries the frame when at least one
sentence reaches the frame's threshold (the union of the sentences' labels, which is how
article gold is defined).  The evidence for a frame is its sentences at or above threshold,
highest score first.

Fields
------
sentence
    ``article_id``, ``sentence`` (index), ``paragraph``, ``start``, ``end`` (character offsets
    into the cleaned article text), ``text``, ``scores`` (frame -> probability), ``frames``.
paragraph
    ``article_id``, ``paragraph``, ``start``, ``end`` and the roll-up fields.
article
    The article's metadata (``id``, ``title``, ``url``, ``date``, ``source`` and any extra
    columns) and the roll-up fields.
roll-up fields
    ``sentences`` (count), ``scores``, ``frames``, ``families``, ``evidence`` (frame -> list
    of ``{sentence, start, end, score, text}``).
Every record the scorer (:class:`framing.Tagger`) makes also carries ``model``
(``name@version``), before the scores; an input metadata column named ``model`` is replaced.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

import numpy as np

from .errors import InputError
from .labels import apply_thresholds, label_lists

__all__ = ["LEVELS", "check_level", "DEFAULT_EVIDENCE", "rollup_scores", "rollup", "rollup_labelled",
           "passage_record", "sentence_records", "flatten_record"]

LEVELS = ("sentence", "paragraph", "article")
DEFAULT_EVIDENCE = 3


def check_level(level: str) -> None:
    """Raise :class:`framing.InputError` unless ``level`` is one of :data:`LEVELS`.

    Examples
    --------
    >>> check_level("paragraph")
    >>> check_level("page")
    Traceback (most recent call last):
    ...
    framing.errors.InputError: level='page'; use one of sentence, paragraph, article
    """
    if level not in LEVELS:
        raise InputError(f"level={level!r}; use one of {', '.join(LEVELS)}")


def rollup_scores(scores: np.ndarray, n_frames: int) -> np.ndarray:
    """A passage's per-frame score: the maximum over its sentences (zeros when it has none).

    Examples
    --------
    >>> rollup_scores(np.array([[0.1, 0.8], [0.6, 0.2]]), 2).tolist()
    [0.6, 0.8]
    """
    return scores.max(axis=0) if len(scores) else np.zeros(n_frames)


def rollup(head: dict[str, Any], sentences: Sequence, scores: np.ndarray, *, frames: Sequence[str],
           thresholds: np.ndarray, families: Sequence[str], evidence: int = DEFAULT_EVIDENCE
           ) -> dict[str, Any]:
    """One passage or article record from its sentences and their probability rows.

    Examples
    --------
    >>> from framing.segmentation import split_sentences
    >>> sentences = split_sentences("NATO surrounds us. It rained.")
    >>> record = rollup({"id": "a"}, sentences, np.array([[0.9], [0.1]]), frames=["nato"],
    ...                 thresholds=np.array([0.5]), families=["west"])
    >>> record["frames"], record["evidence"]["nato"][0]["text"]
    (['nato'], 'NATO surrounds us.')
    """
    return rollup_labelled(head, sentences, scores, apply_thresholds(scores, thresholds).reshape(scores.shape),
                           frames=frames, families=families, evidence=evidence)


def rollup_labelled(head: dict[str, Any], sentences: Sequence, scores: np.ndarray, labels: np.ndarray, *,
                    frames: Sequence[str], families: Sequence[str], evidence: int = DEFAULT_EVIDENCE
                    ) -> dict[str, Any]:
    """The roll-up from sentence labels already decided (a score file records them).

    A passage carries a frame when one of its sentences does, which is the same as its
    maximum score reaching the threshold.

    Examples
    --------
    >>> from framing.segmentation import split_sentences
    >>> sentences = split_sentences("NATO surrounds us. It rained.")
    >>> rollup_labelled({"id": "a"}, sentences, np.array([[0.9], [0.1]]), np.array([[1], [0]]),
    ...                 frames=["nato"], families=["west"])["families"]
    ['west']
    """
    passage_scores = rollup_scores(scores, len(frames))
    hit = np.flatnonzero(labels.any(axis=0)) if len(labels) else np.array([], dtype=int)
    evidence_rows = {}
    for j in hit:
        order = np.argsort(-scores[:, j], kind="stable")
        evidence_rows[j] = [(sentences[i], float(scores[i, j])) for i in order[:evidence] if labels[i, j]]
    return passage_record(head, len(sentences), passage_scores, hit, evidence_rows, frames=frames,
                          families=families)


def passage_record(head: dict[str, Any], count: int, passage_scores: np.ndarray, hit: Sequence[int],
                   evidence_rows: dict[int, list], *, frames: Sequence[str], families: Sequence[str]
                   ) -> dict[str, Any]:
    """The record shape of a passage or article: ``head``, then the roll-up fields.

    ``hit`` are the frame columns the passage carries; ``evidence_rows`` maps each to its
    evidence ``(sentence, score)`` pairs, best first.  Every roll-up (whole or streamed) ends here.
    """
    return {
        **head,
        "sentences": count,
        "scores": dict(zip(frames, np.round(passage_scores, 6).tolist())),
        "frames": [frames[j] for j in hit],
        "families": sorted({families[j] for j in hit}),
        "evidence": {frames[j]: [{"sentence": s.index, "start": s.start, "end": s.end, "score": round(score, 6),
                                  "text": s.text} for s, score in evidence_rows[j]] for j in hit},
    }


def sentence_records(article_id: str, sentences: Sequence, scores: np.ndarray, *,
                     frames: Sequence[str], thresholds: np.ndarray, model: str | None = None
                     ) -> list[dict[str, Any]]:
    """One record per sentence.

    Whole-matrix numpy calls, then plain Python values: per-element ``float()``, ``round()``
    and per-row ``nonzero`` cost more than the classifier on large runs.
    """
    rounded = np.round(scores, 6).tolist()
    labels = label_lists(scores, thresholds, frames)
    if model is not None:
        return [{
            "article_id": article_id, "sentence": s.index, "paragraph": s.paragraph, "start": s.start,
            "end": s.end, "text": s.text, "model": model, "scores": dict(zip(frames, row)), "frames": row_labels,
        } for s, row, row_labels in zip(sentences, rounded, labels)]
    return [{
        "article_id": article_id,
        "sentence": s.index,
        "paragraph": s.paragraph,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "scores": dict(zip(frames, row)),
        "frames": row_labels,
    } for s, row, row_labels in zip(sentences, rounded, labels)]


def flatten_record(record: dict[str, Any]) -> dict[str, Any]:
    """A flat row for tables (CSV, Parquet, datasets): one ``score_<frame>`` column per frame,
    frames and families joined with ``;``, evidence as JSON.

    Examples
    --------
    >>> flatten_record({"id": "a", "scores": {"x": 0.5}, "frames": ["x"]})
    {'id': 'a', 'score_x': 0.5, 'frames': 'x'}
    """
    flat = {k: v for k, v in record.items() if k not in {"scores", "frames", "families", "evidence"}}
    for frame, value in record["scores"].items():
        flat[f"score_{frame}"] = value
    flat["frames"] = ";".join(record["frames"])
    if "families" in record:
        flat["families"] = ";".join(record["families"])
    if "evidence" in record:
        flat["evidence"] = json.dumps(record["evidence"], ensure_ascii=False)
    return flat
