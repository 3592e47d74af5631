"""Benchmark model versions on a researcher's own labelled file.

The same measures, bootstrap (documents resampled with replacement when a group column is
given, single rows otherwise) and report layout as ``framing bench`` on the gold set.  A
file that shares sentences with a model's training data is refused, with the count: texts
are compared by the SHA-256 of their normalised form (case, spacing and punctuation folded),
which models trained with ``framing train --data`` store in their metadata.
"""

from __future__ import annotations

import json
import os
import time
from itertools import combinations
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .benchmark import (TrainingOverlapError, _false_alarms, _macro_f1, _markdown, _micro_f1, _pictures,
                        _speed, _summary_table)
from .evaluation import (KeywordBaseline, MajorityBaseline, REBUTTAL_KINDS, bootstrap, brier_scores,
                         expected_calibration_error, false_alarm_rate, paired_bootstrap, reliability_curve,
                         samples_f1, sentence_metrics)
from .readers import Article
from .registry import resolve
from .scoring import load
from .userdata import LabelledData, read_labelled, text_fingerprints

__all__ = ["run_user_benchmark", "check_no_text_overlap", "training_fingerprints"]

USER_SUITES = ("sentences", "calibration", "speed", "rebuttals")


def training_fingerprints(metadata: dict[str, Any], annotations: str | os.PathLike = "annotations",
                          corpus=None) -> set[str] | None:
    """Fingerprints of the texts a model was trained or tuned on, or None when unknown.

    Models trained on user data store them; for models trained on the gold set they are
    derived from the train and dev documents its metadata lists (needs the annotations).

    Examples
    --------
    >>> training_fingerprints({"training": {"text_fingerprints": ["ab"]}})
    {'ab'}
    """
    training = metadata.get("training", {})
    if "text_fingerprints" in training:
        return set(training["text_fingerprints"])
    used = set(training.get("train_documents", [])) | set(training.get("dev_documents", []))
    if not used:
        return None
    from .annotations import load_annotations

    try:
        gold = load_annotations(annotations, corpus=corpus)
    except (OSError, ValueError):
        return None
    return set(text_fingerprints([s.text for s in gold.sentences if s.doc_id in used and s.text]))


def check_no_text_overlap(data: LabelledData, used: set[str] | None, reference: str) -> None:
    """Refuse a labelled set that shares sentences with a model's training data.

    Raises
    ------
    TrainingOverlapError
        With the number of shared sentences and where the first ones are.

    Examples
    --------
    >>> import pandas as pd
    >>> data = read_labelled(pd.DataFrame({"text": ["It rained."], "frames": [""]}))
    >>> check_no_text_overlap(data, set(), "m@1")
    """
    if used is None:
        raise TrainingOverlapError(
            f"{reference}: its metadata lists neither training-text fingerprints nor training documents "
            "that can be read, so overlap with this file cannot be ruled out; retrain it with "
            "`framing train --data`, or run from the checkout with annotations/ and the corpus")
    rows = [i for i, text in enumerate(data.texts) if text_fingerprints([text])[0] in used]
    if rows:
        where = ", ".join(data.locations[i] for i in rows[:3])
        raise TrainingOverlapError(
            f"{reference} was trained or tuned on {len(rows)} of the {len(data)} sentences of "
            f"{data.source} (same text after folding case, spacing and punctuation; e.g. {where}); "
            "remove them from the file, or benchmark a model that has not seen them")


