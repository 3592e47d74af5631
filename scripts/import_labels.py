"""Turn the v2 annotators' judgement files into ``seeds.jsonl`` and ``euvsdisinfo.jsonl``.

(The v3 corpus labels are imported by ``import_corpus_labels.py``.)

The labels themselves are the annotators' reading of each sentence (one TSV per
annotator batch: ``sentence_id<TAB>frames``); this script only re-derives each sentence's
offsets with framing's segmenter, stores the corpus sentences stand-off (offsets and a
SHA-256, no text) and merges the two labellings of doubly-labelled sentences with the
adjudicated decisions.  It assigns no label of its own.

    python scripts/import_labels.py --labels /work/labelling/out --adjudicated /work/labelling/adjudicated.tsv

The v2 judgement files name seed sentences by the segmentation of that time, which kept byline
lines; the seed articles are now read with bylines dropped (issue #13).  Segment the seeds with
``clean_text(..., bylines=False)`` semantics to run it as it was, then run
``scripts/migrate_bylines.py``, which removes the five frame-free byline records and re-keys the
rest to give today's ``seeds.jsonl``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from framing.corpus import DEFAULT_COLLECTION, Corpus, find_corpus, sentence_hash
from framing.codebook import load_codebook
from framing.readers import read_articles
from framing.segmentation import split_sentences


def read_tsv(path: Path) -> dict[str, list[str]]:
    labels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise SystemExit(f"{path}:{number}: expected sentence_id<TAB>frames")
        sid, frames = parts[0].strip(), parts[1].strip()
        values = [] if frames in ("-", "") else [f.strip() for f in frames.split(",") if f.strip()]
        labels[sid] = load_codebook().validate(values)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", required=True, type=Path)
    parser.add_argument("--adjudicated", type=Path)
    parser.add_argument("--seeds", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--out", type=Path, default=Path("annotations"))
    args = parser.parse_args()

    first: dict[str, tuple[str, list[str]]] = {}
    second: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(args.labels.glob("*.tsv")):
        stage, number = path.stem.split("_")
        annotator = ("a" if stage == "first" else "b") + number
        for sid, frames in read_tsv(path).items():
            (first if stage == "first" else second)[sid] = (annotator, frames)
    adjudicated = read_tsv(args.adjudicated) if args.adjudicated and args.adjudicated.exists() else {}

    def record(sid, base):
        annotator, frames = first[sid]
        labels = [{"annotator": annotator, "frames": frames}]
        if sid in second:
            labels.append({"annotator": second[sid][0], "frames": second[sid][1]})
            if second[sid][1] != frames:
                if sid not in adjudicated:
                    raise SystemExit(f"{sid}: annotators disagree and no adjudicated label is given")
                frames = adjudicated[sid]
            annotator = "adjudicated"
        return {**base, "frames": frames, "annotator": annotator, "labels": labels}

    seeds_out, corpus_out = [], []
    for article in read_articles(args.seeds):
        for s in split_sentences(article.text):
            sid = f"{article.id}:{s.index:03d}"
            if sid not in first:
                raise SystemExit(f"seed sentence {sid} has no label")
            seeds_out.append(record(sid, {
                "sentence_id": sid, "doc_id": article.id, "position": s.index, "source": "seed",
                "kind": "opinion", "title": article.title, "url": article.url, "text": s.text}))
    cases = Corpus(find_corpus()).documents(DEFAULT_COLLECTION)
    labelled_cases = sorted({sid.split(":")[0] for sid in first if sid.startswith("euvs-")})
    for case_id in labelled_cases:
        case = cases[case_id]
        position = 0
        for field, kind in (("summary", "claim"), ("disproof", "disproof")):
            for s in split_sentences(case[field]):
                sid = f"{case_id}:{field}:{s.index}"
                if sid not in first:
                    raise SystemExit(f"corpus sentence {sid} has no label")
                corpus_out.append(record(sid, {
                    "sentence_id": sid, "doc_id": case_id, "position": position, "source": "euvsdisinfo",
                    "kind": kind, "field": field, "start": s.start, "end": s.end,
                    "sha256": sentence_hash(s.text)}))
                position += 1
    written = {row["sentence_id"] for row in seeds_out + corpus_out}
    orphaned = sorted((set(first) | set(second) | set(adjudicated)) - written)
    if orphaned:
        raise SystemExit(f"{len(orphaned)} label(s) name sentences the segmenter no longer produces "
                         f"(e.g. {', '.join(orphaned[:3])}); nothing was written")
    args.out.mkdir(exist_ok=True)
    for name, rows in (("seeds.jsonl", seeds_out), ("euvsdisinfo.jsonl", corpus_out)):
        with open(args.out / name, "w", encoding="utf-8") as handle:
            for row in rows:
                row = {k: v for k, v in row.items() if v is not None}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"seeds: {len(seeds_out)} sentences; corpus: {len(corpus_out)} sentences "
          f"({len(labelled_cases)} cases); doubly labelled: {len(second)}")


if __name__ == "__main__":
    main()
