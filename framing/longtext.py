"""Long text files, read from disk line by line and never held whole.

``framing score`` reads a plain-text file longer than :data:`LONG_ARTICLE_CHARS` as an
:class:`~framing.Article` whose text is a :class:`FileText`: the file is read three times, each
time line by line -- to check it (UTF-8, not binary, not empty, not an HTML page or a feed
dump) and count its characters, to clean it and take its length, title and language, and when
it is scored (paragraph by paragraph, :func:`framing.segmentation.iter_paragraphs_from_lines`).
Its sentences, offsets, title, language and ``removed_lines`` are those of reading the file
whole with :func:`framing.article_from_text`; memory is bounded by the longest line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from .articles import (Article, ReadError, binary_error, boilerplate_only_error, cannot_read_error, not_utf8_error,
                       title_from)
from .cleaning import CleanedLines, feed_signs, split_lines
from .html_input import looks_like_html
from .language import SAMPLE_CHARS, detect_language

__all__ = ["LONG_ARTICLE_CHARS", "FileText", "read_long_text"]

LONG_ARTICLE_CHARS = 200_000
"""Articles longer than this (in characters) are scored alone, in windows (:mod:`framing.streaming`);
text files longer than this (in bytes) are read by :func:`read_long_text`."""

_BOM = b"\xef\xbb\xbf"


class FileText:
    """The text of a long text file (cleaned unless ``clean=False``), read from the file when needed.

    ``len()`` is its length in characters, :meth:`lines` reads it line by line and ``str()``
    reads it whole.  It is what :func:`read_long_text` puts in :attr:`Article.text`; build it
    with that function, which also checks the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_text("Headline\\n\\nNATO expands east.\\nShare\\n" * 2)
    >>> text = read_long_text(path, "a", limit=10).text
    >>> len(text), text.lines().__next__()
    (57, 'Headline\\n')
    """

    def __init__(self, path: str | os.PathLike, source: str, clean: bool, stripped_chars: int,
                 stamp: tuple[int, int]):
        self.path = Path(path)
        self.source = source
        self.clean = clean
        self.stripped_chars = stripped_chars  # of the raw lines: the tail rule of cleaning needs it
        self.stamp = stamp  # size and modification time when the file was first read
        self.length = 0
        self.removed_lines = 0

    def __len__(self) -> int:
        return self.length

    def __str__(self) -> str:
        return "".join(self.lines())

    def __repr__(self) -> str:
        return f"FileText({str(self.path)!r}, clean={self.clean}, {self.length:,} characters)"

    def lines(self) -> Iterator[str]:
        """The text's lines, each ending in ``"\\n"`` but the last; offsets into their join are
        the article's offsets.  A file changed since it was read is refused."""
        if _stamp(self.path, self.source) != self.stamp:
            raise ReadError(self.source, "the file changed after it was read; score it again")
        pieces = _decoded_pieces(self.path, self.source)
        if not self.clean:
            yield from _stripped(pieces)
            return
        cleaner = CleanedLines(split_lines(pieces), self.stripped_chars)
        yield from cleaner
        self.removed_lines = cleaner.removed_lines


def read_long_text(path: str | os.PathLike, article_id: str, source: str | None = None, clean: bool = True,
                   limit: int | None = None) -> Article | None:
    """The article of a text file, its text left in the file; None when the file should be read
    whole instead: not longer than ``limit`` (default :data:`LONG_ARTICLE_CHARS`) in bytes or,
    once cleaned, in characters, or an HTML page, or a feed dump.

    Raises :class:`framing.ReadError` for a file that is not UTF-8, binary, empty, or has no
    text left after dropping boilerplate, with the messages of reading it whole.
    """
    path = Path(path)
    source = str(path) if source is None else source
    limit = LONG_ARTICLE_CHARS if limit is None else limit
    stamp = _stamp(path, source)
    if stamp[0] <= limit:
        return None
    with path.open("rb") as handle:
        head = handle.read(8192)
    if b"\x00" in head:
        raise binary_error(source)
    if looks_like_html(head):
        return None
    stripped_chars, feed = _survey(path, source)
    if feed:
        return None
    if not stripped_chars:
        raise ReadError(source, "empty input: no text to score")
    text = FileText(path, source, clean, stripped_chars, stamp)
    first, sample, count = "", "", 0
    for line in text.lines():
        if count == 0:
            first = line
        if len(sample) < SAMPLE_CHARS:
            sample += line[: SAMPLE_CHARS - len(sample)]
        text.length += len(line)
        count += 1
    if text.length == 0:
        raise boilerplate_only_error(source, text.removed_lines)
    if text.length <= limit:
        return None
    return Article(id=article_id, text=text, title=title_from(first.split("\n", 1)[0], count > 1), source=source,
                   removed_lines=text.removed_lines, language=detect_language(sample))


def _stamp(path: Path, source: str) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as error:
        raise cannot_read_error(source, error) from None
    return stat.st_size, stat.st_mtime_ns


def _decoded_pieces(path: Path, source: str) -> Iterator[str]:
    """The file's UTF-8 text, split after each ``"\\n"`` (a byte-order mark dropped)."""
    offset = 0
    try:
        handle = path.open("rb")
    except OSError as error:
        raise cannot_read_error(source, error) from None
    with handle:
        for raw in handle:
            start = len(_BOM) if offset == 0 and raw.startswith(_BOM) else 0
            try:
                yield raw[start:].decode("utf-8")
            except UnicodeDecodeError as error:
                at = offset + start + error.start
                raise not_utf8_error(source, raw[start + error.start], at) from None
            offset += len(raw)


def _survey(path: Path, source: str) -> tuple[int, bool]:
    """First full pass: the stripped characters of the file's lines (0: no text), and whether
    it is a feed dump (some line has an item end, some line an RFC 822 date)."""
    stripped_chars, item_end, date = 0, False, False
    for piece in _decoded_pieces(path, source):
        lines = list(split_lines([piece]))
        stripped_chars += sum(len(line.strip()) for line in lines)
        ends, dated = feed_signs(piece)
        item_end, date = item_end or ends, date or dated
    return stripped_chars, item_end and date


def _stripped(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces of ``"".join(pieces).strip()``: white space held back until text follows it."""
    previous: str | None = None
    held: list[str] = []
    for piece in pieces:
        if previous is None:
            previous = piece.lstrip() or None
            continue
        if not piece or piece.isspace():
            held.append(piece)
            continue
        yield previous
        yield from held
        held, previous = [], piece
    if previous is not None:
        yield previous.rstrip()
