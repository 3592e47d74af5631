"""Table inputs: JSON lines, JSON arrays, CSV/TSV, Parquet and ``datasets`` rows as articles.

Every row goes through :func:`framing.articles.prepare_text`.  Each table refuses, with one
message per file, a text column of the wrong type; each row that cannot be read is reported
with its file, line (or row number), id when it has one, and the reason.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .articles import Article, ReadError, decode_bytes, prepare_text
from .language import detect_language

__all__ = ["read_jsonl", "read_csv", "read_parquet", "read_dataset", "report",
           "DEFAULT_TEXT_FIELDS", "DEFAULT_ID_FIELDS"]

DEFAULT_TEXT_FIELDS = ("text", "content", "body", "article")
DEFAULT_ID_FIELDS = ("id", "article_id", "doc_id", "case_id")


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
    raw_id = row.get(id_field) if id_field else None
    given_id = str(raw_id) if raw_id not in (None, "") else None
    text = row.get(text_field)
    if text is not None and not isinstance(text, str):
        raise ReadError(source, f"{text_field!r} holds {type(text).__name__}, not text; pass --text-field "
                                "with the column that holds the article", line=position, article_id=given_id)
    if not text or not text.strip():
        raise ReadError(source, f"row has no text in {text_field!r}", line=position, article_id=given_id)
    article_id = given_id or f"{Path(source).stem}:{position}"
    meta = {k: v for k, v in row.items() if k not in {text_field, id_field} and _is_scalar(v)}
    body, removed, page = prepare_text(text, source, clean, position, given_id)
    title, url, date = (_str_or_none(meta.pop(k, None)) for k in ("title", "url", "date"))
    if page is not None:
        title, url, date = title or page.title, url or page.url, date or page.date
    return Article(id=article_id, text=body, title=title, url=url, date=date, source=source, meta=meta,
                   removed_lines=removed, language=detect_language(body))


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


class _Rows:
    """Turns the rows of one table into articles: picks columns, refuses repeated ids."""

    def __init__(self, source: str, text_field, id_field, clean, on_error, columns=None):
        self.source, self.text_field, self.id_field, self.clean, self.on_error = (
            source, text_field, id_field, clean, on_error)
        self.seen: dict[str, int] = {}
        self.columns: tuple[str, str | None] | None = None
        if columns is not None:
            self.columns = (_pick(columns, text_field, DEFAULT_TEXT_FIELDS, "text", source, True),
                            _pick(columns, id_field, DEFAULT_ID_FIELDS, "id", source, False))

    def article(self, row: Any, position: int) -> Article | None:
        """The row's article, or None after reporting why it has none."""
        try:
            if not isinstance(row, dict):
                raise ReadError(self.source, f"a JSON {type(row).__name__}, not an object with the article "
                                             "fields", line=position)
            if self.columns is not None:
                text_col, id_col = self.columns
            else:
                text_col = _pick(row.keys(), self.text_field, DEFAULT_TEXT_FIELDS, "text", self.source, True)
                id_col = self.id_field if self.id_field is not None else \
                    _pick(row.keys(), None, DEFAULT_ID_FIELDS, "id", self.source, False)
            article = _row_to_article(row, text_col, id_col, self.source, position, self.clean)
            first = self.seen.setdefault(article.id, position)
            if first != position:
                raise ReadError(self.source, f"id {article.id!r} already used at line {first}; ids must be "
                                             "unique within a file, so this row is skipped", position, article.id)
            return article
        except ReadError as error:
            report(self.on_error, error.at(position))
        return None


