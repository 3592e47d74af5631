"""Reading ``framing score`` outputs back (JSONL, CSV or Parquet, any level), record by record.

Used by the pages and trends that are built from a scored corpus without the model.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import InputError

__all__ = ["ScoreFileError", "read_score_file", "sniff_score_level", "sentence_groups", "record_level"]

_JSONL = {".jsonl", ".ndjson", ".json"}
_CSV = {".csv", ".tsv"}
_PARQUET = {".parquet", ".pq"}
_INTS = ("sentence", "paragraph", "start", "end", "sentences")


class ScoreFileError(InputError):
    """A score file record that cannot be used; names the file, line and field."""

    def __init__(self, where: str, reason: str, field: str | None = None):
        self.where, self.field, self.reason = where, field, reason
        super().__init__(f"{where}: " + (f"field {field!r}: " if field else "") + reason)



def _raw_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ScoreFileError(str(path), "no such score file")
    if suffix in _JSONL:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ScoreFileError(f"{path}:{number}", f"not valid JSON ({error.msg} at "
                                                              f"column {error.colno})") from None
                if not isinstance(record, dict):
                    raise ScoreFileError(f"{path}:{number}", "not a JSON object")
                yield f"{path}:{number}", record
    elif suffix in _CSV:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield f"{path}:{reader.line_num}", {k: (None if v == "" else v) for k, v in row.items()}
    elif suffix in _PARQUET:
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                number += 1
                yield f"{path}: row {number}", row
    else:
        raise ScoreFileError(str(path), "not a score file: use .jsonl, .csv, .tsv or .parquet")


def _normalise(where: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Flat (CSV/Parquet) or nested (JSONL) record → the nested JSONL schema."""
    record = {k: v for k, v in raw.items() if not k.startswith("score_")}
    if isinstance(record.get("scores"), str):
        record["scores"] = _json_field(where, "scores", record["scores"])
    if not isinstance(record.get("scores"), dict):
        record["scores"] = {k[6:]: v for k, v in raw.items() if k.startswith("score_")}
    if not record["scores"]:
        raise ScoreFileError(where, "missing: no frame scores (a `framing score` output has them)",
                             "scores")
    for frame, value in record["scores"].items():
        record["scores"][frame] = _number(where, f"score_{frame}", value, float)
    frames = record.get("frames")
    record["frames"] = [f for f in frames.split(";") if f] if isinstance(frames, str) else list(frames or [])
    if isinstance(record.get("evidence"), str):
        record["evidence"] = _json_field(where, "evidence", record["evidence"])
    for key in _INTS:
        if record.get(key) is not None:
            record[key] = _number(where, key, record[key], int)
    return record


def _json_field(where: str, field: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ScoreFileError(where, f"not valid JSON ({error.msg})", field) from None


def _number(where: str, field: str, value: Any, kind: type) -> Any:
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        raise ScoreFileError(where, f"not a number: {value!r}", field) from None


def record_level(record: dict[str, Any]) -> str:
    if "article_id" in record and "sentence" in record:
        return "sentence"
    if "article_id" in record and "paragraph" in record:
        return "paragraph"
    return "article"


def sniff_score_level(path: str | Path) -> str | None:
    """``"sentence"``, ``"paragraph"`` or ``"article"`` for a score file, None for anything else
    (an article source, say).

    Examples
    --------
    >>> sniff_score_level("../shared/seeds/000_1c0e122dfc1bca82.txt") is None
    True
    """
    path = Path(path)
    if path.suffix.lower() not in _JSONL | _CSV | _PARQUET or not path.is_file():
        return None
    for _, raw in _raw_records(path):
        has_scores = "scores" in raw or any(str(k).startswith("score_") for k in raw)
        return record_level(raw) if has_scores and "frames" in raw else None
    return None


def read_score_file(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Stream ``(where, record)`` from a ``framing score`` output, records in the nested
    JSONL schema whatever the format; ``where`` is ``FILE:LINE`` (``FILE: row N`` for Parquet).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> _ = open(path, "w").write("id,score_biolabs,frames\\na1,0.25,\\n")
    >>> where, record = next(read_score_file(path))
    >>> where.endswith("s.csv:2"), record["id"], record["scores"]
    (True, 'a1', {'biolabs': 0.25})
    """
    for where, raw in _raw_records(Path(path)):
        yield where, _normalise(where, raw)


def sentence_groups(records: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[tuple[str, list[dict]]]:
    """Group consecutive sentence records by ``article_id`` (``framing score`` writes an
    article's sentences together); memory is bounded by the longest article.

    Examples
    --------
    >>> recs = [("f:1", {"article_id": "a"}), ("f:2", {"article_id": "a"}), ("f:3", {"article_id": "b"})]
    >>> [(i, len(g)) for i, g in sentence_groups(recs)]
    [('a', 2), ('b', 1)]
    """
    current, group = None, []
    for where, record in records:
        if record.get("article_id") is None:
            raise ScoreFileError(where, "missing", "article_id")
        if group and record["article_id"] != current:
            yield str(current), group
            group = []
        current = record["article_id"]
        group.append(record)
    if group:
        yield str(current), group



