"""A researcher's own labelled sentences: read, check and describe them.

Sources: CSV, TSV, JSONL, JSON (a list of objects), Parquet, a saved ``datasets`` dataset
(folder), a ``datasets.Dataset`` or a pandas ``DataFrame``.  The frames of a row are a list
(JSONL, Parquet, datasets), a JSON list in a cell (``["a", "b"]``) or ids separated by ``;``
(``a;b``); an empty cell means "no frame".

Every problem is collected first and reported together, each naming the file, the line (or
row), the field and the fix, as one :class:`UserDataError`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from .goldset import normalise_text
from .codebook import Codebook
from .owncodebook import resolve_codebook
from .errors import InputError

__all__ = ["UserDataError", "LabelledData", "read_labelled", "check_trainable", "text_fingerprints",
           "parse_frames"]

_SHOWN = 50


class UserDataError(InputError):
    """Labelled data that cannot be used; ``problems`` lists each as ``file:line: field …; fix``."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n".join(self.problems[:_SHOWN])
        more = f"\n… and {len(self.problems) - _SHOWN} more" if len(self.problems) > _SHOWN else ""
        super().__init__(f"{len(self.problems)} problem(s) in the labelled data:\n{shown}{more}")


@dataclass
class LabelledData:
    """Checked labelled sentences: texts, frame lists, optional groups and kinds, provenance."""

    texts: list[str]
    frames: list[list[str]]
    groups: list[str] | None
    kinds: list[str] | None
    locations: list[str]
    source: str
    sha256: str
    codebook: Codebook

    def __len__(self) -> int:
        return len(self.texts)

    def indicator(self) -> np.ndarray:
        """0/1 matrix in codebook order, shape ``(n, n_frames)``."""
        return self.codebook.to_indicator(self.frames)

    def positives(self) -> dict[str, int]:
        """Rows labelled with each frame, in codebook order."""
        counts = self.indicator().sum(axis=0) if self.texts else np.zeros(len(self.codebook), int)
        return {f: int(c) for f, c in zip(self.codebook.frame_ids, counts)}

    def describe(self) -> dict[str, Any]:
        """What the model card and metadata record about the data."""
        return {"file": Path(self.source).name, "source": self.source, "sha256": self.sha256,
                "rows": len(self), "groups": len(set(self.groups)) if self.groups else None,
                "positives": self.positives()}


def text_fingerprints(texts: Sequence[str]) -> list[str]:
    """Sorted, unique 16-hex-digit prefixes of the SHA-256 of each normalised text.

    Case, spacing and punctuation are folded first (as for the gold set's duplicates), so
    the same sentence typed twice gives one fingerprint.

    Examples
    --------
    >>> text_fingerprints(["NATO expands.", "nato  expands"]) == text_fingerprints(["Nato expands!"])
    True
    """
    return sorted({hashlib.sha256(normalise_text(t).encode("utf-8")).hexdigest()[:16] for t in texts})


