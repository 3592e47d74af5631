"""Compare model versions on fixed suites of the frozen test split, with bootstrap intervals.

Suites are data (``benchmarks/suites.json``).  Every headline metric gets a 95 % percentile
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
from .evaluation import (KeywordBaseline, MajorityBaseline, REBUTTAL_KINDS, article_rollup, bootstrap,
                         brier_scores, expected_calibration_error, false_alarm_rate, paired_bootstrap,
                         reliability_curve, samples_f1, sentence_metrics)
from .registry import resolve
from .scoring import Tagger, load

__all__ = ["run_benchmark", "load_suites", "TrainingOverlapError"]

DEFAULT_SUITES = Path(__file__).resolve().parent.parent / "benchmarks" / "suites.json"


class TrainingOverlapError(ValueError):
    """The suite shares documents with the data a model was trained or tuned on."""


def load_suites(path: str | os.PathLike | None = None) -> dict[str, dict[str, Any]]:
    path = Path(path) if path else DEFAULT_SUITES
    return json.loads(path.read_text())["suites"]


# -- fast metrics on row subsets (used inside the bootstrap) ------------------------------------

def _micro_f1(t: np.ndarray, p: np.ndarray) -> float:
    tp = np.logical_and(t, p).sum()
    denominator = t.sum() + p.sum()
    return float(2 * tp / denominator) if denominator else 0.0


def _macro_f1(t: np.ndarray, p: np.ndarray) -> float:
    tp = np.logical_and(t, p).sum(axis=0)
    denominator = t.sum(axis=0) + p.sum(axis=0)
    present = t.sum(axis=0) > 0
    if not present.any():
        return float("nan")
    f1 = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)
    return float(f1[present].mean())


def _false_alarms(t: np.ndarray, p: np.ndarray) -> float:
    free = ~t.any(axis=1)
    return float(p[free].any(axis=1).mean()) if free.any() else float("nan")


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


def _speed(model, texts: list[str], articles: list, repeat: int) -> dict[str, Any]:
    workload = (texts * (repeat // max(len(texts), 1) + 1))[:repeat]
    model.predict_proba(workload[:100])  # warm up
    tracemalloc.start()
    started = time.perf_counter()
    model.predict_proba(workload)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"sentences": len(workload), "sentences_per_second": len(workload) / seconds,
              "predict_peak_mib": peak / 2**20}
    if isinstance(model, Tagger) and articles:
        started = time.perf_counter()
        model._score_batch(articles, level="article")
        result["articles_per_second"] = len(articles) / (time.perf_counter() - started)
    return result


def run_benchmark(models: Sequence[str], *, suites: Sequence[str] | None = None,
                  annotations: str | os.PathLike = "annotations", corpus=None,
                  output: str | os.PathLike | None = None, resamples: int = 1000, seed: int = 0,
                  suites_file: str | os.PathLike | None = None, baselines: bool = True) -> dict[str, Any]:
    """Benchmark model references on the suites; write ``report.md``/``report.json`` (and PNGs).

    Raises
    ------
    TrainingOverlapError
        When a model's metadata shows it was trained or tuned on documents of the suite.
    """
    definitions = load_suites(suites_file)
    chosen = list(suites or definitions)
    for name in chosen:
        if name not in definitions:
            raise ValueError(f"unknown suite {name!r}; suites are {', '.join(definitions)}")
    gold = load_annotations(annotations, corpus=corpus)
    codebook = load_codebook()
    splits = {definitions[name].get("split", "test") for name in chosen}
    if len(splits) > 1:
        raise ValueError(f"suites {', '.join(chosen)} read different splits ({', '.join(sorted(splits))}); "
                         "run them separately")
    split = splits.pop()
    rebuttal_kinds = definitions.get("rebuttals", {}).get("kinds", REBUTTAL_KINDS)
    sentences = gold.select(split)
    texts, y, docs = gold.arrays(sentences)
    kinds = np.array([s.kind for s in sentences])
    rebuttal = np.isin(kinds, rebuttal_kinds)

    entries: list[tuple[str, Any, dict]] = []
    for ref in models:
        started = time.perf_counter()
        tagger = load(ref)
        load_seconds = time.perf_counter() - started
        check_no_overlap(tagger.metadata, gold.doc_ids(split), tagger.reference)
        folder = resolve(ref)
        entries.append((tagger.reference, tagger, {
            "load_seconds": load_seconds,
            "model_file_mib": (folder / "model.skops").stat().st_size / 2**20}))
    if baselines:
        entries.append((MajorityBaseline.name, MajorityBaseline(codebook.frame_ids), {}))
        entries.append((KeywordBaseline.name, KeywordBaseline(codebook), {}))

    report: dict[str, Any] = {"split": split, "sentences": len(texts), "documents": len(set(docs)),
                              "resamples": resamples, "seed": seed, "suites": chosen, "models": {},
                              "differences": {}}
    predictions = {}
    per_frame: dict[str, dict] = {}
    rebuttal_rows = np.flatnonzero(rebuttal)
    rebuttal_docs = [docs[i] for i in rebuttal_rows]
    y_rebuttal = y[rebuttal_rows]
    seed_articles = []
    if "speed" in chosen:
        from .readers import read_articles

        articles_path = definitions["speed"]["articles"]
        seed_articles = list(read_articles(articles_path)) if Path(articles_path).exists() else []
    for name, model, extra in entries:
        proba = model.predict_proba(texts)
        pred = (proba >= model.thresholds).astype(int)
        predictions[name] = (proba, pred)
        result: dict[str, Any] = {}
        if "sentences" in chosen:
            metrics = sentence_metrics(y, pred, proba)
            per_frame[name] = metrics["per_frame"]
            fam_t, fam_p = codebook.family_indicator(y), codebook.family_indicator(pred)
            metrics["intervals"] = {
                "micro_f1": bootstrap(lambda r: _micro_f1(y[r], pred[r]), docs, resamples=resamples, seed=seed),
                "macro_f1": bootstrap(lambda r: _macro_f1(y[r], pred[r]), docs, resamples=resamples, seed=seed),
                "samples_f1": bootstrap(lambda r: samples_f1(y[r], pred[r]), docs, resamples=resamples, seed=seed),
                "family_micro_f1": bootstrap(lambda r: _micro_f1(fam_t[r], fam_p[r]), docs,
                                             resamples=resamples, seed=seed),
            }
            result["sentences"] = metrics
        if "rebuttals" in chosen:
            p_rebuttal = pred[rebuttal_rows]
            fa = false_alarm_rate(y_rebuttal, p_rebuttal)
            fa["interval"] = bootstrap(lambda r: _false_alarms(y_rebuttal[r], p_rebuttal[r]), rebuttal_docs,
                                       resamples=resamples, seed=seed)
            result["rebuttals"] = fa
        if "articles" in chosen:
            article_ids, gold_articles = article_rollup(docs, y)
            _, pred_articles = article_rollup(docs, pred)
            fam_gold = codebook.family_indicator(gold_articles)
            fam_pred = codebook.family_indicator(pred_articles)
            result["articles"] = {
                "n": len(article_ids),
                "samples_f1_frames": bootstrap(lambda r: samples_f1(gold_articles[r], pred_articles[r]),
                                               article_ids, resamples=resamples, seed=seed),
                "samples_f1_families": bootstrap(lambda r: samples_f1(fam_gold[r], fam_pred[r]),
                                                 article_ids, resamples=resamples, seed=seed),
            }
        if "calibration" in chosen:
            bins = definitions["calibration"].get("bins", 10)
            brier = brier_scores(y, proba)
            result["calibration"] = {
                "per_frame": {f: {"ece": expected_calibration_error(y[:, j], proba[:, j], bins),
                                  "brier": float(brier[j])} for j, f in enumerate(codebook.frame_ids)},
                "ece_pooled": expected_calibration_error(y.ravel(), proba.ravel(), bins),
                "brier_mean": float(brier.mean()),
                "reliability": reliability_curve(y, proba, bins),
            }
        if "speed" in chosen:
            spec = definitions["speed"]
            result["speed"] = {**_speed(model, texts, seed_articles * spec.get("article_repeat", 1),
                                        spec.get("sentences", 20000)), **extra}
        report["models"][name] = result

    learned = [name for name, _, _ in entries]
    for a, b in combinations(learned, 2):
        pa, pb = predictions[a][1], predictions[b][1]
        diff = {
            "micro_f1": paired_bootstrap(lambda r: _micro_f1(y[r], pa[r]), lambda r: _micro_f1(y[r], pb[r]),
                                         docs, resamples=resamples, seed=seed),
            "macro_f1": paired_bootstrap(lambda r: _macro_f1(y[r], pa[r]), lambda r: _macro_f1(y[r], pb[r]),
                                         docs, resamples=resamples, seed=seed),
        }
        ra, rb = pa[rebuttal_rows], pb[rebuttal_rows]
        diff["rebuttal_false_alarms"] = paired_bootstrap(
            lambda r: _false_alarms(y_rebuttal[r], ra[r]), lambda r: _false_alarms(y_rebuttal[r], rb[r]),
            rebuttal_docs, resamples=resamples, seed=seed)
        fa = per_frame.get(a) or sentence_metrics(y, pa)["per_frame"]
        fb = per_frame.get(b) or sentence_metrics(y, pb)["per_frame"]
        diff["per_frame_f1_delta"] = {f: fb[f]["f1"] - fa[f]["f1"] for f in codebook.frame_ids}
        report["differences"][f"{b} - {a}"] = diff

    report["summary_table"] = _summary_table(report)
    if output is not None:
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, indent=1, default=float) + "\n")
        report["pictures"] = _pictures(report, out)
        (out / "report.md").write_text(_markdown(report))
    return report


def _ci(entry: dict[str, float]) -> str:
    return f"{entry['value']:.3f} [{entry['low']:.3f}, {entry['high']:.3f}]"


def _summary_table(report: dict[str, Any]) -> str:
    lines = ["| model | micro F1 | macro F1 | samples F1 | family micro F1 | rebuttal false alarms | "
             "article samples F1 | ECE | sentences/s |", "|---|---|---|---|---|---|---|---|---|"]
    for name, r in report["models"].items():
        s = r.get("sentences", {}).get("intervals", {})
        cells = [_ci(s[k]) if k in s else "" for k in ("micro_f1", "macro_f1", "samples_f1", "family_micro_f1")]
        reb = _ci(r["rebuttals"]["interval"]) if "rebuttals" in r else ""
        art = _ci(r["articles"]["samples_f1_frames"]) if "articles" in r else ""
        ece = f"{r['calibration']['ece_pooled']:.3f}" if "calibration" in r else ""
        speed = f"{r['speed']['sentences_per_second']:,.0f}" if "speed" in r else ""
        lines.append(f"| {name} | " + " | ".join(cells + [reb, art, ece, speed]) + " |")
    return "\n".join(lines)


def _markdown(report: dict[str, Any], codebook=None) -> str:
    codebook = codebook or load_codebook()
    data = report.get("data")  # a user's labelled file (framing bench --data)
    measured_on = (f"the labelled file `{data['file']}` (SHA-256 {data['sha256'][:12]}…)" if data
                   else f"the frozen {report['split']} split")
    lines = [
        "# Benchmark report",
        "",
        f"_Generated by `framing bench`; every figure is measured on {measured_on} "
        f"({report['sentences']} sentences, {report['documents']} documents). "
        f"Intervals: 95 % percentile bootstrap over documents, {report['resamples']} resamples, seed "
        f"{report['seed']}._",
        "",
        "## Summary",
        "",
        report["summary_table"],
        "",
    ]
    names = list(report["models"])
    if all("sentences" in report["models"][n] for n in names):
        lines += ["## Per-frame F1 (sentences suite)", "",
                  "| frame | support | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        for f in codebook.frame_ids:
            support = report["models"][names[0]]["sentences"]["per_frame"][f]["support"]
            cells = [f"{report['models'][n]['sentences']['per_frame'][f]['f1']:.3f}" for n in names]
            lines.append(f"| `{f}` | {support} | " + " | ".join(cells) + " |")
        lines.append("")
    if report["differences"]:
        lines += ["## Differences between versions (paired bootstrap)", "",
                  "| comparison | metric | difference [95 % CI] | significant |", "|---|---|---|---|"]
        for pair, diff in report["differences"].items():
            for metric in ("micro_f1", "macro_f1", "rebuttal_false_alarms"):
                if metric not in diff:
                    continue
                d = diff[metric]
                lines.append(f"| {pair} | {metric} | {_ci(d)} | {'**yes**' if d['significant'] else 'no'} |")
        lines.append("")
        for pair, diff in report["differences"].items():
            deltas = ", ".join(f"`{f}` {v:+.3f}" for f, v in diff["per_frame_f1_delta"].items() if v)
            lines.append(f"- per-frame F1 change, {pair}: {deltas or 'none'}")
        lines.append("")
    if any("speed" in r for r in report["models"].values()):
        lines += ["## Speed (2-core machine)", "", "| model | sentences/s | articles/s | load s | file MiB | "
                  "predict peak MiB |", "|---|---|---|---|---|---|"]
        for name, r in report["models"].items():
            s = r.get("speed")
            if s:
                lines.append(f"| {name} | {s['sentences_per_second']:,.0f} | "
                             f"{s.get('articles_per_second', float('nan')):,.1f} | {s.get('load_seconds', float('nan')):.2f} | "
                             f"{s.get('model_file_mib', float('nan')):.1f} | {s['predict_peak_mib']:.1f} |")
        lines.append("")
    pictures = report.get("pictures")
    if pictures:
        lines += ["## Pictures", ""] + [f"![{p}]({p})" for p in pictures] + [""]
    elif pictures is not None:
        lines += ["_Pictures skipped: matplotlib is not installed (`pip install framing[plots]`)._", ""]
    return "\n".join(lines)


def _pictures(report: dict[str, Any], out: Path, codebook=None) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    codebook = codebook or load_codebook()
    written = []
    names = [n for n, r in report["models"].items() if "sentences" in r]
    if names:
        fig, ax = plt.subplots(figsize=(11, 4.5))
        width = 0.8 / len(names)
        x = np.arange(len(codebook))
        for i, n in enumerate(names):
            ax.bar(x + i * width, [report["models"][n]["sentences"]["per_frame"][f]["f1"]
                                   for f in codebook.frame_ids], width, label=n)
        ax.set_xticks(x + 0.4 - width / 2, codebook.frame_ids, rotation=45, ha="right")
        ax.set_ylabel("F1 (test)")
        written.append(_save(fig, ax, out, "per_frame_f1.png"))
    calibrated = [n for n, r in report["models"].items() if "calibration" in r]
    if calibrated:
        fig, ax = plt.subplots(figsize=(5, 5))
        ax.plot([0, 1], [0, 1], "k--", lw=1)
        for n in calibrated:
            mean, freq, _ = report["models"][n]["calibration"]["reliability"]
            ax.plot(mean, freq, "o-", label=n)
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        written.append(_save(fig, ax, out, "reliability.png"))
    return written


def _save(fig, ax, out: Path, name: str) -> str:
    import matplotlib.pyplot as plt

    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / name, dpi=100)
    plt.close(fig)
    return name
