"""Peak memory and time of `framing score` on one very long article (issue #13, row 10).

Each measurement runs in a fresh process, which reports its own peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``).  The article is made of real seed
sentences repeated to the target size, in one of three shapes: ``paragraphs`` (of 5
sentences, between blank lines), ``lines`` (the same paragraphs on lines of their own, no
blank line anywhere) and ``one-line`` (no line break at all).

    python benchmarks/long_article_memory.py [--sizes 5 20 50] [--shapes paragraphs lines]
        [--model frames@2.0.0]

Writes ``benchmarks/results/long_article_memory.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, threading, time
import framing
from framing.batch import score_chunks, score_to_file
from framing.readers import read_articles
from framing.writers import open_writer
model, level, source, out, mode = sys.argv[1:6]
framing.load(model)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if mode == "run":
    started = time.perf_counter()
    summary = score_to_file([source], out, model=model, level=level, overwrite=True)
    print(json.dumps({"seconds": time.perf_counter() - started, "sentences": summary.sentences,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "loaded_mib": base / 1024}))
else:  # scoring only: RSS sampled every 5 ms, over the RSS with the article already read
    page = os.sysconf("SC_PAGE_SIZE")
    rss = lambda: int(open("/proc/self/statm").read().split()[1]) * page / 2**20
    articles = list(read_articles([source], stream_long=True))  # as framing score reads it
    framing.load(model).score_batch([framing.Article("warm", "NATO surrounds Russia. " * 3000)])  # first-call buffers
    before, peak, running = rss(), [0.0], [True]
    def sample():
        while running[0]:
            peak[0] = max(peak[0], rss())
            time.sleep(0.005)
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    writer = open_writer(out, "jsonl")
    for chunk in score_chunks(articles, model=model, level=level, encoder=writer.encoder):
        writer.write_chunk(chunk)
    writer.close()
    running[0] = False
    thread.join()
    print(json.dumps({"read_mib": before, "scoring_peak_mib": max(peak[0], rss())}))
"""


SEPARATORS = {"paragraphs": "\n\n", "lines": "\n", "one-line": " "}


def make_article(path: Path, megabytes: float, shape: str = "paragraphs") -> None:
    sentences = [json.loads(line)["text"] for line in (ROOT / "annotations" / "seeds.jsonl").open()]
    target = int(megabytes * 1_000_000)
    with open(path, "w", encoding="utf-8") as handle:
        written, i = 0, 0
        while written < target:
            paragraph = " ".join(sentences[(i + k) % len(sentences)] for k in range(5)) + SEPARATORS[shape]
            handle.write(paragraph)
            written += len(paragraph.encode("utf-8"))
            i += 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 20, 50])
    parser.add_argument("--shapes", nargs="+", default=["paragraphs", "lines"], choices=sorted(SEPARATORS))
    parser.add_argument("--levels", nargs="+", default=["article", "sentence"])
    parser.add_argument("--model", default="frames@2.0.0")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for shape, size in [(shape, size) for shape in args.shapes for size in args.sizes]:
            article = Path(folder) / f"long_{size:g}mb.txt"
            make_article(article, size, shape)
            for level in args.levels:
                out = Path(folder) / f"out_{size:g}_{level}.jsonl"
                measured = {}
                for mode in ("run", "scoring"):
                    result = subprocess.run([sys.executable, "-c", CHILD, args.model, level, str(article), str(out),
                                             mode], capture_output=True, text=True, check=True, cwd=ROOT)
                    measured.update(json.loads(result.stdout.strip().splitlines()[-1]))
                rows.append({"size_mb": size, "shape": shape, "level": level, **measured})
                print(rows[-1], file=sys.stderr)
    lines = ["# Peak memory on one long article", "",
             f"`python benchmarks/long_article_memory.py` with `{args.model}`; one fresh process per row; "
             "peak RSS of that process (`ru_maxrss`), after loading the model and during the run.", "",
             "Scoring only: a second process reads the article first, then scores it with the same writer; "
             "its RSS is sampled every 5 ms, and the growth is over the RSS with the article already read and one "
             "short article scored (the model's first call allocates its buffers once).", "",
             "| article | shape | level | sentences | seconds | RSS after loading the model (MiB) | peak RSS (MiB) "
             "| growth (MiB) | after reading (MiB) | scoring only: growth over the read article (MiB) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size_mb']:g} MB | {r['shape']} | {r['level']} | {r['sentences']:,} | {r['seconds']:.1f} | "
                     f"{r['loaded_mib']:.0f} | {r['peak_mib']:.0f} | {r['peak_mib'] - r['loaded_mib']:.0f} | "
                     f"{r['read_mib']:.0f} | {r['scoring_peak_mib'] - r['read_mib']:.0f} |")
    target = ROOT / "benchmarks" / "results" / "long_article_memory.md"
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