def read_jsonl(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    source = str(path)
    rows = _Rows(source, text_field, id_field, clean, on_error)
    with open(path, "rb") as handle:
        head = handle.read(4096).lstrip()
        if path.suffix.lower() == ".json" and head[:1] == b"[" or head.startswith(b"\xef\xbb\xbf["):
            yield from _read_json_array(path, rows)
            return
        handle.seek(0)
        saw_row = False
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(decode_bytes(raw, source))
            except json.JSONDecodeError as error:
                if not saw_row and path.suffix.lower() == ".json":
                    raise ReadError(source, "neither a JSON array of objects nor JSON lines (one object a "
                                            f"line): {error.msg} at line {line_number}") from None
                report(on_error, ReadError(source, f"invalid JSON: {error.msg}", line=line_number))
                continue
            except ReadError as error:
                report(on_error, error.at(line_number))
                continue
            finally:
                first_row, saw_row = not saw_row, True
            if first_row and isinstance(row, dict):
                try:  # the first row fixes the columns: without a text column, skip the file once
                    _pick(row.keys(), text_field, DEFAULT_TEXT_FIELDS, "text", source, True)
                except ReadError as error:
                    report(on_error, ReadError(source, f"{error.reason}; the whole file is skipped",
                                               line=line_number))
                    return
            article = rows.article(row, line_number)
            if article is not None:
                yield article
        if not saw_row:
            report(on_error, ReadError(source, "empty input: no rows"))


def _read_json_array(path: Path, rows: "_Rows") -> Iterator[Article]:
    """A ``.json`` file holding one array of objects (read whole; arrays are not streamed)."""
    source = rows.source
    text = decode_bytes(path.read_bytes(), source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(source, f"invalid JSON array: {error.msg}", line=error.lineno) from None
    if not data:
        raise ReadError(source, "empty input: an empty JSON array")
    if not any(isinstance(item, dict) for item in data):
        kinds = sorted({type(item).__name__ for item in data})
        raise ReadError(source, f"a JSON array of {', '.join(kinds)}, not of objects; put one object with "
                                "a text field per article in the array")
    for position, item in enumerate(data, start=1):
        article = rows.article(item, position)
        if article is not None:
            yield article


_NEXT_ROW_SHAPE = re.compile(r"[0-9]+|[^\W\d_]+")


def _shape(value: str) -> str:
    return _NEXT_ROW_SHAPE.sub(lambda m: "9" if m.group(0)[0].isdigit() else "a", value)


def _swallowed_row(row: dict, columns: list[str], delimiter: str) -> str | None:
    """A line inside a field that reads like the next row: an unclosed quote swallowed it."""
    first = row.get(columns[0]) or ""
    if not first or any(ch.isspace() for ch in first):
        return None
    for name in columns:
        value = row.get(name)
        if not isinstance(value, str) or "\n" not in value:
            continue
        for line in value.split("\n")[1:]:
            fields = next(csv.reader([line], delimiter=delimiter), [])
            if (len(fields) == len(columns) and fields[0] and len(fields[0]) <= 64
                    and not any(ch.isspace() for ch in fields[0]) and _shape(fields[0]) == _shape(first)):
                return line
    return None


def read_csv(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    source = str(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    csv.field_size_limit(2**31 - 1)
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
        reader = csv.DictReader(handle, delimiter=delimiter, strict=True)
        columns = reader.fieldnames
    except UnicodeDecodeError:
        decode_bytes(path.read_bytes(), source)  # raises with the offending byte
        raise
    except csv.Error as error:
        raise ReadError(source, f"malformed CSV header: {error}", line=1) from None
    with handle:
        if not columns:
            raise ReadError(source, "empty input: no header row")
        rows = _Rows(source, text_field, id_field, clean, on_error, columns)
        start = reader.line_num + 1  # physical line where the current row starts
        offset = 0  # physical lines skipped before the current reader started
        while reader is not None:
            restart_at, reason = None, None
            try:
                for row in reader:
                    end = reader.line_num + offset
                    swallowed = _swallowed_row(row, columns, delimiter)
                    if swallowed is not None:
                        restart_at = start
                        reason = (f"this row runs to line {end} and a field holds what looks like the next "
                                  f"row ({swallowed[:60]!r}); a quote is probably not closed: fix the quoting. "
                                  "The row is skipped and reading goes on at the next line")
                        break
                    article = rows.article(row, start)
                    if article is not None:
                        yield article
                    start = end + 1
            except csv.Error as error:
                restart_at = start
                reason = (f"malformed CSV in the row starting here: {error}; a quote is probably not closed. "
                          "The row is skipped and reading goes on at the next line")
            except UnicodeDecodeError as error:
                raise ReadError(source, f"not UTF-8 ({error.reason}); re-encode the file as UTF-8") from None
            reader = None
            if restart_at is not None:
                report(on_error, ReadError(source, reason, line=restart_at))
                handle.seek(0)
                for _ in range(restart_at):  # skip the header and every line up to the bad row's first
                    if not handle.readline():
                        break
                offset = restart_at
                start = restart_at + 1
                reader = csv.DictReader(handle, fieldnames=columns, delimiter=delimiter, strict=True)


def _check_text_type(source: str, column: str, type_name: str, ok: bool) -> None:
    if not ok:
        raise ReadError(source, f"column {column!r} holds {type_name}, not text; pass --text-field with the "
                                "column that holds the article text")


def read_parquet(path: Path, text_field, id_field, clean, on_error) -> Iterator[Article]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises several types for a bad file
        raise ReadError(source, f"not a readable Parquet file ({error})") from None
    schema = parquet.schema_arrow
    rows = _Rows(source, text_field, id_field, clean, on_error, schema.names)
    kind = schema.field(rows.columns[0]).type
    _check_text_type(source, rows.columns[0], str(kind),
                     pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind))
    position = 0
    for batch in parquet.iter_batches(batch_size=2048):
        for row in batch.to_pylist():
            position += 1
            article = rows.article(row, position)
            if article is not None:
                yield article


def read_dataset(dataset, text_field, id_field, clean, on_error, source="dataset") -> Iterator[Article]:
    rows = _Rows(source, text_field, id_field, clean, on_error, dataset.column_names)
    feature = getattr(dataset, "features", None) or {}
    dtype = getattr(feature.get(rows.columns[0]), "dtype", "string")
    _check_text_type(source, rows.columns[0], str(dtype), dtype in ("string", "large_string", "null"))
    for position, row in enumerate(dataset, start=1):
        article = rows.article(row, position)
        if article is not None:
            yield article


def report(on_error: Callable[[ReadError], None] | None, error: ReadError) -> None:
    """Pass ``error`` to ``on_error``, or raise it when there is no handler."""
    if on_error is None:
        raise error
    on_error(error)
