"""Compare model versions on fixed suites of the frozen test split, with bootstrap intervals.

Suites are data (``framing/suites.json``); :func:`evaluate` is the one core that runs them, on
the gold set (:func:`run_benchmark`) or on a user's labelled file (:mod:`framing.userbench`).  Every headline metric gets a 95 % percentile
interval from a bootstrap that resamples *documents* (all of a document's sentences move
together); every pair of versions gets a paired bootstrap of the difference on the same
resamples, marked significant when its interval excludes zero.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from itertools import combinations
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .annotations import load_annotations
from .codebook import load_codebook
from .documents import gold_context
from .errors import InputError
from .evaluation import (KeywordBaseline, MajorityBaseline, article_rollup, bootstrap, brier_scores,
                         expected_calibration_error, false_alarm_rate, false_alarm_share, macro_f1, micro_f1,
                         paired_bootstrap, reliability_curve, samples_f1, sentence_metrics)
from .labels import apply_thresholds
from .records import rollup_scores
from .registry import resolve
from .reports import benchmark_markdown, benchmark_pictures, summary_table
from .scoring import Tagger, load

__all__ = ["run_benchmark", "evaluate", "write_report", "load_entries", "baseline_entries", "measure_speed",
           "check_no_overlap", "load_suites", "TrainingOverlapError"]


class TrainingOverlapError(InputError):
    """The suite shares documents with the data a model was trained or tuned on."""


def load_suites(path: str | os.PathLike | None = None) -> dict[str, dict[str, Any]]:
    if path is None:
        from importlib import resources

        return json.loads(resources.files("framing").joinpath("suites.json").read_text())["suites"]
    return json.loads(Path(path).read_text())["suites"]


def check_no_overlap(metadata: dict[str, Any], suite_docs: Sequence[str], reference: str) -> None:
    """Refuse a suite that shares documents with the model's training or tuning data."""
    training = metadata.get("training", {})
    used = set(training.get("train_documents", [])) | set(training.get("dev_documents", []))
    if not used:
        raise TrainingOverlapError(
            f"{reference}: its metadata lists no training document ids, so overlap with the suite "
            "cannot be ruled out; retrain it with `framing train`")
    overlap = sorted(used & set(suite_docs))
    if overlap:
        raise TrainingOverlapError(
            f"{reference} was trained or tuned on {len(overlap)} document(s) of this suite "
            f"(e.g. {', '.join(overlap[:3])}); benchmark it on documents it has not seen")