def run_user_benchmark(models: Sequence[str], data: Any, *, text_field: str = "text",
                       frames_field: str = "frames", group_field: str | None = None,
                       kind_field: str | None = None, suites: Sequence[str] | None = None,
                       output: str | os.PathLike | None = None, resamples: int = 1000, seed: int = 0,
                       baselines: bool = True, speed_sentences: int = 20000,
                       annotations: str | os.PathLike = "annotations", corpus=None) -> dict[str, Any]:
    """Benchmark model references on a user's labelled file; write ``report.md``/``report.json``.

    Suites: ``sentences``, ``calibration`` and ``speed``, plus ``rebuttals`` when ``kind_field``
    is given.  All models must share one codebook, whose ids the file's frames must use.

    Raises
    ------
    TrainingOverlapError
        When a model was trained on sentences of the file (with the count).
    framing.userdata.UserDataError
        For problems in the file (file, line, field and fix).

    Examples
    --------
    >>> run_user_benchmark([], "x.csv")
    Traceback (most recent call last):
    ...
    ValueError: name at least one model to benchmark
    """
    if not models:
        raise ValueError("name at least one model to benchmark")
    chosen = list(suites or [s for s in USER_SUITES if s != "rebuttals" or kind_field])
    for name in chosen:
        if name not in USER_SUITES:
            raise ValueError(f"suite {name!r} does not run on a user file; use {', '.join(USER_SUITES)}")
    if "rebuttals" in chosen and not kind_field:
        raise ValueError("the rebuttals suite needs the document kind of each row; pass --kind-field")
    entries: list[tuple[str, Any, dict]] = []
    for ref in models:
        started = time.perf_counter()
        tagger = load(ref)
        entries.append((tagger.reference, tagger, {
            "load_seconds": time.perf_counter() - started,
            "model_file_mib": (resolve(ref) / "model.skops").stat().st_size / 2**20}))
    codebook = entries[0][1].codebook
    for name, tagger, _ in entries[1:]:
        if tagger.codebook.content_sha256 != codebook.content_sha256 or tagger.frames != entries[0][1].frames:
            raise ValueError(f"{name} uses another codebook than {entries[0][0]}; compare models of one codebook")
    labelled = read_labelled(data, text_field=text_field, frames_field=frames_field,
                             group_field=group_field, kind_field=kind_field, codebook=codebook)
    for name, tagger, _ in entries:
        check_no_text_overlap(labelled, training_fingerprints(tagger.metadata, annotations, corpus), name)
    if baselines:
        entries.append((MajorityBaseline.name, MajorityBaseline(codebook.frame_ids), {}))
        entries.append((KeywordBaseline.name, KeywordBaseline(codebook), {}))

    texts, y = labelled.texts, labelled.indicator()
    docs = labelled.groups or [f"row{i}" for i in range(len(texts))]
    kinds = np.array(labelled.kinds or [""] * len(texts))
    rebuttal_rows = np.flatnonzero(np.isin(kinds, REBUTTAL_KINDS))
    rebuttal_docs = [docs[i] for i in rebuttal_rows]
    y_rebuttal = y[rebuttal_rows]
    articles = []
    if labelled.groups:
        by_doc: dict[str, list[str]] = {}
        for text, doc in zip(texts, docs):
            by_doc.setdefault(doc, []).append(text)
        articles = [Article(id=d, text=" ".join(t)) for d, t in by_doc.items()]
    report: dict[str, Any] = {"split": f"file {Path(labelled.source).name}", "data": labelled.describe(),
                              "sentences": len(texts), "documents": len(set(docs)), "resamples": resamples,
                              "seed": seed, "suites": chosen, "models": {}, "differences": {}}

    def interval(metric, groups=docs):
        return bootstrap(metric, groups, resamples=resamples, seed=seed)

    predictions = {}
    for name, model, extra in entries:
        proba = model.predict_proba(texts)
        pred = (proba >= model.thresholds).astype(int)
        predictions[name] = pred
        result: dict[str, Any] = {}
        if "sentences" in chosen:
            metrics = sentence_metrics(y, pred, proba, codebook=codebook)
            fam_t, fam_p = codebook.family_indicator(y), codebook.family_indicator(pred)
            metrics["intervals"] = {
                "micro_f1": interval(lambda r: _micro_f1(y[r], pred[r])),
                "macro_f1": interval(lambda r: _macro_f1(y[r], pred[r])),
                "samples_f1": interval(lambda r: samples_f1(y[r], pred[r])),
                "family_micro_f1": interval(lambda r: _micro_f1(fam_t[r], fam_p[r])),
            }
            result["sentences"] = metrics
        if "rebuttals" in chosen:
            p_rebuttal = pred[rebuttal_rows]
            fa = false_alarm_rate(y_rebuttal, p_rebuttal, codebook=codebook)
            fa["interval"] = interval(lambda r: _false_alarms(y_rebuttal[r], p_rebuttal[r]), rebuttal_docs)
            result["rebuttals"] = fa
        if "calibration" in chosen:
            brier = brier_scores(y, proba)
            result["calibration"] = {
                "per_frame": {f: {"ece": expected_calibration_error(y[:, j], proba[:, j], 10),
                                  "brier": float(brier[j])} for j, f in enumerate(codebook.frame_ids)},
                "ece_pooled": expected_calibration_error(y.ravel(), proba.ravel(), 10),
                "brier_mean": float(brier.mean()),
                "reliability": reliability_curve(y, proba, 10),
            }
        if "speed" in chosen:
            result["speed"] = {**_speed(model, texts, articles, speed_sentences), **extra}
        report["models"][name] = result

    for a, b in combinations([name for name, _, _ in entries], 2):
        pa, pb = predictions[a], predictions[b]
        diff = {metric: paired_bootstrap(lambda r: fn(y[r], pa[r]), lambda r: fn(y[r], pb[r]), docs,
                                         resamples=resamples, seed=seed)
                for metric, fn in (("micro_f1", _micro_f1), ("macro_f1", _macro_f1))}
        ra, rb = pa[rebuttal_rows], pb[rebuttal_rows]
        if len(rebuttal_rows):
            diff["rebuttal_false_alarms"] = paired_bootstrap(
                lambda r: _false_alarms(y_rebuttal[r], ra[r]), lambda r: _false_alarms(y_rebuttal[r], rb[r]),
                rebuttal_docs, resamples=resamples, seed=seed)
        fa = sentence_metrics(y, pa, codebook=codebook)["per_frame"]
        fb = sentence_metrics(y, pb, codebook=codebook)["per_frame"]
        diff["per_frame_f1_delta"] = {f: fb[f]["f1"] - fa[f]["f1"] for f in codebook.frame_ids}
        report["differences"][f"{b} - {a}"] = diff

    report["summary_table"] = _summary_table(report)
    if output is not None:
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, indent=1, default=float) + "\n")
        report["pictures"] = _pictures(report, out, codebook=codebook)
        (out / "report.md").write_text(_markdown(report, codebook=codebook))
    return report
