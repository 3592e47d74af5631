"""Incremental, resumable output of scored records: JSONL, CSV and Parquet.

Exactly-once under kills: each chunk's rows are written and flushed, then a line
``{"ids": […], "offset": …}`` is appended to the sidecar ``OUT.progress``.  ``--resume`` cuts
the output back to the last recorded offset (dropping a half-written line or a half-written
chunk) and skips the ids already recorded.  Parquet is written as finished part files
(each renamed into place only when complete) under ``OUT.parts/`` and merged into ``OUT``
at the end.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import msgspec

from .records import flatten_record
from .errors import InputError

__all__ = ["open_writer", "encode_chunk", "Encoded", "FORMATS"]

FORMATS = ("jsonl", "csv", "parquet")
_JSON = msgspec.json.Encoder()


class Encoded(NamedTuple):
    """A scored chunk ready to write: its article ids, sentence count and payload
    (JSON Lines bytes, or flat rows for CSV and Parquet)."""

    ids: list[str]
    sentences: int
    payload: Any


def encode_chunk(pairs: list[tuple[str, list[dict[str, Any]]]], fmt: str = "jsonl") -> Encoded:
    """Serialise the ``(article_id, records)`` pairs of a scored chunk for format ``fmt``.

    Runs where the chunk was scored (see :func:`framing.batch.score_chunks`).
    """
    records = [r for _, rs in pairs for r in rs]
    sentences = sum(r.get("sentences", 1) for r in records)
    ids = [article_id for article_id, _ in pairs]
    if fmt == "jsonl":
        return Encoded(ids, sentences, _JSON.encode_lines(records))
    return Encoded(ids, sentences, [flatten_record(r) for r in records])


def _read_progress(path: Path) -> list[dict[str, Any]]:
    entries = []
    if not path.exists():
        return entries
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break  # killed mid-line: that article was not recorded
            try:
                entries.append(json.loads(raw))
            except json.JSONDecodeError:
                break
    return entries


class _StreamWriter:
    """JSONL or CSV to a file (resumable) or to stdout."""

    def __init__(self, path: str | None, fmt: str, resume: bool):
        self.format = fmt
        self.done: set[str] = set()
        self._columns: list[str] | None = None
        self._progress = None
        if path is None or path == "-":
            self._out: BinaryIO = sys.stdout.buffer
            self._path = None
            return
        self._path = Path(path)
        progress_path = Path(f"{path}.progress")
        offset = 0
        if resume and self._path.exists():
            entries = _read_progress(progress_path)
            offset = next((e["offset"] for e in reversed(entries) if "offset" in e), 0)
            if offset == 0:
                entries = []  # nothing was recorded as written, not even a CSV header row
            self.done = {i for e in entries for i in e.get("ids", [e["id"]] if "id" in e else [])}
            header = next((e for e in entries if "columns" in e), None)
            self._columns = header["columns"] if header else None
            with open(self._path, "r+b") as handle:
                handle.truncate(offset)
            # rewrite the sidecar without any torn last line
            with open(progress_path, "w", encoding="utf-8") as handle:
                for entry in entries:
                    handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._out = open(self._path, "ab")
        else:
            self._out = open(self._path, "wb")
            progress_path.unlink(missing_ok=True)
        self._progress = open(progress_path, "a", encoding="utf-8")

    @property
    def encoder(self):
        """The picklable function that turns scored pairs into this writer's :class:`Encoded`."""
        return functools.partial(encode_chunk, fmt=self.format)

    def write(self, article_id: str, records: list[dict[str, Any]]) -> None:
        self.write_chunk(encode_chunk([(article_id, records)], self.format))

    def write_chunk(self, chunk: Encoded) -> None:
        if self.format == "jsonl":
            data = chunk.payload
        else:
            rows = chunk.payload
            buffer = io.StringIO()
            if self._columns is None and rows:
                self._columns = list(rows[0].keys())
                csv.writer(buffer).writerow(self._columns)
                if self._progress:
                    self._progress.write(json.dumps({"columns": self._columns}) + "\n")
            writer = csv.DictWriter(buffer, fieldnames=self._columns or [], extrasaction="ignore")
            writer.writerows(rows)
            data = buffer.getvalue().encode("utf-8")
        self._out.write(data)
        self._out.flush()
        if self._progress:
            self._progress.write(json.dumps({"ids": chunk.ids, "offset": self._out.tell()},
                                            ensure_ascii=False) + "\n")
            self._progress.flush()

    def close(self) -> None:
        if self._path is not None:
            self._out.close()
        if self._progress:
            self._progress.close()


class _ParquetWriter:
    """Finished part files under ``OUT.parts/``, merged into ``OUT`` by :meth:`close`."""

    def __init__(self, path: str | None, resume: bool, rows_per_part: int = 5000):
        if path is None or path == "-":
            raise InputError("Parquet output needs a file: pass -o OUT.parquet")
        self._path = Path(path)
        self._parts = Path(f"{path}.parts")
        self._rows_per_part = rows_per_part
        self._buffer: list[dict[str, Any]] = []
        self._ids: list[str] = []
        self.done: set[str] = set()
        if resume and self._parts.exists():
            for part in sorted(self._parts.glob("part-*.ids")):
                if part.with_suffix(".parquet").exists():
                    self.done.update(json.loads(part.read_text()))
        else:
            shutil.rmtree(self._parts, ignore_errors=True)
        self._parts.mkdir(parents=True, exist_ok=True)
        self._count = len(list(self._parts.glob("part-*.parquet")))

    @property
    def encoder(self):
        return functools.partial(encode_chunk, fmt="parquet")

    def write(self, article_id: str, records: list[dict[str, Any]]) -> None:
        self.write_chunk(encode_chunk([(article_id, records)], "parquet"))

    def write_chunk(self, chunk: Encoded) -> None:
        self._buffer.extend(chunk.payload)
        self._ids.extend(chunk.ids)
        if len(self._buffer) >= self._rows_per_part:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._ids:
            return
        name = f"part-{self._count:06d}"
        table = pa.Table.from_pylist(self._buffer)
        temporary = self._parts / f"{name}.tmp"
        pq.write_table(table, temporary)
        (self._parts / f"{name}.ids").write_text(json.dumps(self._ids))
        os.replace(temporary, self._parts / f"{name}.parquet")
        self._count += 1
        self._buffer, self._ids = [], []

    def close(self) -> None:
        import pyarrow.parquet as pq

        self._flush()
        parts = sorted(self._parts.glob("part-*.parquet"))
        writer = None
        for part in parts:
            table = pq.read_table(part)
            if writer is None:
                writer = pq.ParquetWriter(self._path, table.schema)
            writer.write_table(table.cast(writer.schema))
        if writer is not None:
            writer.close()
        shutil.rmtree(self._parts, ignore_errors=True)


def open_writer(path: str | None, fmt: str | None = None, resume: bool = False):
    """A writer with ``.done`` (ids already written), ``.encoder`` (for
    :func:`framing.batch.score_chunks`), ``.write_chunk(encoded)``, ``.write(id, records)``
    and ``.close()``."""
    if fmt is None:
        suffix = Path(path).suffix.lower().lstrip(".") if path and path != "-" else "jsonl"
        fmt = suffix if suffix in FORMATS else "jsonl"
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return _ParquetWriter(path, resume)
    return _StreamWriter(path, fmt, resume)