def measure_speed(model, texts: list[str], articles: list, repeat: int) -> dict[str, Any]:
    """Sentences/s of ``predict_proba`` on a fixed workload, its peak memory, and articles/s.

    The time is measured without tracing: ``tracemalloc`` slows every allocation several-fold,
    so peak memory comes from a second, traced run on the same workload.
    """
    workload = (texts * (repeat // max(len(texts), 1) + 1))[:repeat]
    model.predict_proba(workload[:100])  # warm up
    started = time.perf_counter()
    model.predict_proba(workload)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    model.predict_proba(workload)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"sentences": len(workload), "sentences_per_second": len(workload) / seconds,
              "predict_peak_mib": peak / 2**20}
    if isinstance(model, Tagger) and articles:
        started = time.perf_counter()
        model.score_batch(articles, level="article")
        result["articles_per_second"] = len(articles) / (time.perf_counter() - started)
    return result


def load_entries(models: Sequence[str]) -> list[tuple[str, Any, dict]]:
    """``(reference, tagger, facts)`` for each model reference: load time and file size measured."""
    entries = []
    for ref in models:
        started = time.perf_counter()
        tagger = load(ref)
        load_seconds = time.perf_counter() - started
        entries.append((tagger.reference, tagger, {
            "load_seconds": load_seconds,
            "model_file_mib": (resolve(ref) / "model.skops").stat().st_size / 2**20}))
    return entries


def baseline_entries(codebook) -> list[tuple[str, Any, dict]]:
    return [(MajorityBaseline.name, MajorityBaseline(codebook.frame_ids), {}),
            (KeywordBaseline.name, KeywordBaseline(codebook), {})]


def evaluate(entries: Sequence[tuple[str, Any, dict]], texts: Sequence[str], y: np.ndarray,
             docs: Sequence[str], kinds: Sequence[str], *, suites: Sequence[str], codebook,
             resamples: int = 1000, seed: int = 0, bins: int = 10, speed_sentences: int = 20000,
             articles: Sequence = (), positions: Sequence[int] | None = None,
             blocks: Sequence | None = None) -> dict[str, Any]:
    """Run the chosen suites for every entry on one labelled set: the one benchmark core.

    ``docs`` groups rows for the bootstrap (all of a document's sentences move together);
    ``kinds`` marks the rebuttal rows (the codebook's rebuttal kinds).  Models that read
    sentences in context get ``docs``, ``positions`` and ``blocks`` (never the kind).  Returns the
    ``models`` and ``differences`` parts of a report; every pair of entries gets a paired
    bootstrap of the difference on the same resamples.
    """
    docs = list(docs)
    rebuttal_rows = np.flatnonzero(np.isin(np.asarray(kinds), codebook.rebuttal_kinds))
    rebuttal_docs = [docs[i] for i in rebuttal_rows]
    y_rebuttal = y[rebuttal_rows]

    def interval(metric, groups=docs):
        return bootstrap(metric, groups, resamples=resamples, seed=seed)

    models: dict[str, Any] = {}
    predictions = {}
    for name, model, extra in entries:
        if hasattr(model, "predict_proba_in_documents"):
            proba = model.predict_proba_in_documents(
                list(texts), docs, list(range(len(texts))) if positions is None else positions, blocks)
        else:
            proba = model.predict_proba(list(texts))
        pred = apply_thresholds(proba, model.thresholds)
        predictions[name] = (proba, pred)
        result: dict[str, Any] = {}
        if "sentences" in suites:
            metrics = sentence_metrics(y, pred, proba, codebook=codebook)
            fam_t, fam_p = codebook.family_indicator(y), codebook.family_indicator(pred)
            metrics["intervals"] = {
                "micro_f1": interval(lambda r: micro_f1(y[r], pred[r])),
                "macro_f1": interval(lambda r: macro_f1(y[r], pred[r])),
                "samples_f1": interval(lambda r: samples_f1(y[r], pred[r])),
                "family_micro_f1": interval(lambda r: micro_f1(fam_t[r], fam_p[r])),
            }
            metrics["per_kind"] = {}
            for kind in sorted(set(kinds) - {"", None}):
                rows = np.flatnonzero(np.asarray(kinds) == kind)
                yk, pk = y[rows], pred[rows]
                metrics["per_kind"][kind] = {
                    "n": len(rows), "micro_f1": interval(lambda r: micro_f1(yk[r], pk[r]), [docs[i] for i in rows]),
                    "false_alarms": false_alarm_share(yk, pk)}
            result["sentences"] = metrics
        if "rebuttals" in suites:
            p_rebuttal = pred[rebuttal_rows]
            fa = false_alarm_rate(y_rebuttal, p_rebuttal, codebook=codebook)
            fa["interval"] = interval(lambda r: false_alarm_share(y_rebuttal[r], p_rebuttal[r]), rebuttal_docs)
            result["rebuttals"] = fa
        if "articles" in suites:
            article_ids, gold_articles = article_rollup(docs, y)
            _, article_proba = article_rollup(docs, proba, rollup=lambda rows: rollup_scores(rows, y.shape[1]))
            pred_articles = apply_thresholds(article_proba, model.thresholds)
            fam_gold = codebook.family_indicator(gold_articles)
            fam_pred = codebook.family_indicator(pred_articles)
            result["articles"] = {
                "n": len(article_ids),
                "samples_f1_frames": interval(lambda r: samples_f1(gold_articles[r], pred_articles[r]),
                                              article_ids),
                "samples_f1_families": interval(lambda r: samples_f1(fam_gold[r], fam_pred[r]), article_ids),
            }
        if "calibration" in suites:
            brier = brier_scores(y, proba)
            result["calibration"] = {
                "per_frame": {f: {"ece": expected_calibration_error(y[:, j], proba[:, j], bins),
                                  "brier": float(brier[j])} for j, f in enumerate(codebook.frame_ids)},
                "ece_pooled": expected_calibration_error(y.ravel(), proba.ravel(), bins),
                "brier_mean": float(brier.mean()),
                "reliability": reliability_curve(y, proba, bins),
            }
        if "speed" in suites:
            result["speed"] = {**measure_speed(model, list(texts), list(articles), speed_sentences), **extra}
        models[name] = result

    differences = {}
    for a, b in combinations([name for name, _, _ in entries], 2):
        pa, pb = predictions[a][1], predictions[b][1]
        diff = {metric: paired_bootstrap(lambda r: fn(y[r], pa[r]), lambda r: fn(y[r], pb[r]), docs,
                                         resamples=resamples, seed=seed)
                for metric, fn in (("micro_f1", micro_f1), ("macro_f1", macro_f1))}
        if len(rebuttal_rows):
            ra, rb = pa[rebuttal_rows], pb[rebuttal_rows]
            diff["rebuttal_false_alarms"] = paired_bootstrap(
                lambda r: false_alarm_share(y_rebuttal[r], ra[r]),
                lambda r: false_alarm_share(y_rebuttal[r], rb[r]), rebuttal_docs, resamples=resamples, seed=seed)
        fa = sentence_metrics(y, pa, codebook=codebook)["per_frame"]
        fb = sentence_metrics(y, pb, codebook=codebook)["per_frame"]
        diff["per_frame_f1_delta"] = {f: fb[f]["f1"] - fa[f]["f1"] for f in codebook.frame_ids}
        differences[f"{b} - {a}"] = diff
    return {"models": models, "differences": differences}


def write_report(report: dict[str, Any], output: str | os.PathLike | None, codebook=None) -> dict[str, Any]:
    """Add the summary table; with ``output``, write report.json, report.md and the pictures."""
    report["summary_table"] = summary_table(report)
    if output is not None:
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, indent=1, default=float) + "\n")
        report["pictures"] = benchmark_pictures(report, out, codebook=codebook)
        (out / "report.md").write_text(benchmark_markdown(report, codebook=codebook))
    return report


