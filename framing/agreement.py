"""Inter-annotator agreement on the doubly labelled sentences of the gold set."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from .annotations import GoldSet
from .errors import InputError

__all__ = ["agreement"]


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
        raise InputError("no sentence has two labellings: nothing to measure agreement on")
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
    kinds, sources = defaultdict(list), defaultdict(list)
    for row, s in enumerate(pairs):
        kinds[s.kind].append(row)
        sources[s.source].append(row)
    return {
        "sentences": len(pairs),
        "documents": len({s.doc_id for s in pairs}),
        "annotators": sorted({lab["annotator"] for s in pairs for lab in s.labels[:2]}),
        "exact_match": float(np.mean((first == second).all(axis=1))),
        "overall": _stats(first, second),
        "per_kind": {k: {"sentences": len(rows), **_stats(first[rows], second[rows])}
                     for k, rows in sorted(kinds.items())},
        "per_source": {k: {"sentences": len(rows), "documents": len({pairs[r].doc_id for r in rows}),
                           **_stats(first[rows], second[rows])} for k, rows in sorted(sources.items())},
        "per_family": per_family,
        "per_frame": per_frame,
    }
