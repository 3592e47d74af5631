"""Lines removed as boilerplate on the seeds and the corpus, before and after the cleaning rules
of issue #13, plus cases that must survive and cases that must go.

Run from the checkout with ``../shared/`` beside it::

    python benchmarks/boilerplate.py > benchmarks/results/boilerplate.md

"Before" is ``framing/cleaning.py`` at commit c88985f (read with ``git show``); "after" is the
working tree.  The corpus texts are article bodies from PTC, SemEval-2025 and EUvsDisinfo
(summary and disproof), with no site furniture: every line removed there is a false alarm.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
BEFORE_COMMIT = "c88985f"

from framing.cleaning import clean_text  # noqa: E402

MUST_SURVIVE = [
    "Russia's security services use cookies to track dissidents, the report says.",
    "Akismet, the spam filter, was named in the leaked memo about comment manipulation.",
    "Dear Readers, today we publish a long investigation into NATO's bases in Central Asia.",
    "Tags: the word the regime uses for dissidents it wants to watch.",
    "Disclaimer: none of the officials we spoke to would go on the record.",
]
MUST_GO = [
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "We use cookies to give you the best browsing experience.",
    "Share this:",
    "Leave a Reply",
]


def _old_clean():
    source = subprocess.run(["git", "show", f"{BEFORE_COMMIT}:framing/cleaning.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_cleaning")
    exec(compile(source, "old_cleaning.py", "exec"), module.__dict__)
    return module.clean_boilerplate


def _removed(clean, text: str) -> list[str]:
    kept = {line.strip() for line in clean(text).split("\n")}
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n")
            if line.strip() and line.strip() not in kept]


def _texts():
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        yield "seeds", path.name, path.read_text(encoding="utf-8")
    for path in sorted((SHARED / "corpus").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            doc = row.get("doc_id") or row.get("case_id")
            for field in ("text", "summary", "disproof"):
                if isinstance(row.get(field), str):
                    yield "corpus", f"{path.name}:{doc}:{field}", row[field]


def main() -> None:
    old = _old_clean()
    new = lambda text: clean_text(text).text  # noqa: E731
    totals = {}
    changed = []
    for group, name, text in _texts():
        before, after = _removed(old, text), _removed(new, text)
        t = totals.setdefault(group, [0, 0, 0])
        t[0] += 1
        t[1] += len(before)
        t[2] += len(after)
        if before != after:
            changed.append((name, sorted(set(before) - set(after)), sorted(set(after) - set(before))))
    print("# Boilerplate removal: lines removed before and after (issue #13, row 1)\n")
    print("Reproduce: `python benchmarks/boilerplate.py > benchmarks/results/boilerplate.md`\n")
    print("| texts | count | lines removed before | lines removed after |\n|---|---|---|---|")
    for group, (n, b, a) in totals.items():
        print(f"| {group} | {n} | {b} | {a} |")
    print("\n## Texts whose removed lines changed\n")
    for name, kept_now, dropped_now in changed:
        print(f"- `{name}`")
        for line in kept_now:
            print(f"  - now kept: {line[:160]!r}")
        for line in dropped_now:
            print(f"  - now removed: {line[:160]!r}")
    if not changed:
        print("none")
    print("\n## Cases\n\n| line | before | after |\n|---|---|---|")
    for line, expected in [(s, "kept") for s in MUST_SURVIVE] + [(s, "removed") for s in MUST_GO]:
        text = "First real sentence of the article, long enough to be the body.\n\n" + line
        verdict = lambda clean: "kept" if line in clean(text) else "removed"  # noqa: E731
        print(f"| {line[:70]} | {verdict(old)} | {verdict(new)} (want {expected}) |")


if __name__ == "__main__":
    main()