def run_benchmark(models: Sequence[str], *, suites: Sequence[str] | None = None,
                  annotations: str | os.PathLike = "annotations", corpus=None,
                  output: str | os.PathLike | None = None, resamples: int = 1000, seed: int = 0,
                  suites_file: str | os.PathLike | None = None, baselines: bool = True) -> dict[str, Any]:
    """Benchmark model references on the gold set's frozen split; write ``report.md``/``report.json``.

    Raises
    ------
    TrainingOverlapError
        When a model's metadata shows it was trained or tuned on documents of the suite.
    """
    definitions = load_suites(suites_file)
    chosen = list(suites or definitions)
    for name in chosen:
        if name not in definitions:
            raise InputError(f"unknown suite {name!r}; suites are {', '.join(definitions)}")
    splits = {definitions[name].get("split", "test") for name in chosen}
    if len(splits) > 1:
        raise InputError(f"suites {', '.join(chosen)} read different splits ({', '.join(sorted(splits))}); "
                         "run them separately")
    split = splits.pop()
    gold = load_annotations(annotations, corpus=corpus)
    codebook = load_codebook()
    sentences = gold.select(split)
    texts, y, docs = gold.arrays(sentences)
    entries = load_entries(models)
    for name, tagger, _ in entries:
        check_no_overlap(tagger.metadata, gold.doc_ids(split), name)
    if baselines:
        entries += baseline_entries(codebook)
    articles = []
    if "speed" in chosen:
        from .readers import read_articles

        spec = definitions["speed"]
        path = spec.get("articles")
        articles = list(read_articles(path)) * spec.get("article_repeat", 1) if path and Path(path).exists() else []
    report: dict[str, Any] = {"split": split, "sentences": len(texts), "documents": len(set(docs)),
                              "resamples": resamples, "seed": seed, "suites": chosen}
    context = gold_context(sentences)
    report.update(evaluate(entries, texts, y, docs, [s.kind for s in sentences], suites=chosen,
                           positions=context["positions"], blocks=context["blocks"],
                           codebook=codebook, resamples=resamples, seed=seed,
                           bins=definitions.get("calibration", {}).get("bins", 10),
                           speed_sentences=definitions.get("speed", {}).get("sentences", 20000),
                           articles=articles))
    return write_report(report, output, codebook)
