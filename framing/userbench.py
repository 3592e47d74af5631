"""Benchmark model versions on a researcher's own labelled file.

The same measures, bootstrap (documents resampled with replacement when a group column is
given, single rows otherwise) and report layout as ``framing bench`` on the gold set.  A
file that shares sentences with a model's training data is refused, with the count: texts
are compared by the SHA-256 of their normalised form (case, spacing and punctuation folded),
which models trained with ``framing train --data`` store in their metadata.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence


from .benchmark import TrainingOverlapError, baseline_entries, evaluate, load_entries, write_report
from .errors import InputError
from .readers import Article
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
    framing.errors.InputError: name at least one model to benchmark
    """
    if not models:
        raise InputError("name at least one model to benchmark")
    chosen = list(suites or [s for s in USER_SUITES if s != "rebuttals" or kind_field])
    for name in chosen:
        if name not in USER_SUITES:
            raise InputError(f"suite {name!r} does not run on a user file; use {', '.join(USER_SUITES)}")
    if "rebuttals" in chosen and not kind_field:
        raise InputError("the rebuttals suite needs the document kind of each row; pass --kind-field")
    entries = load_entries(models)
    codebook = entries[0][1].codebook
    for name, tagger, _ in entries[1:]:
        if tagger.codebook.content_sha256 != codebook.content_sha256 or tagger.frames != entries[0][1].frames:
            raise InputError(f"{name} uses another codebook than {entries[0][0]}; compare models of one codebook")
    labelled = read_labelled(data, text_field=text_field, frames_field=frames_field,
                             group_field=group_field, kind_field=kind_field, codebook=codebook)
    for name, tagger, _ in entries:
        check_no_text_overlap(labelled, training_fingerprints(tagger.metadata, annotations, corpus), name)
    if baselines:
        entries += baseline_entries(codebook)

    texts, y = labelled.texts, labelled.indicator()
    docs = labelled.groups or [f"row{i}" for i in range(len(texts))]
    articles = []
    if labelled.groups:
        by_doc: dict[str, list[str]] = {}
        for text, doc in zip(texts, docs):
            by_doc.setdefault(doc, []).append(text)
        articles = [Article(id=d, text=" ".join(t)) for d, t in by_doc.items()]
    report: dict[str, Any] = {"split": f"file {Path(labelled.source).name}", "data": labelled.describe(),
                              "sentences": len(texts), "documents": len(set(docs)), "resamples": resamples,
                              "seed": seed, "suites": chosen}
    report.update(evaluate(entries, texts, y, docs, labelled.kinds or [""] * len(texts), suites=chosen,
                           codebook=codebook, resamples=resamples, seed=seed, speed_sentences=speed_sentences,
                           articles=articles))
    write_report(report, output, codebook)
    return report
