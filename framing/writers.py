"""Incremental, resumable output of scored records: JSONL, CSV and Parquet.

Exactly-once under kills: each chunk's rows are written and flushed, then a line
``{"ids": […], "offset": …}`` is appended to the sidecar ``OUT.progress``.  ``--resume`` cuts
the output back to the last recorded offset (dropping a half-written line or a half-written
chunk) and skips the ids already recorded.  Parquet is written as finished part files
(each renamed into place only when complete) under ``OUT.parts/`` and merged into ``OUT``
at the end.

A writer ends either with :meth:`close` (the run completed: Parquet parts are merged and the
progress file removed) or with :meth:`abort` (interrupted: everything needed to resume stays).
Only chunks that carry article ids are recorded in the progress file, so a long article
written in several pieces counts as done only once its last piece is on disk.
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

from .errors import InputError, RefusedError
from .records import flatten_record
from .runfiles import sidecars

__all__ = ["open_writer", "output_format", "encode_chunk", "Encoded", "FORMATS"]

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

    Runs where the chunk was scored (see :func:`framing.batch.score_chunks`).  A pair whose id
    is None is a piece of a long article that is not its last: its records are written, but
    it adds no id to the progress.
    """
    records = [r for _, rs in pairs for r in rs]
    sentences = sum(r.get("sentences", 1) for r in records)
    ids = [article_id for article_id, _ in pairs if article_id is not None]
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


def _progress_lines(job: dict[str, Any] | None, entries: list[dict[str, Any]]) -> str:
    lines = [{"job": job}] if job is not None else []
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines + entries)


def _new_columns(rows: list[dict[str, Any]], columns: list[str]) -> tuple[str, list[str]] | None:
    known = set(columns)
    for row in rows:
        extra = [k for k in row if k not in known]
        if extra:
            return str(row.get("id", row.get("article_id"))), extra
    return None


class _StreamWriter:
    """JSONL or CSV to a file (resumable) or to stdout."""

    def __init__(self, path: str | None, fmt: str, resume: bool, job: dict[str, Any] | None = None):
        self.format = fmt
        self.done: set[str] = set()
        self._columns: list[str] | None = None
        self._progress = None
        if path is None or path == "-":
            self._out: BinaryIO = sys.stdout.buffer
            self._path = None
            return
        self._path = Path(path)
        self._progress_path = sidecars(path)["progress"]
        offset = 0
        if resume and self._path.exists():
            size = self._path.stat().st_size  # the data is flushed before its progress line, but be safe
            entries = [e for e in _read_progress(self._progress_path)
                       if "job" not in e and e.get("offset", 0) <= size]
            offset = next((e["offset"] for e in reversed(entries) if "offset" in e), 0)
            if offset == 0:
                entries = []  # nothing was recorded as written, not even a CSV header row
            self.done = {i for e in entries for i in e.get("ids", [e["id"]] if "id" in e else [])}
            header = next((e for e in entries if "columns" in e), None)
            self._columns = header["columns"] if header else None
            with open(self._path, "r+b") as handle:
                handle.truncate(offset)
            # rewrite the sidecar without any torn last line
            self._progress_path.write_text(_progress_lines(job, entries), encoding="utf-8")
            self._out = open(self._path, "ab")
        else:
            self._out = open(self._path, "wb")
            self._progress_path.write_text(_progress_lines(job, []), encoding="utf-8")
        self._progress = open(self._progress_path, "a", encoding="utf-8")

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
            new = _new_columns(rows, self._columns or [])
            if new is not None:
                raise InputError(
                    f"{self._path or 'stdout'}: article {new[0]!r} has column(s) {', '.join(new[1])} that the "
                    f"CSV header (fixed by the first article) lacks; a CSV cannot grow columns. Write "
                    "JSONL or Parquet, or give every input row the same columns")
            writer = csv.DictWriter(buffer, fieldnames=self._columns or [], extrasaction="raise")
            writer.writerows(rows)
            data = buffer.getvalue().encode("utf-8")
        self._out.write(data)
        self._out.flush()
        if self._progress and chunk.ids:
            self._progress.write(json.dumps({"ids": chunk.ids, "offset": self._out.tell()},
                                            ensure_ascii=False) + "\n")
            self._progress.flush()

    def abort(self) -> None:
        """Close the files and keep the progress file: the run can be resumed."""
        if self._path is not None:
            self._out.close()
        if self._progress:
            self._progress.close()

    def close(self) -> None:
        """The run completed: close the output and remove its progress file."""
        self.abort()
        if self._progress:
            self._progress_path.unlink(missing_ok=True)


