"""Frozen train/dev/test splits by document: made once, stored in ``splits.json``, read back."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from .errors import InputError

__all__ = ["SPLITS", "SPLITS_FILE", "make_splits", "read_splits", "splits_problems", "write_splits"]

SPLITS = ("train", "dev", "test")
SPLITS_FILE = "splits.json"


def make_splits(documents: Mapping[str, Iterable[str]], indicator, *, keep: Mapping[str, str] | None = None,
                extra_columns: Mapping[str, Iterable[int]] | None = None, sizes=(0.70, 0.15, 0.15),
                random_state: int = 0) -> dict[str, str]:
    """Assign documents to train/dev/test, stratified over the frames they contain.

    Documents are the units: their sentences never straddle splits.  Documents in ``keep``
    stay where they are; the others are assigned with ``iterstrat``'s multilabel stratified
    shuffle split, so each frame's documents are spread in proportion.

    Parameters
    ----------
    documents : mapping of doc_id -> frame ids
        Every document and the union of its sentences' frames.
    indicator : callable
        Turns a list of frame-id collections into a 0/1 matrix (``Codebook.to_indicator``).
    keep : mapping of doc_id -> split, optional
        Existing assignments, never changed.
    extra_columns : mapping of doc_id -> sequence of 0/1, optional
        More properties to spread evenly (e.g. "opinion article"); frame-free documents
        are always spread.

    Examples
    --------
    >>> docs = {f"d{i}": (["x"] if i % 2 else []) for i in range(20)}
    >>> ind = lambda rows: np.array([[1 if "x" in r else 0] for r in rows])
    >>> splits = make_splits(docs, ind, keep={"d0": "test"})
    >>> splits["d0"], sorted(set(splits.values()))
    ('test', ['dev', 'test', 'train'])
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    if len(sizes) != 3 or abs(sum(sizes) - 1) > 1e-9:
        raise InputError(f"sizes must be three shares summing to 1, got {sizes}")
    keep = dict(keep or {})
    bad = sorted({v for v in keep.values() if v not in SPLITS})
    if bad:
        raise InputError(f"existing splits name {', '.join(map(repr, bad))}; use {', '.join(SPLITS)}")
    docs = sorted(d for d in documents if d not in keep)
    assignment = {d: keep[d] for d in documents if d in keep}
    if docs:
        y = np.asarray(indicator([documents[d] for d in docs]))
        y = np.hstack([y, (~y.any(axis=1, keepdims=True)).astype(int)])  # frame-free documents spread too
        if extra_columns:
            y = np.hstack([y, np.array([list(extra_columns[d]) for d in docs], dtype=int)])
        first = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=sizes[1] + sizes[2],
                                                 random_state=random_state)
        train_idx, rest_idx = next(first.split(np.zeros(len(docs)), y))
        second = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=sizes[2] / (sizes[1] + sizes[2]),
                                                  random_state=random_state)
        dev_rel, test_rel = next(second.split(np.zeros(len(rest_idx)), y[rest_idx]))
        for name, indices in zip(SPLITS, (train_idx, rest_idx[dev_rel], rest_idx[test_rel])):
            for i in indices:
                assignment[docs[i]] = name
    return dict(sorted(assignment.items()))


_SPLITS_FIX = ("it must be JSON with a 'documents' object of doc_id -> train|dev|test; fix the line, "
               "or rewrite the file with `framing annotations split`")


def splits_problems(path: str | os.PathLike) -> tuple[dict[str, str], list[str]]:
    """Read a ``splits.json``: ``(doc_id -> split, problems)``, each problem ``file:line: …`` with the fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "splits.json"
    >>> _ = p.write_text(chr(10).join(['{"documents": {', '"d1": "train",', '"d2": "tset"', '}}']))
    >>> splits_problems(p)[1] == [f"{p}:3: unknown split name 'd2': 'tset'; use one of train, dev, test"]
    True
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as error:
        return {}, [f"{path}: not UTF-8 (byte {error.start}); {_SPLITS_FIX}"]
    except json.JSONDecodeError as error:
        return {}, [f"{path}:{error.lineno}: not a splits file: invalid JSON ({error.msg} at column "
                    f"{error.colno}); {_SPLITS_FIX}"]
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict):
        return {}, [f"{path}:1: not a splits file: no 'documents' object; {_SPLITS_FIX}"]
    lines = text.splitlines()
    problems = []
    for doc_id, split in documents.items():
        if split not in SPLITS:
            key = json.dumps(doc_id, ensure_ascii=False)
            line = next((n for n, raw in enumerate(lines, start=1) if raw.lstrip().startswith(key)), 1)
            problems.append(f"{path}:{line}: unknown split name {doc_id!r}: {split!r}; "
                            f"use one of {', '.join(SPLITS)}")
    return {d: v for d, v in documents.items() if v in SPLITS}, problems


def read_splits(path: str | os.PathLike) -> dict[str, str]:
    """``doc_id -> split`` from a ``splits.json``; a damaged file is named with the fix."""
    documents, problems = splits_problems(path)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError("; ".join(problems[:3]) + more)
    return documents


def write_splits(path: str | os.PathLike, assignment: Mapping[str, str], *, seed: int) -> None:
    """Write ``splits.json`` (one document per line, so diffs stay readable)."""
    Path(path).write_text(json.dumps({"seed": seed, "unit": "document", "documents": dict(assignment)},
                                     indent=0) + "\n", encoding="utf-8")


def documents_of(sentences) -> tuple[dict[str, set], dict[str, set]]:
    """Per document: the union of its sentences' frames, and its sentences' kinds."""
    frames: dict[str, set] = defaultdict(set)
    kinds: dict[str, set] = defaultdict(set)
    for s in sentences:
        frames[s.doc_id].update(s.frames)
        kinds[s.doc_id].add(s.kind)
    return frames, kinds
