"""Turn what users have into :class:`Article` objects.

Readers stream: a 1 GB JSONL file is read line by line, a Parquet file batch by
batch.  A source that cannot be read (missing, empty, binary, not UTF-8, a row
without text, a table without the named column) raises :class:`ReadError`, or,
when ``on_error`` is given, is passed to it and skipped while the rest is read.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from .articles import (Article, ReadError, article_from_text, binary_error, cannot_read_error, decode_bytes,
                       empty_page_error)
from .cleaning import looks_like_feed, split_feed_dump
from .errors import InputError
from .html_input import HTML_SUFFIXES, extract_html, looks_like_html
from .language import detect_language
from .longtext import read_long_text
from .tables import read_csv, read_dataset, read_jsonl, read_parquet, report

__all__ = ["Article", "ReadError", "read_articles", "article_from_text"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}  # a .json file may also hold one array of objects
CSV_SUFFIXES = {".csv", ".tsv"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


# --- plain text and dispatch ---------------------------------------------------------------


def articles_from_text(text: str, source: str, article_id: str, clean: bool = True) -> list[Article]:
    """One article from a text, or several when the text is a feed dump."""
    if looks_like_feed(text) and not looks_like_html(text):
        items = split_feed_dump(text, clean=clean)
        if items:
            return [_feed_article(item, f"{article_id}-{n:02d}", article_id) for n, item in enumerate(items, start=1)]
    return [article_from_text(text, article_id, source=source, clean=clean)]


def _feed_article(item, article_id: str, source: str) -> Article:
    text = f"{item.title}\n\n{item.body}"
    return Article(id=article_id, text=text, title=item.title, url=item.url, date=item.date, source=source,
                   removed_lines=item.removed_lines, language=detect_language(text))


def _read_html(path: Path, article_id: str, clean: bool) -> Article:
    """An HTML page: its main text (the page's own charset is honoured, so no UTF-8 rule)."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise cannot_read_error(source, error) from None
    if not data.strip():
        raise ReadError(source, "empty input: no text to score")
    if b"\x00" in data[:8192]:
        raise binary_error(source, "an HTML page")
    page = extract_html(data)
    if page is None:
        raise empty_page_error(source)
    article = article_from_text(page.text, article_id, source=source, clean=clean)
    article.title, article.url, article.date = page.title or article.title, page.url, page.date
    return article


def _is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and ((path / "dataset_info.json").exists() or (path / "state.json").exists())


def _read_path(path: Path, root: Path | None, text_field, id_field, clean, on_error,
               stream_long: bool = False) -> Iterator[Article]:
    source = str(path)
    if not path.exists():
        raise ReadError(source, "no such file or folder")
    if path.is_dir():
        if _is_saved_dataset(path):
            import datasets

            yield from read_dataset(datasets.load_from_disk(str(path)), text_field, id_field,
                                     clean, on_error, source)
            return
        for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            try:
                yield from _read_path(child, root or path, text_field, id_field, clean, on_error, stream_long)
            except ReadError as error:
                report(on_error, error)
        return
    suffix = path.suffix.lower()
    article_id = str(path.relative_to(root).with_suffix("")) if root else path.stem
    if suffix in HTML_SUFFIXES:
        yield _read_html(path, article_id, clean)
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, text_field, id_field, clean, on_error)
    elif suffix in CSV_SUFFIXES:
        yield from read_csv(path, text_field, id_field, clean, on_error)
    elif suffix in PARQUET_SUFFIXES:
        yield from read_parquet(path, text_field, id_field, clean, on_error)
    else:
        long_article = read_long_text(path, article_id, source, clean) if stream_long else None
        if long_article is not None:
            yield long_article
            return
        try:
            data = path.read_bytes()
        except OSError as error:
            raise cannot_read_error(source, error) from None
        text = decode_bytes(data, source)
        del data  # the raw bytes are not needed once decoded (a long file would hold both)
        yield from articles_from_text(text, source, article_id, clean)


def read_articles(
    source: Any,
    *,
    text_field: str | None = None,
    id_field: str | None = None,
    clean: bool = True,
    on_error: Callable[[ReadError], None] | None = None,
    stream_long: bool = False,
) -> Iterator[Article]:
    """Read articles lazily from files, folders, tables, datasets, stdin or strings.

    Parameters
    ----------
    source : path, "-", datasets.Dataset, Article, str or iterable of these
        A ``.txt`` file (a feed dump gives one article per item), an ``.html`` page (its
        main text), a folder (read recursively in sorted order, or a dataset saved with
        ``save_to_disk``), ``.jsonl``/``.json`` (JSON lines or one array of objects),
        ``.csv``/``.tsv``/``.parquet`` tables, ``"-"`` for stdin, a Hugging Face
        ``datasets.Dataset``, or a list mixing any of them.  Texts and rows that start
        like an HTML page are reduced to their main text.  Plain strings that are not
        existing paths are not guessed at: wrap raw text in :class:`Article` (used as it
        is) or pass it to :func:`article_from_text` (cleaned like a file).
    text_field, id_field : str, optional
        Columns of table inputs; by default the first of ``text``/``content``/``body``
        and ``id``/``article_id``/``doc_id``.
    clean : bool, default True
        Drop site boilerplate before the text is segmented.
    on_error : callable, optional
        Called with each :class:`ReadError`; the bad input is skipped.  Without it
        the first error is raised.
    stream_long : bool, default False
        Leave the text of a long text file (over :data:`framing.longtext.LONG_ARTICLE_CHARS`)
        in the file: its article's ``text`` is a :class:`framing.longtext.FileText`, read line
        by line when it is scored, so memory stays flat in the file's size.  ``framing score``
        and :func:`framing.score_articles` read files this way.

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
        yield from read_dataset(source, text_field, id_field, clean, on_error)
        return
    if isinstance(source, (str, os.PathLike)):
        if str(source) == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            try:
                yield from articles_from_text(decode_bytes(data, "<stdin>"), "<stdin>", "stdin", clean)
            except ReadError as error:
                report(on_error, error)
            return
        try:
            yield from _read_path(Path(source), None, text_field, id_field, clean, on_error, stream_long)
        except ReadError as error:
            report(on_error, error)
        return
    if isinstance(source, (bytes, io.IOBase)):
        raise InputError("pass a path, '-' for stdin, an Article, or a datasets.Dataset")
    for item in source:
        yield from read_articles(item, text_field=text_field, id_field=id_field, clean=clean,
                                 on_error=on_error, stream_long=stream_long)
