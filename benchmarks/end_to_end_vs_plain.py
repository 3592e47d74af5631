"""The default model's end-to-end ``framing score`` rate in one process, measured in the same run
as the bare ``predict_proba`` of a plain word TF-IDF + logistic-regression pipeline.

    python benchmarks/end_to_end_vs_plain.py [--model frames@2.0.0] [--sentences 100000] [--repeats 3]
                                            [-o benchmarks/results/end_to_end_vs_plain.md]

- Input: the seed articles repeated into a JSONL file of about N sentences (unique ids).
- **end-to-end**: ``framing score IN.jsonl -o OUT.jsonl --level sentence --jobs 1`` in a fresh process;
  *loop* is the rate the command reports (reading, cleaning, language check, segmentation,
  scoring with context, records, JSONL writing), *wall* includes start-up and model load.
- **plain**: ``TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)`` into one-vs-rest
  ``LogisticRegression``, fitted on the gold train split, ``predict_proba`` on the same sentences
  already segmented and in memory, in this process.
Medians of the repeats; the runs alternate so both see the same machine load.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_input(path: Path, sentences: int) -> list[str]:
    import framing
    from framing.segmentation import split_sentences

    articles = list(framing.read_articles(ROOT.parent / "shared" / "seeds"))
    texts, rows, n = [], [], 0
    while n < sentences:
        for article in articles:
            rows.append({"id": f"{article.id}-{len(rows)}", "text": article.text})
            cut = [s.text for s in split_sentences(article.text)]
            texts.extend(cut)
            n += len(cut)
            if n >= sentences:
                break
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return texts


def plain_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from framing import load_annotations

    gold = load_annotations(ROOT / "annotations")
    texts, y, _ = gold.xy("train")
    active = y.sum(axis=0) > 0
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                         OneVsRestClassifier(LogisticRegression(C=4.0, solver="liblinear"))).fit(texts, y[:, active])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="frames@2.0.0")
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("-o", "--output", default=str(ROOT / "benchmarks" / "results" / "end_to_end_vs_plain.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        texts = make_input(source, args.sentences)
        plain = plain_pipeline()
        plain.predict_proba(texts[:1000])
        loops, walls, bares = [], [], []
        for _ in range(args.repeats):
            out = Path(tmp) / "out.jsonl"
            out.unlink(missing_ok=True)
            started = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "framing.cli", "score", str(source), "-o", str(out),
                                  "--level", "sentence", "--jobs", "1", "--model", args.model, "--no-progress"],
                                 capture_output=True, text=True, check=True)
            wall = time.perf_counter() - started
            match = re.search(r"scored (\d+) article\(s\), (\d+) sentence\(s\) in ([\d.]+) s", run.stderr)
            sentences, seconds = int(match.group(2)), float(match.group(3))
            loops.append(sentences / seconds)
            walls.append(sentences / wall)
            started = time.perf_counter()
            plain.predict_proba(texts)
            bares.append(len(texts) / (time.perf_counter() - started))
    loop, wall, bare = statistics.median(loops), statistics.median(walls), statistics.median(bares)
    lines = [
        "# End-to-end `framing score` against a plain word TF-IDF + LR pipeline",
        "",
        f"_`python benchmarks/end_to_end_vs_plain.py --model {args.model} --sentences {args.sentences} "
        f"--repeats {args.repeats}`; one process, this 2-core machine, medians of {args.repeats}._",
        "",
        "| measure | sentences/s |",
        "|---|---|",
        f"| `framing score --jobs 1`, {args.model}, loop (read → write) | {loop:,.0f} |",
        f"| `framing score --jobs 1`, {args.model}, wall (start-up and model load included) | {wall:,.0f} |",
        f"| plain TF-IDF(1-2) + OvR LR, bare `predict_proba` in memory | {bare:,.0f} |",
        "",
        f"- ratio end-to-end loop / plain bare predict: **{loop / bare:.2f}** (wall: {wall / bare:.2f})",
        f"- sentences scored: {sentences:,}; every run: {', '.join(f'{x:,.0f}' for x in loops)} (loop), "
        f"{', '.join(f'{x:,.0f}' for x in bares)} (plain)",
        "",
    ]
    Path(args.output).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
