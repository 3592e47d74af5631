"""End-to-end scoring (read, segment, score, roll up, write JSONL) against bare predict_proba.

    python benchmarks/scoring_throughput.py [--model frames-word@1.0.0] [--sizes 10000 100000]

Input: seed articles repeated into a JSONL file of N sentences; each size runs in a fresh
process so that peak RSS (resource.getrusage) is per run.
"""
import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import framing


def make_input(path: Path, sentences: int) -> int:
    seeds = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
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


def child(args):
    from framing.cli import main as cli

    started = time.perf_counter()
    cli(["score", args.input, "-o", args.output, "--level", "sentence", "--model", args.model,
         "--jobs", str(args.jobs), "--chunk-size", "64", "--no-progress"])
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="frames-word@1.0.0")
    parser.add_argument("--sizes", nargs="+", type=int, default=[10000, 100000])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        return child(args)
    model = framing.load(args.model)
    tmp = Path(tempfile.mkdtemp())
    print(f"model {args.model}; 2-core machine\n")
    print("| sentences | bare predict_proba s/s | end-to-end jobs=1 s/s | ratio | end-to-end jobs=2 s/s | peak RSS MiB (jobs=1) |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        source = tmp / f"in_{size}.jsonl"
        n = make_input(source, size)
        texts = [s.text for line in open(source) for s in framing.split_sentences(json.loads(line)["text"])]
        started = time.perf_counter()
        for i in range(0, len(texts), 5000):
            model.predict_proba(texts[i:i + 5000])
        bare = n / (time.perf_counter() - started)
        rates, peaks = {}, {}
        for jobs in (1, 2):
            out = subprocess.run([sys.executable, __file__, "--child", "--input", str(source), "--output",
                                  str(tmp / "out.jsonl"), "--model", args.model, "--jobs", str(jobs)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rates[jobs], peaks[jobs] = n / result["seconds"], result["peak_rss_mib"]
        print(f"| {n:,} | {bare:,.0f} | {rates[1]:,.0f} | {rates[1] / bare:.2f} | {rates[2]:,.0f} | {peaks[1]:,.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
