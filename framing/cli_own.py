"""Commands on a researcher's own labels: ``framing train --data``, ``framing annotations
import / label-config / export --format label-studio|doccano``.  Called from :mod:`framing.cli`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["train_on_data_command", "interop_command"]


def train_on_data_command(args, params) -> int:
    """framing train --data FILE ..."""
    from .usertraining import train_on_data

    _, folder = train_on_data(args.data, text_field=args.text_field, frames_field=args.frames_field,
                              group_field=args.group_field, kind_field=args.kind_field,
                              codebook=args.codebook, name=args.name, version=args.model_version,
                              params=params, rebuttal_weight=args.rebuttal_weight,
                              make_default=args.default, description=args.description)
    metadata = json.loads((folder / "metadata.json").read_text())
    oof, data = metadata["metrics"]["out_of_fold"], metadata["training"]["data"]
    print(f"wrote {folder}")
    print(f"data: {data['file']} ({data['rows']} rows, sha256 {data['sha256'][:12]}…); positives: "
          + ", ".join(f"{f} {n}" for f, n in data["positives"].items()))
    print(f"out-of-fold: micro F1 {oof['micro_f1']:.3f}  macro F1 {oof['macro_f1']:.3f} "
          "(thresholds tuned on these predictions: optimistic; use framing bench on held-out data)")
    return 0


def interop_command(args) -> int:
    """framing annotations import / label-config / export --format label-studio|doccano."""
    from . import interop

    if args.action == "label-config":
        config = interop.label_config(args.codebook)
        if args.output:
            Path(args.output).write_text(config, encoding="utf-8")
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            print(config, end="")
        return 0
    if args.action == "import":
        if args.format == "label-studio":
            records = interop.read_label_studio(args.input, args.codebook, text_key=args.text_key)
        else:
            records = interop.read_doccano(args.input, args.codebook, annotator=args.annotator)
        count = interop.write_records(records, args.output)
        print(f"wrote {args.output}: {count} labelled sentence(s) from {args.input}")
        return 0
    if args.data:
        records = interop.read_records(args.data, args.codebook)
    else:
        from .annotations import load_annotations

        gold = load_annotations(args.paths, corpus=args.corpus)
        records = [{"id": s.sentence_id, "text": s.text, "frames": s.frames, "annotator": s.annotator,
                    "doc_id": s.doc_id, "kind": s.kind} for s in gold.sentences]
    write = interop.write_label_studio if args.format == "label-studio" else interop.write_doccano
    count = write(records, args.output)
    print(f"wrote {args.output}: {count} {'task(s)' if args.format == 'label-studio' else 'line(s)'}")
    return 0
