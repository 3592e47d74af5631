"""Migrate the seed gold set to byline dropping being on by default (issue #13).

The seed articles are read through the cleaner, which now drops byline lines ("By Rick ROZOFF").
The byline sentences the annotators saw therefore vanish from the segmentation, and every later
sentence of those articles moves up.  This script

* removes the seed records whose sentence is a byline the cleaner now drops; it refuses unless
  the record is frame-free in ``frames`` and in every labelling of ``labels``;
* re-keys the remaining seed records of each article (``sentence_id`` ``{doc_id}:{index:03d}``
  and ``position``) by matching their text, in order, to the new segmentation; it refuses when a
  record's text is not found exactly;
* rewrites the ids of ``adjudication.tsv`` that point into the seed articles (it refuses when one
  points at a removed byline);
* checks that ``splits.json`` names documents only (doc ids do not change).

It never changes a label.  It is deterministic and idempotent: a second run changes nothing.

    PYTHONPATH=. python scripts/migrate_bylines.py --seeds ../shared/seeds --annotations annotations
    PYTHONPATH=. python scripts/migrate_bylines.py --check    # report only, write nothing
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from framing.cleaning import is_byline
from framing.readers import read_articles
from framing.segmentation import split_sentences


def migrate(seeds: Path, annotations: Path, write: bool) -> int:
    seeds_file = annotations / "seeds.jsonl"
    lines = seeds_file.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    segmented = {a.id: [s.text for s in split_sentences(a.text)] for a in read_articles(seeds)}

    by_doc: dict[str, list[dict]] = {}
    for record in records:
        by_doc.setdefault(record["doc_id"], []).append(record)
    line_of = {id(record): n for n, record in enumerate(records)}

    renamed: dict[str, str] = {}
    removed: list[dict] = []
    kept: list[dict] = []
    problems: list[str] = []
    for doc_id, doc_records in by_doc.items():
        if doc_id not in segmented:
            problems.append(f"{doc_id}: no such seed article in {seeds}")
            continue
        new_texts = segmented[doc_id]
        cursor = 0
        for record in sorted(doc_records, key=lambda r: r["position"]):
            text = record["text"]
            # Match in order: the next sentence of the new segmentation with this exact text.
            at = next((i for i in range(cursor, len(new_texts)) if new_texts[i] == text), None)
            if at is None:
                frames = [record["frames"]] + [label["frames"] for label in record.get("labels", [])]
                if not is_byline(text):
                    problems.append(f"{record['sentence_id']}: {text[:60]!r} is not in the new segmentation "
                                    "and is not a byline")
                elif any(frames):
                    problems.append(f"{record['sentence_id']}: byline {text!r} carries frames {frames}; "
                                    "a labelled sentence is not removed")
                else:
                    removed.append(record)
                continue
            if at != cursor:
                skipped = new_texts[cursor:at]
                problems.append(f"{record['sentence_id']}: new sentence(s) {skipped!r} before it have no record")
            cursor = at + 1
            new_id = f"{doc_id}:{at:03d}"
            if new_id != record["sentence_id"] or at != record["position"]:
                renamed[record["sentence_id"]] = new_id
            kept.append((line_of[id(record)], {**record, "sentence_id": new_id, "position": at}))
        if cursor != len(new_texts):
            problems.append(f"{doc_id}: new sentence(s) {new_texts[cursor:]!r} at the end have no record")

    adjudication_file = annotations / "adjudication.tsv"
    adjudication = adjudication_file.read_text(encoding="utf-8").splitlines(keepends=True)
    removed_ids = {r["sentence_id"] for r in removed}
    new_adjudication, adjudication_changes = [], []
    for number, line in enumerate(adjudication, start=1):
        sid, sep, rest = line.partition("\t")
        if sid in removed_ids:
            problems.append(f"{adjudication_file}:{number}: adjudicates {sid}, a byline to be removed")
        if sid in renamed:
            adjudication_changes.append((number, sid, renamed[sid]))
            line = renamed[sid] + sep + rest
        new_adjudication.append(line)

    splits = json.loads((annotations / "splits.json").read_text(encoding="utf-8"))
    split_docs = set(splits.get("documents", {}))
    if any(":" in doc for doc in split_docs):
        problems.append("splits.json names sentences, not documents: migrate it by hand")
    missing = sorted(set(by_doc) - split_docs)
    if missing:
        problems.append(f"splits.json has no split for {missing}")

    if problems:
        print("refused; nothing written:", *problems, sep="\n  ", file=sys.stderr)
        return 1

    kept = [record for _, record in sorted(kept, key=lambda pair: pair[0])]  # the file's order
    print(f"seeds.jsonl: {len(records)} records -> {len(kept)}")
    print(f"removed {len(removed)} byline record(s), all frame-free (frames and every labelling []):")
    for r in removed:
        annotators = ",".join(label["annotator"] for label in r.get("labels", []))
        print(f"  {r['sentence_id']}  {r['text']!r}  frames={r['frames']} annotator={r['annotator']} "
              f"labels by {annotators}")
    print(f"re-keyed {len(renamed)} record(s) (sentence_id and position; text and labels unchanged):")
    for doc_id in by_doc:
        moved = [(old, new) for old, new in renamed.items() if old.startswith(doc_id + ":")]
        if moved:
            print(f"  {doc_id}: {len(moved)} record(s), {moved[0][0]} -> {moved[0][1]} … "
                  f"{moved[-1][0]} -> {moved[-1][1]}")
    print(f"adjudication.tsv: {len(adjudication_changes)} id(s) rewritten")
    for number, old, new in adjudication_changes:
        print(f"  line {number}: {old} -> {new}")
    print("splits.json: names documents only; doc ids unchanged, nothing to do")

    if write and (removed or renamed):
        seeds_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
        adjudication_file.write_text("".join(new_adjudication), encoding="utf-8")
        print("written: seeds.jsonl, adjudication.tsv")
    elif not (removed or renamed):
        print("nothing to migrate: the gold set already matches the segmentation")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--check", action="store_true", help="report what would change; write nothing")
    args = parser.parse_args()
    raise SystemExit(migrate(args.seeds, args.annotations, write=not args.check))


if __name__ == "__main__":
    main()
