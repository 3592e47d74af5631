"""Turn annotators' judgement files for corpus documents into stand-off annotation records.

The labels are the annotators' reading of each sentence (``annotations/judgements/``:
``first_N.tsv`` and ``second_N.tsv`` hold ``sentence_id<TAB>frames``; ``kinds_*.tsv`` hold
``doc_id<TAB>kind`` for articles; ``adjudicated_v3.tsv`` holds ``sentence_id<TAB>frames<TAB>reason``
for every sentence where two annotators disagree; ``review_v3.tsv`` holds the reviewer's
corrections, with reasons, of single-annotator labels re-read under decisions C3-6..C3-13).  This script only re-derives each
sentence's offsets with framing's segmenter, stores them stand-off (collection, document,
field, offsets, SHA-256; no text) and merges the two labellings with the adjudicated
decision.  It assigns no label of its own, and refuses to write if any sentence of a
labelled document lacks a label.

    python scripts/import_corpus_labels.py --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from framing.codebook import load_codebook
from framing.corpus import Corpus, find_corpus, sentence_hash
from framing.segmentation import split_sentences

# collection -> (annotation file, source, fields with their kind; None: the document's judged kind)
COLLECTIONS = {
    "euvsdisinfo_cases_2015_2017": ("euvsdisinfo_v3.jsonl", "euvsdisinfo", (("summary", "claim"), ("disproof", "disproof"))),
    "euvsdisinfo_cases_extra": ("euvsdisinfo_v3.jsonl", "euvsdisinfo", (("summary", "claim"), ("disproof", "disproof"))),
    "articles_semeval2025_test_en": ("semeval2025.jsonl", "semeval2025", (("title", None), ("text", None))),
    "articles_ptc_en": ("ptc.jsonl", "ptc", (("title", None), ("text", None))),
}


def read_labels(path: Path) -> dict[str, list[str]]:
    codebook = load_codebook()
    labels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise SystemExit(f"{path}:{number}: expected sentence_id<TAB>frames")
        sid, frames = parts[0].strip(), parts[1].strip()
        if sid in labels:
            raise SystemExit(f"{path}:{number}: {sid} labelled twice in one file")
        values = [] if frames in ("-", "") else sorted({f.strip() for f in frames.split(",") if f.strip()},
                                                       key=codebook.index)
        labels[sid] = codebook.validate(values)
    return labels


def read_kinds(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    first, second = {}, {}
    for path in sorted(folder.glob("kinds_*.tsv")):
        target = second if path.stem.startswith("kinds_b") else first
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc_id, kind = (p.strip() for p in line.split("\t")[:2])
                if kind not in ("opinion", "news", "factcheck"):
                    raise SystemExit(f"{path}: {doc_id} has kind {kind!r}")
                target[doc_id] = kind
    return first, second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judgements", type=Path, default=Path("annotations/judgements"))
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--out", type=Path, default=Path("annotations"))
    args = parser.parse_args()

    first: dict[str, tuple[str, list[str]]] = {}
    second: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(args.judgements.glob("*.tsv")):
        stage, _, number = path.stem.partition("_")
        if stage not in ("first", "second"):
            continue
        annotator = ("a" if stage == "first" else "b") + number
        target = first if stage == "first" else second
        for sid, frames in read_labels(path).items():
            if sid in target:
                raise SystemExit(f"{sid} has two {stage} labellings")
            target[sid] = (annotator, frames)
    adjudicated_path = args.judgements / "adjudicated_v3.tsv"
    adjudicated = read_labels(adjudicated_path) if adjudicated_path.exists() else {}
    # Single-annotator labels re-read after adjudication added decisions C3-6..C3-13.
    review_path = args.judgements / "review_v3.tsv"
    reviewed = read_labels(review_path) if review_path.exists() else {}
    kinds, second_kinds = read_kinds(args.judgements)
    labelled_docs = {sid.split(":")[0] for sid in first}

    corpus = Corpus(find_corpus(args.corpus))
    out: dict[str, list[dict]] = defaultdict(list)
    written: set[str] = set()
    unresolved = []
    for collection, (filename, source, fields) in COLLECTIONS.items():
        for doc_id, document in sorted(corpus.documents(collection).items()):
            if doc_id not in labelled_docs:
                continue
            position = 0
            for field, kind in fields:
                for s in split_sentences(document.get(field) or ""):
                    sid = f"{doc_id}:{field}:{s.index}"
                    if sid not in first:
                        raise SystemExit(f"corpus sentence {sid} has no label")
                    annotator, frames = first[sid]
                    labels = [{"annotator": annotator, "frames": frames}]
                    if sid in second:
                        labels.append({"annotator": second[sid][0], "frames": second[sid][1]})
                        if second[sid][1] != frames:
                            if sid not in adjudicated:
                                unresolved.append(sid)
                                continue
                            frames = adjudicated[sid]
                        annotator = "adjudicated"
                    elif sid in reviewed:
                        frames, annotator = reviewed[sid], "reviewed"
                    record = {
                        "sentence_id": sid, "doc_id": doc_id, "position": position, "source": source,
                        "kind": kind or kinds[doc_id], "collection": collection, "field": field,
                        "start": s.start, "end": s.end, "sha256": sentence_hash(s.text),
                        "frames": frames, "annotator": annotator, "labels": labels}
                    if kind is None and doc_id in second_kinds:
                        record["kind_labels"] = [kinds[doc_id], second_kinds[doc_id]]
                    out[filename].append(record)
                    written.add(sid)
                    position += 1
    if unresolved:
        Path("/tmp/unresolved.txt").write_text("\n".join(unresolved) + "\n")
        raise SystemExit(f"{len(unresolved)} disagreement(s) have no adjudicated label "
                         f"(listed in /tmp/unresolved.txt); nothing was written")
    orphaned = sorted((set(first) | set(second) | set(adjudicated) | set(reviewed)) - written)
    if orphaned:
        raise SystemExit(f"{len(orphaned)} label(s) name sentences the segmenter does not produce "
                         f"(e.g. {', '.join(orphaned[:3])}); nothing was written")
    for filename, rows in out.items():
        with open(args.out / filename, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{filename}: {len(rows)} sentences")
    print(f"doubly labelled: {len(second)}; adjudicated disagreements: {len(adjudicated)}")


if __name__ == "__main__":
    main()
