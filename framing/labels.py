"""Scores become labels here and nowhere else: each frame's threshold applied to probabilities."""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["apply_thresholds", "label_lists"]


def apply_thresholds(proba: np.ndarray, thresholds: Sequence[float] | np.ndarray) -> np.ndarray:
    """0/1 labels: a frame is on where its probability is at or above its threshold.

    Examples
    --------
    >>> apply_thresholds(np.array([[0.2, 0.7], [0.5, 0.1]]), [0.5, 0.6]).tolist()
    [[0, 1], [1, 0]]
    """
    proba = np.asarray(proba, dtype=float)
    return (proba >= np.asarray(thresholds, dtype=float)).astype(np.int64)


def label_lists(proba: np.ndarray, thresholds: Sequence[float] | np.ndarray,
                frames: Sequence[str]) -> list[list[str]]:
    """Frame ids per row of ``proba``, in frame order, by :func:`apply_thresholds`.

    Examples
    --------
    >>> label_lists(np.array([[0.2, 0.7], [0.9, 0.9]]), [0.5, 0.6], ["a", "b"])
    [['b'], ['a', 'b']]
    """
    labels: list[list[str]] = [[] for _ in range(len(proba))]
    for i, j in zip(*np.nonzero(apply_thresholds(proba, thresholds))):
        labels[i].append(frames[j])
    return labels
