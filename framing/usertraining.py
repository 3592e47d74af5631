"""Train a model version on a researcher's own labelled data (and, optionally, own codebook).

All of the data is used for fitting.  The quality figures in the model card come from the
out-of-fold predictions of the grouped cross-validation: each sentence is scored by a fold
model that did not train on it.  They are not a held-out measurement, and they are
optimistic: the probability calibration and each frame's threshold (the one that maximises
its F1) are fitted on those same out-of-fold predictions, and the figures are computed with
them.  They describe the fold models, not the final model, which is fitted on all of the data.
To measure on held-out data, keep a separate file and use ``framing bench --data``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from .codebook import Codebook
from .evaluation import sentence_metrics
from .labels import apply_thresholds
from .model import FrameClassifier
from .registry import save_model
from .reports import data_model_card
from .training import checked_estimator, rebuttal_sample_weights
from .userdata import LabelledData, check_trainable, read_labelled, text_fingerprints

__all__ = ["train_on_data"]


def train_on_data(
    data: Any,
    *,
    text_field: str = "text",
    frames_field: str = "frames",
    group_field: str | None = None,
    kind_field: str | None = None,
    codebook: Codebook | str | os.PathLike | dict | None = None,
    name: str = "frames",
    version: str = "1.0.0",
    params: dict[str, Any] | None = None,
    rebuttal_weight: float = 1.0,
    root: str | os.PathLike | None = None,
    make_default: bool = False,
    description: str = "",
) -> tuple[FrameClassifier, Path]:
    """Check the data, fit a :class:`FrameClassifier` on it and register the version.

    Parameters
    ----------
    data : path, pandas.DataFrame, datasets.Dataset or LabelledData
        Labelled sentences (see :func:`framing.userdata.read_labelled`).
    text_field, frames_field, group_field, kind_field : str
        Columns of ``data``.
    codebook : Codebook, path, dict or None
        The codebook the labels use; the built-in one by default.
    name, version : str
        Registry name and ``X.Y.Z`` version.
    params : dict, optional
        ``FrameClassifier`` parameters.
    rebuttal_weight : float, default=1.0
        Weight of frame-free rows whose kind is a rebuttal kind (needs ``kind_field``).
    root : path, optional
        Registry folder (default ``$FRAMING_MODELS`` or ``models/``).

    Returns
    -------
    (FrameClassifier, Path)
        The fitted estimator and the version's folder.

    Raises
    ------
    framing.userdata.UserDataError
        Before any fitting, for every problem in the data.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> rows = pd.DataFrame({"text": ["They will cut the gas.", "Gas is their weapon.", "It rained.",
    ...                               "The match was a draw."] * 3, "frames": ["gas", "gas", "", ""] * 3})
    >>> own = {"version": 1, "frames": [{"id": "gas", "name": "Gas", "definition": "energy as a weapon"}]}
    >>> clf, folder = train_on_data(rows, codebook=own, name="demo", version="0.1.0", root=tempfile.mkdtemp(),
    ...                             params={"char_ngram_range": None, "min_df": 1, "cv": 2})
    >>> list(clf.frames_)
    ['gas']
    """
    params = dict(params or {})
    if isinstance(data, LabelledData):
        labelled = data
    else:
        labelled = read_labelled(data, text_field=text_field, frames_field=frames_field,
                                 group_field=group_field, kind_field=kind_field, codebook=codebook)
    defaults = FrameClassifier().get_params()
    check_trainable(labelled, min_positives=params.get("min_positives", defaults["min_positives"]),
                    cv=params.get("cv", defaults["cv"]))
    if not _is_builtin(labelled.codebook):
        params["codebook"] = labelled.codebook.data
    estimator = checked_estimator(FrameClassifier, params)
    weights = None
    if labelled.kinds is not None and rebuttal_weight != 1.0:
        weights = rebuttal_sample_weights(labelled.kinds, labelled.frames, rebuttal_weight, labelled.codebook)
    started = time.perf_counter()
    estimator.fit(labelled.texts, labelled.frames, groups=labelled.groups, sample_weight=weights)
    seconds = time.perf_counter() - started
    y = labelled.indicator()
    oof = estimator.oof_scores_
    metrics = sentence_metrics(y, apply_thresholds(oof, estimator.thresholds_), oof, codebook=labelled.codebook)
    metadata = {
        "description": description,
        "training": {
            "data": labelled.describe(),
            "fields": {"text": text_field, "frames": frames_field, "group": group_field, "kind": kind_field},
            "sentences": len(labelled),
            "documents": len(set(labelled.groups)) if labelled.groups else None,
            "positives": labelled.positives(),
            "rebuttal_weight": rebuttal_weight,
            "seconds": round(seconds, 2),
            "text_fingerprint": "sha256(normalised text)[:16]",
            "text_fingerprints": text_fingerprints(labelled.texts),
        },
        "metrics": {"out_of_fold": metrics},
    }
    card = data_model_card(name, version, estimator, metadata, labelled.codebook)
    folder = save_model(estimator, name, version, metadata=metadata, root=root, card=card,
                        make_default=make_default)
    return estimator, folder


def _is_builtin(codebook: Codebook) -> bool:
    from .owncodebook import is_builtin

    return is_builtin(codebook)
