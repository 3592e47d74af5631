"""End-to-end batch scoring (read, segment, score, roll up, write JSONL) against bare predict_proba.

    python benchmarks/scoring_throughput.py [--model frames-word@1.0.0] [--sizes 10000 100000 1000000]
                                            [--repeats 3] [-o benchmarks/results/scoring_throughput.md]

Input: the seed articles repeated into a JSONL file of about N sentences (ids unique).

- **bare**: ``Tagger.predict_proba`` on the same sentences, already segmented and in memory,
  in batches of 5,000, in this process, on at most 200,000 sentences; the median of the repeats.
- **end-to-end**: ``framing score IN.jsonl -o OUT.jsonl --level sentence --jobs J`` in a fresh
  process.  *loop* is the time the command reports for reading, segmenting, scoring, rolling
  up and writing (after imports and model load); *wall* is the whole process, start-up
  included.  Medians of the repeats.
- **peak RSS**: the largest sum of resident memory over the command's process tree
  (parent and worker processes), sampled every 50 ms with psutil.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

import framing
from framing.cleaning import clean_boilerplate

ROOT = Path(__file__).resolve().parent.parent


def make_input(path: Path, sentences: int) -> int:
    seeds = ROOT.parent / "shared" / "seeds"
    articles = list(framing.read_articles(seeds))
    counts = [len(framing.split_sentences(a.text)) for a in articles]
    total = i = 0
    with open(path, "w") as handle:
        while total < sentences:
            a = articles[i % len(articles)]
            handle.write(json.dumps({"id": f"a{i}", "text": a.text}) + "\n")
            total += counts[i % len(articles)]
            i += 1
    return total


def bare_rate(model, source: Path, repeats: int) -> float:
    texts = []
    with open(source) as handle:
        for line in handle:
            texts.extend(s.text for s in framing.split_sentences(clean_boilerplate(json.loads(line)["text"])))
            if len(texts) >= 200_000:
                break
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        for i in range(0, len(texts), 5000):
            model.predict_proba(texts[i:i + 5000])
        rates.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(rates)


def run_cli(source: Path, output: Path, model: str, jobs: int) -> dict:
    command = [sys.executable, "-m", "framing.cli", "score", str(source), "-o", str(output), "--level",
               "sentence", "--model", model, "--jobs", str(jobs), "--no-progress"]
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stderr = process.stderr.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr}")
    match = re.search(r"(\d+) sentence\(s\) in ([\d.]+) s", stderr)
    return {"sentences": int(match[1]), "loop": float(match[2]), "wall": wall, "peak_mib": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="frames-word@1.0.0")
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--jobs", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("-o", "--output", help="also write the table to this Markdown file")
    args = parser.parse_args()
    model = framing.load(args.model)
    tmp = Path(tempfile.mkdtemp())
    lines = [f"model `{args.model}`; {psutil.cpu_count()} cores, Python {platform.python_version()}; "
             f"medians of {args.repeats} runs",
             "",
             "| sentences | bare predict_proba s/s | jobs | end-to-end s/s (loop) | ratio (loop) "
             "| end-to-end s/s (wall) | ratio (wall) | peak RSS MiB (all processes) |",
             "|---|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    for size in args.sizes:
        source = tmp / f"in_{size}.jsonl"
        make_input(source, size)
        bare = bare_rate(model, source, args.repeats)
        for jobs in args.jobs:
            runs = [run_cli(source, tmp / "out.jsonl", args.model, jobs) for _ in range(args.repeats)]
            n = runs[0]["sentences"]
            loop = n / statistics.median(r["loop"] for r in runs)
            wall = n / statistics.median(r["wall"] for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            line = (f"| {n:,} | {bare:,.0f} | {jobs} | {loop:,.0f} | {loop / bare:.2f} | {wall:,.0f} "
                    f"| {wall / bare:.2f} | {peak:,.0f} |")
            lines.append(line)
            print(line, flush=True)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
