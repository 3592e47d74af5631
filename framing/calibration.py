"""Probabilities and thresholds from decision values: the sigmoid (Platt) map and the
F1-optimal threshold, shared by every estimator of the package."""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "best_threshold"]


def sigmoid(values: np.ndarray) -> np.ndarray:
    """The logistic function, clipped so large inputs do not overflow.

    Examples
    --------
    >>> sigmoid(np.array([0.0, 1000.0])).tolist()
    [0.5, 1.0]
    """
    return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))


def best_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    """Threshold in [0.05, 0.95] that maximises F1 on out-of-fold probabilities (the lowest
    such threshold on ties).  All candidates are scored at once from sorted probabilities.
    Candidates are the probabilities rounded to 3 decimals, never above the probability they
    stand for, so each candidate keeps its own sentence on the positive side.

    Examples
    --------
    >>> best_threshold(np.array([0.1, 0.4, 0.8, 0.9]), np.array([0, 0, 1, 1]))
    0.8
    """
    truth = np.asarray(truth).astype(bool)
    positives = int(truth.sum())
    if positives == 0:
        return 1.0
    candidates = np.unique(np.clip(_candidates(proba), 0.05, 0.95))
    predicted = len(proba) - np.searchsorted(np.sort(proba), candidates, side="left")
    true_positives = positives - np.searchsorted(np.sort(proba[truth]), candidates, side="left")
    f1 = 2 * true_positives / (predicted + positives)
    return float(candidates[int(np.argmax(f1))])


def _candidates(proba: np.ndarray) -> np.ndarray:
    rounded = np.round(proba, 3)
    return np.where(rounded <= proba, rounded, np.round(rounded - 0.001, 3))