class _ParquetWriter:
    """Finished part files under ``OUT.parts/`` (one per chunk), merged into ``OUT`` by
    :meth:`close`.  The parts' schemas are unified as they are written: a column that appears
    later, or a null column that gets values later, is fine; a column that changes type is
    refused at that chunk, naming the article and the column."""

    def __init__(self, path: str | None, resume: bool, job: dict[str, Any] | None = None):
        if path is None or path == "-":
            raise InputError("Parquet output needs a file: pass -o OUT.parquet")
        self._path = Path(path)
        self._parts = sidecars(path)["parts"]
        self._progress_path = sidecars(path)["progress"]
        self._buffer: list[dict[str, Any]] = []
        self._ids: list[str] = []
        self._schema = None
        self.done: set[str] = set()
        if resume and self._parts.exists():
            _drop_unfinished_pieces(self._parts)
            for part in sorted(self._parts.glob("part-*.ids")):
                if part.with_suffix(".parquet").exists():
                    self.done.update(json.loads(part.read_text()))
            self._schema = self._unified(sorted(self._parts.glob("part-*.parquet")))
        else:
            shutil.rmtree(self._parts, ignore_errors=True)
            self._path.unlink(missing_ok=True)
        self._parts.mkdir(parents=True, exist_ok=True)
        self._progress_path.write_text(_progress_lines(job, []), encoding="utf-8")
        self._count = len(list(self._parts.glob("part-*.parquet")))

    @property
    def encoder(self):
        return functools.partial(encode_chunk, fmt="parquet")

    def write(self, article_id: str, records: list[dict[str, Any]]) -> None:
        self.write_chunk(encode_chunk([(article_id, records)], "parquet"))

    def write_chunk(self, chunk: Encoded) -> None:
        self._buffer.extend(chunk.payload)
        self._ids.extend(chunk.ids)
        self._flush()  # one part per chunk or piece: a run loses at most one chunk

    @staticmethod
    def _unified(parts):
        import pyarrow.parquet as pq

        schema = None
        for part in parts:
            schema = _unify(schema, pq.read_schema(part), part)
        return schema

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._ids and not self._buffer:
            return
        name = f"part-{self._count:06d}"
        names = list(dict.fromkeys(k for row in self._buffer for k in row))  # every row's columns
        try:
            table = pa.table({n: [row.get(n) for row in self._buffer] for n in names})
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise RefusedError(f"article {_first_id(self._buffer, self._ids)!r} and the rows after it: a column holds values of "
                               f"different types ({str(error).splitlines()[0]}); give the column one type "
                               "in every input row, or write JSONL") from None
        self._schema = _unify(self._schema, table.schema, f"article {_first_id(self._buffer, self._ids)!r}")
        temporary = self._parts / f"{name}.tmp"
        pq.write_table(table, temporary)
        (self._parts / f"{name}.ids").write_text(json.dumps(self._ids))
        os.replace(temporary, self._parts / f"{name}.parquet")
        self._count += 1
        self._buffer, self._ids = [], []

    def abort(self) -> None:
        """Keep the finished parts and the progress file: the run can be resumed."""

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._flush()
        parts = sorted(self._parts.glob("part-*.parquet"))
        schema = self._schema  # every part's schema, unified as the parts were written (or found on resume)
        temporary = self._path.with_name(self._path.name + ".tmp")
        if schema is not None:
            with pq.ParquetWriter(temporary, schema) as writer:
                for part in parts:
                    table = pq.read_table(part)
                    for column in schema.names:
                        if column not in table.column_names:
                            table = table.append_column(column, pa.nulls(len(table), schema.field(column).type))
                    writer.write_table(table.select(schema.names).cast(schema))
            os.replace(temporary, self._path)
        shutil.rmtree(self._parts, ignore_errors=True)
        self._progress_path.unlink(missing_ok=True)


def _first_id(rows: list[dict[str, Any]], ids: list[str]) -> str | None:
    return ids[0] if ids else rows[0].get("article_id", rows[0].get("id"))


def _drop_unfinished_pieces(parts: Path) -> None:
    """Remove the parts after the last one that finished an article: the pieces of a long
    article the interrupted run had not finished (written again by the resumed run)."""
    finished = [p for p in sorted(parts.glob("part-*.parquet"))
                if p.with_suffix(".ids").exists() and json.loads(p.with_suffix(".ids").read_text())]
    last = finished[-1].name if finished else ""
    for path in sorted(parts.glob("part-*")):
        if path.name.split(".")[0] > last.split(".")[0] or not last:
            path.unlink()


def _unify(schema, new, where):
    import pyarrow as pa

    if schema is None:
        return new
    try:
        return pa.unify_schemas([schema, new], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise RefusedError(f"{where}: its columns do not fit the Parquet schema of the rows before it "
                           f"({str(error).splitlines()[0]}); give the column one type in every input row, "
                           "or write JSONL") from None


def open_writer(path: str | None, fmt: str | None = None, resume: bool = False,
                job: dict[str, Any] | None = None):
    """A writer with ``.done`` (ids already written), ``.encoder`` (for
    :func:`framing.batch.score_chunks`), ``.write_chunk(encoded)``, ``.write(id, records)``,
    ``.close()`` (run completed) and ``.abort()`` (interrupted; keep what resuming needs).

    ``job`` is recorded as the first line of ``OUT.progress`` (see :mod:`framing.runfiles`)."""
    if fmt is None:
        fmt = output_format(path)
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return _ParquetWriter(path, resume, job)
    return _StreamWriter(path, fmt, resume, job)


def output_format(path: str | None) -> str:
    """The format an output path implies: its suffix when known, else JSON Lines.

    Examples
    --------
    >>> output_format("scores.parquet"), output_format(None), output_format("x.out")
    ('parquet', 'jsonl', 'jsonl')
    """
    suffix = Path(path).suffix.lower().lstrip(".") if path and path != "-" else "jsonl"
    return suffix if suffix in FORMATS else "jsonl"