def parse_frames(cell: Any) -> list[str]:
    """Frame ids from a cell: a list, a JSON list, ``a;b``, or empty.

    Examples
    --------
    >>> parse_frames('["a", "b"]'), parse_frames("a; b"), parse_frames(""), parse_frames(None)
    (['a', 'b'], ['a', 'b'], [], [])
    """
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    if isinstance(cell, (list, tuple, np.ndarray)):
        values = list(cell)
    elif isinstance(cell, str):
        text = cell.strip()
        if text.startswith("["):
            try:
                values = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"is not a valid JSON list ({error.msg})") from None
            if not isinstance(values, list):
                raise ValueError("is not a JSON list")
        else:
            values = text.split(";")
    else:
        raise ValueError(f"is a {type(cell).__name__}; write frame ids as a list or 'a;b'")
    if not all(isinstance(v, str) for v in values):
        raise ValueError("holds a value that is not a frame id string")
    return [v.strip() for v in values if v.strip()]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _decode(path: Path, raw: bytes) -> str:
    """A JSON or JSONL file's text; bytes that are not UTF-8 are a :class:`UserDataError` naming the line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise UserDataError([f"{path}:{line}: not UTF-8 text ({error.reason} at byte {error.start}); "
                             "save the file as UTF-8"]) from None


def _rows(data: Any) -> tuple[str, list[str], Iterator[tuple[str, dict]], str | None]:
    """(source name, columns, (location, row) pairs, file hash or None) for any supported input."""
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas DataFrame
        records = data.to_dict(orient="records")
        return ("DataFrame", [str(c) for c in data.columns],
                ((f"DataFrame row {i}", r) for i, r in zip(data.index, records)), None)
    if hasattr(data, "column_names") and hasattr(data, "features"):  # datasets.Dataset
        return ("Dataset", list(data.column_names),
                ((f"Dataset row {i + 1}", r) for i, r in enumerate(data)), None)
    path = Path(data)
    if not path.exists():
        raise UserDataError([f"{path}: no such file; check the path given to --data"])
    if path.is_dir():
        try:
            import datasets

            dataset = datasets.load_from_disk(str(path))
        except Exception as error:  # noqa: BLE001 - datasets raises many kinds
            raise UserDataError([f"{path}: a folder that is not a saved datasets dataset ({error}); "
                                 "save it with Dataset.save_to_disk or pass a file"]) from None
        if hasattr(dataset, "keys"):  # DatasetDict
            raise UserDataError([f"{path}: holds several splits ({', '.join(dataset)}); save one split"])
        return (str(path), list(dataset.column_names),
                ((f"{path}: row {i + 1}", r) for i, r in enumerate(dataset)), _file_sha256(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        digest = _file_sha256(path)
        handle = open(path, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
        columns = list(reader.fieldnames or [])

        def csv_rows():
            with handle:
                for row in reader:
                    yield f"{path}:{reader.line_num}", row
        return str(path), columns, csv_rows(), digest
    if suffix in (".jsonl", ".ndjson", ".json"):
        raw = path.read_bytes()  # hashed and parsed from the same bytes
        digest = hashlib.sha256(raw).hexdigest()
        text = _decode(path, raw)
    if suffix in (".jsonl", ".ndjson"):
        lines = text.splitlines()
        records = []
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    records.append((f"{path}:{number}", json.loads(line)))
                except json.JSONDecodeError as error:
                    records.append((f"{path}:{number}", ValueError(f"not valid JSON ({error.msg})")))
        first = next((r for _, r in records if isinstance(r, dict)), {})
        return str(path), list(first), iter(records), digest
    if suffix == ".json":
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise UserDataError([f"{path}:{error.lineno}: not valid JSON ({error.msg}, column {error.colno}); "
                                 "fix the syntax there, or write one object per line as .jsonl"]) from None
        if not isinstance(items, list):
            raise UserDataError([f"{path}: a .json file must hold a list of row objects; "
                                 "or write one object per line as .jsonl"])
        first = items[0] if items and isinstance(items[0], dict) else {}
        return (str(path), list(first),
                ((f"{path}: item {i + 1}", r) for i, r in enumerate(items)), digest)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return (str(path), list(table.column_names),
                ((f"{path}: row {i + 1}", r) for i, r in enumerate(table.to_pylist())), _file_sha256(path))
    raise UserDataError([f"{path}: unknown file type {suffix!r}; use .csv, .tsv, .jsonl, .json, "
                         ".parquet or a saved datasets folder"])


def read_labelled(data: Any, *, text_field: str = "text", frames_field: str = "frames",
                  group_field: str | None = None, kind_field: str | None = None,
                  codebook: Codebook | str | os.PathLike | dict | None = None) -> LabelledData:
    """Read and check labelled sentences from a file, a DataFrame or a ``datasets.Dataset``.

    Parameters
    ----------
    data : path, pandas.DataFrame or datasets.Dataset
        The labelled rows.
    text_field, frames_field : str
        Columns with the sentence and its frames.
    group_field : str, optional
        Column with the document of each sentence (folds and bootstrap keep documents whole).
    kind_field : str, optional
        Column with the document kind (``news``, ``factcheck`` …; rebuttal suite).
    codebook : Codebook, path, dict or None
        The frame ids to accept; the built-in codebook by default.

    Returns
    -------
    LabelledData

    Raises
    ------
    UserDataError
        Missing columns, empty texts, unknown frame ids, unreadable cells; all at once.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"text": ["NATO surrounds Russia.", "It rained."],
    ...                       "frames": ["nato_encirclement", ""]})
    >>> read_labelled(frame).frames
    [['nato_encirclement'], []]
    """
    codebook = resolve_codebook(codebook)
    source, columns, rows, digest = _rows(data)
    wanted = {"--text-field": text_field, "--frames-field": frames_field}
    if group_field:
        wanted["--group-field"] = group_field
    if kind_field:
        wanted["--kind-field"] = kind_field
    missing = [f"{source}: field {name!r} ({option}) is not a column; columns are: "
               f"{', '.join(columns) or 'none'}. Fix: pass {option} with one of them"
               + (" or leave the option out" if option in ("--group-field", "--kind-field") else "")
               for option, name in wanted.items() if columns and name not in columns]
    if not columns:
        missing.append(f"{source}: holds no rows; add labelled rows")
    if missing:
        raise UserDataError(missing)
    texts, frames, groups, kinds, locations, problems = [], [], [], [], [], []
    for where, row in rows:
        if isinstance(row, Exception) or not isinstance(row, dict):
            problems.append(f"{where}: {row if isinstance(row, Exception) else 'not an object'}; "
                            "write one JSON object per line")
            continue
        text = row.get(text_field)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: field {text_field!r} is empty; write the sentence or delete the row")
        try:
            labels = parse_frames(row.get(frames_field))
        except ValueError as error:
            problems.append(f"{where}: field {frames_field!r} {error}; write e.g. [\"a\", \"b\"] or a;b")
            labels = []
        for label in labels:
            if label not in codebook.frame_ids:
                hint = " (separate frames with ';')" if "," in label else ""
                problems.append(f"{where}: field {frames_field!r}: {codebook.unknown_message(label)}{hint}. "
                                "Fix: correct the label, or add the frame to the codebook (--codebook FILE)")
        if group_field:
            group = row.get(group_field)
            if group is None or str(group).strip() in ("", "nan"):
                problems.append(f"{where}: field {group_field!r} is empty; give every row its document id")
            groups.append(str(group))
        if kind_field:
            kind = row.get(kind_field)
            if kind not in codebook.document_kinds:
                problems.append(f"{where}: field {kind_field!r} has {kind!r}; use one of "
                                f"{', '.join(codebook.document_kinds)}")
            kinds.append(str(kind))
        texts.append(text if isinstance(text, str) else "")
        frames.append(codebook.validate(label for label in labels if label in codebook.frame_ids))
        locations.append(where)
    if problems:
        raise UserDataError(problems)
    if digest is None:
        digest = hashlib.sha256(json.dumps([texts, frames, groups, kinds], ensure_ascii=False)
                                .encode("utf-8")).hexdigest()
    return LabelledData(texts, frames, groups if group_field else None, kinds if kind_field else None,
                        locations, source, digest, codebook)


def check_trainable(data: LabelledData, *, min_positives: int = 3, cv: int = 5) -> None:
    """Refuse data a model cannot learn from: frames with too few positives, too few rows or groups.

    Raises
    ------
    UserDataError
        One problem per frame with fewer than ``min_positives`` positives (with the rows that
        have it), and for fewer rows or documents than cross-validation folds.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"text": ["NATO surrounds Russia.", "It rained."], "frames": ["nato_encirclement", ""]})
    >>> try:
    ...     check_trainable(read_labelled(rows), min_positives=1, cv=2)
    ... except UserDataError as error:
    ...     print(error.problems[0][:62])
    DataFrame: field frames: frame 'colour_revolution' has 0 posit
    """
    problems = []
    indicator = data.indicator()
    for j, frame in enumerate(data.codebook.frame_ids):
        rows = np.flatnonzero(indicator[:, j])
        if len(rows) < min_positives:
            where = f" (at {', '.join(data.locations[i] for i in rows[:3])})" if len(rows) else ""
            problems.append(
                f"{data.source}: field frames: frame {frame!r} has {len(rows)} positive row(s){where}; "
                f"a model needs at least min_positives={min_positives} to learn it. Fix: label more "
                "sentences with it, drop it from the codebook, or lower min_positives")
    if len(data) < cv:
        problems.append(f"{data.source}: {len(data)} row(s) but cv={cv} folds; add rows or lower cv")
    if data.groups is not None and len(set(data.groups)) < cv:
        problems.append(f"{data.source}: {len(set(data.groups))} document(s) in the group field but cv={cv} "
                        "folds; add documents, lower cv, or leave --group-field out")
    if problems:
        raise UserDataError(problems)
