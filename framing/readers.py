"""Turn what users have into :class:`Article` objects.

Readers stream: a 1 GB JSONL file is read line by line, a Parquet file batch by
batch.  A source that cannot be read (missing, empty, binary, not UTF-8, a row
without text, a table without the named column) raises :class:`ReadError`, or,
when ``on_error`` is given, is passed to it and skipped while the rest is read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .cleaning import clean_boilerplate, looks_like_feed, split_feed_dump
from .errors import FramingError, InputError

__all__ = ["Article", "ReadError", "read_articles"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DEFAULT_TEXT_FIELDS = ("text", "content", "body", "article")
DEFAULT_ID_FIELDS = ("id", "article_id", "doc_id", "case_id")


@dataclass
class Article:
    """One article: a stable id, its text and whatever metadata is known."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """Id and metadata without the text, for output records."""
        record = {"id": self.id, "title": self.title, "url": self.url, "date": self.date,
                  "source": self.source}
        record.update(self.meta)
        return record


class ReadError(FramingError):
    """An input that cannot be turned into an article; names the source and the reason."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = str(source)
        self.reason = reason
        self.line = line
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {reason}")

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "reason": self.reason}


# --- plain text ----------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise ReadError(source, "empty input: no text to score")
    if b"\x00" in data[:8192]:
        raise ReadError(source, "binary data (NUL bytes): not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(
            source,
            f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-encode the file as UTF-8",
        ) from None


def articles_from_text(text: str, source: str, article_id: str, clean: bool = True) -> list[Article]:
    """One article from a text, or several when the text is a feed dump."""
    if looks_like_feed(text):
        items = split_feed_dump(text)
        if items:
            return [Article(id=f"{article_id}-{n:02d}", text=f"{item.title}\n\n{item.body}", title=item.title,
                            url=item.url, date=item.date, source=article_id)
                    for n, item in enumerate(items, start=1)]
    body = clean_boilerplate(text) if clean else text.strip()
    if not body:
        raise ReadError(source, "no text left after dropping boilerplate")
    first_line = body.split("\n", 1)[0].strip()
    title = first_line if len(first_line) <= 200 and "\n" in body else None
    return [Article(id=article_id, text=body, title=title, source=source)]


# --- tables --------------------------------------------------------------------------------


def _pick(columns: Iterable[str], wanted: str | None, defaults: tuple[str, ...], what: str,
          source: str, required: bool) -> str | None:
    columns = list(columns)
    if wanted is not None:
        if wanted not in columns:
            raise ReadError(
                source,
                f"no column {wanted!r} for the {what}; columns are: {', '.join(map(str, columns))}. "
                f"Pass --{what}-field with one of them",
            )
        return wanted
    for name in defaults:
        if name in columns:
            return name
    if required:
        raise ReadError(
            source,
            f"no {what} column found (looked for {', '.join(defaults)}); columns are: "
            f"{', '.join(map(str, columns))}. Pass --{what}-field",
        )
    return None


