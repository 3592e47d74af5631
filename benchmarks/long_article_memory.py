"""Peak memory and time of `framing score` on one very long article (issue #13, row 10).

Each measurement runs in a fresh process, which reports its own peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``).  The article is made of real seed
sentences repeated to the target size, in paragraphs of 5 sentences.

    python benchmarks/long_article_memory.py [--sizes 5 20] [--model frames@1.0.0]

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
import json, resource, sys, time
import framing
from framing.batch import score_to_file
model, level, source, out = sys.argv[1:5]
framing.load(model)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
summary = score_to_file([source], out, model=model, level=level, overwrite=True)
print(json.dumps({"seconds": time.perf_counter() - started, "sentences": summary.sentences,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "loaded_mib": base / 1024}))
"""


def make_article(path: Path, megabytes: float) -> None:
    sentences = [json.loads(line)["text"] for line in (ROOT / "annotations" / "seeds.jsonl").open()]
    target = int(megabytes * 1_000_000)
    with open(path, "w", encoding="utf-8") as handle:
        written, i = 0, 0
        while written < target:
            paragraph = " ".join(sentences[(i + k) % len(sentences)] for k in range(5)) + "\n\n"
            handle.write(paragraph)
            written += len(paragraph.encode("utf-8"))
            i += 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 20])
    parser.add_argument("--levels", nargs="+", default=["article", "sentence"])
    parser.add_argument("--model", default="frames@1.0.0")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            article = Path(folder) / f"long_{size:g}mb.txt"
            make_article(article, size)
            for level in args.levels:
                out = Path(folder) / f"out_{size:g}_{level}.jsonl"
                result = subprocess.run([sys.executable, "-c", CHILD, args.model, level, str(article), str(out)],
                                        capture_output=True, text=True, check=True, cwd=ROOT)
                measured = json.loads(result.stdout.strip().splitlines()[-1])
                rows.append({"size_mb": size, "level": level, **measured})
                print(rows[-1], file=sys.stderr)
    lines = ["# Peak memory on one long article", "",
             f"`python benchmarks/long_article_memory.py` with `{args.model}`; one fresh process per row; "
             "peak RSS of that process (`ru_maxrss`), after loading the model and during the run.", "",
             "| article | level | sentences | seconds | RSS after loading the model (MiB) | peak RSS (MiB) | growth (MiB) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['size_mb']:g} MB | {r['level']} | {r['sentences']:,} | {r['seconds']:.1f} | "
                     f"{r['loaded_mib']:.0f} | {r['peak_mib']:.0f} | {r['peak_mib'] - r['loaded_mib']:.0f} |")
    target = ROOT / "benchmarks" / "results" / "long_article_memory.md"
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
