"""Inter-annotator agreement and frozen document-level splits of the gold set."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from .annotations import SPLITS, GoldSet

__all__ = ["agreement", "make_splits"]


def agreement(gold: GoldSet) -> dict[str, Any]:
    """Agreement between two independent labellings, per frame and overall.

    Uses the sentences that carry two labellings in ``labels``.  Per frame: Krippendorff's
    alpha (nominal, via the ``krippendorff`` package) and Cohen's kappa (scikit-learn) on the
    binary "frame given or not" decision, with the positives each annotator gave.  Overall:
    alpha and kappa over every (sentence, frame) decision, and the share of sentences whose
    frame sets are identical.
    """
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    pairs = [s for s in gold.sentences if len(s.labels) >= 2]
    if not pairs:
        raise ValueError("no sentence has two labellings: nothing to measure agreement on")
    codebook = gold.codebook
    first = codebook.to_indicator([s.labels[0]["frames"] for s in pairs])
    second = codebook.to_indicator([s.labels[1]["frames"] for s in pairs])

    def _stats(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
        a, b = a.ravel(), b.ravel()
        both_constant = len(set(a.tolist()) | set(b.tolist())) < 2
        return {
            "alpha": None if both_constant else float(
                krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="nominal")),
            "kappa": None if both_constant else float(cohen_kappa_score(a, b)),
            "positives_a": int(a.sum()),
            "positives_b": int(b.sum()),
            "both": int((a & b).sum()),
        }

    per_frame = {f: _stats(first[:, i], second[:, i]) for i, f in enumerate(codebook.frame_ids)}
    family_a, family_b = codebook.family_indicator(first), codebook.family_indicator(second)
    per_family = {f: _stats(family_a[:, i], family_b[:, i]) for i, f in enumerate(codebook.families)}
    kinds = defaultdict(list)
    for row, s in enumerate(pairs):
        kinds[s.kind].append(row)
    return {
        "sentences": len(pairs),
        "documents": len({s.doc_id for s in pairs}),
        "annotators": sorted({lab["annotator"] for s in pairs for lab in s.labels[:2]}),
        "exact_match": float(np.mean((first == second).all(axis=1))),
        "overall": _stats(first, second),
        "per_kind": {k: {"sentences": len(rows), **_stats(first[rows], second[rows])}
                     for k, rows in sorted(kinds.items())},
        "per_family": per_family,
        "per_frame": per_frame,
    }


def make_splits(gold: GoldSet, *, sizes=(0.70, 0.15, 0.15), random_state: int = 0) -> dict[str, str]:
    """Assign every document to train/dev/test, stratified over frames.

    Documents (a seed article, or a corpus case with its claim and disproof) are the units:
    their sentences never straddle splits.  Each document is described by which frames it
    contains, and ``iterstrat``'s multilabel stratified shuffle split keeps each frame's
    documents in proportion, so every frame has positives in every split where its count
    allows.
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    if abs(sum(sizes) - 1) > 1e-9 or len(sizes) != 3:
        raise ValueError(f"sizes must be three shares summing to 1, got {sizes}")
    codebook = gold.codebook
    frames_by_doc: dict[str, set] = defaultdict(set)
    kind_by_doc: dict[str, set] = defaultdict(set)
    for s in gold.sentences:
        frames_by_doc[s.doc_id].update(s.frames)
        kind_by_doc[s.doc_id].add(s.kind)
    docs = sorted(frames_by_doc)
    # Frame columns plus a "frame-free document" and a "seed article" column, so those are spread too.
    y = np.hstack([
        codebook.to_indicator([frames_by_doc[d] for d in docs]),
        np.array([[not frames_by_doc[d], "claim" not in kind_by_doc[d]] for d in docs], dtype=int),
    ])
    first = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=sizes[1] + sizes[2],
                                             random_state=random_state)
    train_idx, rest_idx = next(first.split(np.zeros(len(docs)), y))
    second = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=sizes[2] / (sizes[1] + sizes[2]),
                                              random_state=random_state)
    dev_rel, test_rel = next(second.split(np.zeros(len(rest_idx)), y[rest_idx]))
    assignment = {}
    for name, indices in zip(SPLITS, (train_idx, rest_idx[dev_rel], rest_idx[test_rel])):
        for i in indices:
            assignment[docs[i]] = name
    return dict(sorted(assignment.items()))