def _row_to_article(row: dict, text_field: str, id_field: str | None, source: str,
                    position: int, clean: bool) -> Article:
    text = row.get(text_field)
    if not isinstance(text, str) or not text.strip():
        raise ReadError(source, f"row has no text in {text_field!r}", line=position)
    raw_id = row.get(id_field) if id_field else None
    article_id = str(raw_id) if raw_id not in (None, "") else f"{Path(source).stem}:{position}"
    meta = {k: v for k, v in row.items() if k not in {text_field, id_field} and _is_scalar(v)}
    body = clean_boilerplate(text) if clean else text
    return Article(
        id=article_id,
        text=body,
        title=_str_or_none(meta.pop("title", None)),
        url=_str_or_none(meta.pop("url", None)),
        date=_str_or_none(meta.pop("date", None)),
        source=source,
        meta=meta,
    )


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _read_jsonl(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    source = str(path)
    with open(path, "rb") as handle:
        saw_row = False
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            saw_row = True
            try:
                row = json.loads(_decode(raw, source))
                if not isinstance(row, dict):
                    raise ReadError(source, "line is not a JSON object", line=line_number)
                text_col = _pick(row.keys(), text_field, DEFAULT_TEXT_FIELDS, "text", source, True)
                id_col = _pick(row.keys(), id_field, DEFAULT_ID_FIELDS, "id", source, False) \
                    if id_field is None else id_field
                yield _row_to_article(row, text_col, id_col, source, line_number, clean)
            except json.JSONDecodeError as error:
                _report(on_error, ReadError(source, f"invalid JSON: {error.msg}", line=line_number))
            except ReadError as error:
                if error.line is None:
                    error = ReadError(source, error.reason, line=line_number)
                _report(on_error, error)
        if not saw_row:
            _report(on_error, ReadError(source, "empty input: no rows"))


def _read_csv(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    source = str(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(2**31 - 1)
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
        reader = csv.DictReader(handle, delimiter=delimiter)
        columns = reader.fieldnames
    except UnicodeDecodeError:
        _decode(path.read_bytes(), source)  # raises with the offending byte
        raise
    with handle:
        if not columns:
            raise ReadError(source, "empty input: no header row")
        text_col = _pick(columns, text_field, DEFAULT_TEXT_FIELDS, "text", source, True)
        id_col = _pick(columns, id_field, DEFAULT_ID_FIELDS, "id", source, False)
        try:
            for row_number, row in enumerate(reader, start=2):
                try:
                    yield _row_to_article(row, text_col, id_col, source, row_number, clean)
                except ReadError as error:
                    _report(on_error, error)
        except UnicodeDecodeError as error:
            raise ReadError(source, f"not UTF-8 ({error.reason}); re-encode the file as UTF-8") from None


def _read_parquet(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    import pyarrow.parquet as pq

    source = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for a bad file
        raise ReadError(source, f"not a readable Parquet file ({error})") from None
    columns = parquet.schema_arrow.names
    text_col = _pick(columns, text_field, DEFAULT_TEXT_FIELDS, "text", source, True)
    id_col = _pick(columns, id_field, DEFAULT_ID_FIELDS, "id", source, False)
    position = 0
    for batch in parquet.iter_batches(batch_size=2048):
        for row in batch.to_pylist():
            position += 1
            try:
                yield _row_to_article(row, text_col, id_col, source, position, clean)
            except ReadError as error:
                _report(on_error, error)


def _read_dataset(dataset, text_field, id_field, clean, on_error, source="dataset") -> Iterator[Article]:
    columns = dataset.column_names
    text_col = _pick(columns, text_field, DEFAULT_TEXT_FIELDS, "text", source, True)
    id_col = _pick(columns, id_field, DEFAULT_ID_FIELDS, "id", source, False)
    for position, row in enumerate(dataset, start=1):
        try:
            yield _row_to_article(row, text_col, id_col, source, position, clean)
        except ReadError as error:
            _report(on_error, error)


def _report(on_error: Callable[[ReadError], None] | None, error: ReadError) -> None:
    if on_error is None:
        raise error
    on_error(error)


def _is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and ((path / "dataset_info.json").exists() or (path / "state.json").exists())


def _read_path(path: Path, root: Path | None, text_field, id_field, clean, on_error) -> Iterator[Article]:
    source = str(path)
    if not path.exists():
        raise ReadError(source, "no such file or folder")
    if path.is_dir():
        if _is_saved_dataset(path):
            import datasets

            yield from _read_dataset(datasets.load_from_disk(str(path)), text_field, id_field,
                                     clean, on_error, source)
            return
        for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            try:
                yield from _read_path(child, root or path, text_field, id_field, clean, on_error)
            except ReadError as error:
                _report(on_error, error)
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, text_field, id_field, clean, on_error)
    elif suffix in CSV_SUFFIXES:
        yield from _read_csv(path, text_field, id_field, clean, on_error)
    elif suffix in PARQUET_SUFFIXES:
        yield from _read_parquet(path, text_field, id_field, clean, on_error)
    else:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReadError(source, f"cannot read: {error.strerror}") from None
        text = _decode(data, source)
        article_id = str(path.relative_to(root).with_suffix("")) if root else path.stem
        yield from articles_from_text(text, source, article_id, clean)


def read_articles(
    source: Any,
    *,
    text_field: str | None = None,
    id_field: str | None = None,
    clean: bool = True,
    on_error: Callable[[ReadError], None] | None = None,
) -> Iterator[Article]:
    """Read articles lazily from files, folders, tables, datasets, stdin or strings.

    Parameters
    ----------
    source : path, "-", datasets.Dataset, Article, str or iterable of these
        A ``.txt`` file (a feed dump gives one article per item), a folder (read
        recursively in sorted order, or a dataset saved with ``save_to_disk``),
        ``.jsonl``/``.csv``/``.tsv``/``.parquet`` tables, ``"-"`` for stdin, a Hugging
        Face ``datasets.Dataset``, or a list mixing any of them.  Plain strings that
        are not existing paths are not guessed at: wrap raw text in :class:`Article`.
    text_field, id_field : str, optional
        Columns of table inputs; by default the first of ``text``/``content``/``body``
        and ``id``/``article_id``/``doc_id``.
    clean : bool, default True
        Drop site boilerplate before the text is segmented.
    on_error : callable, optional
        Called with each :class:`ReadError`; the bad input is skipped.  Without it
        the first error is raised.

    Examples
    --------
    >>> from framing import Article, read_articles
    >>> [a.id for a in read_articles([Article("a1", "Some text.")])]
    ['a1']
    """
    if isinstance(source, Article):
        yield source
        return
    if type(source).__name__ in {"Dataset", "IterableDataset"} and hasattr(source, "column_names"):
        yield from _read_dataset(source, text_field, id_field, clean, on_error)
        return
    if isinstance(source, (str, os.PathLike)):
        if str(source) == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            try:
                yield from articles_from_text(_decode(data, "<stdin>"), "<stdin>", "stdin", clean)
            except ReadError as error:
                _report(on_error, error)
            return
        try:
            yield from _read_path(Path(source), None, text_field, id_field, clean, on_error)
        except ReadError as error:
            _report(on_error, error)
        return
    if isinstance(source, (bytes, io.IOBase)):
        raise InputError("pass a path, '-' for stdin, an Article, or a datasets.Dataset")
    for item in source:
        yield from read_articles(item, text_field=text_field, id_field=id_field, clean=clean,
                                 on_error=on_error)
