"""An article, the error for an input that cannot become one, and the one path from raw text to
an article's text (HTML extracted, boilerplate dropped, language detected) that the readers,
``framing tag``, ``framing score`` and :meth:`framing.Tagger.tag_article` all share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cleaning import clean_text
from .errors import FramingError
from .html_input import extract_html, looks_like_html
from .language import detect_language

__all__ = ["Article", "ReadError", "article_from_text", "prepare_text", "decode_bytes", "binary_error",
           "cannot_read_error", "not_utf8_error", "empty_page_error", "boilerplate_only_error", "title_from"]


@dataclass
class Article:
    """One article: a stable id, its text and whatever metadata is known.

    The readers also set ``removed_lines`` (non-blank lines dropped as boilerplate; 0 with
    ``clean=False``) and ``language`` (detected language code, None when too short to tell).
    Articles built by hand keep None for both.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    removed_lines: int | None = None
    language: str | None = None

    @property
    def kind(self) -> str | None:
        """The document kind the caller gave (a ``kind`` column, or ``tag_article(kind=...)``), if any."""
        kind = self.meta.get("kind")
        return kind if isinstance(kind, str) and kind else None

    def metadata(self) -> dict[str, Any]:
        """Id and metadata without the text, for output records.

        A metadata column of the input named ``language`` or ``removed_lines`` keeps its name
        and value; the reader's own value then comes out as ``detected_language`` or
        ``framing_removed_lines``.
        """
        record = {"id": self.id, "title": self.title, "url": self.url, "date": self.date,
                  "source": self.source, "removed_lines": self.removed_lines, "language": self.language}
        if "removed_lines" in self.meta:
            record["framing_removed_lines"] = record.pop("removed_lines")
        if "language" in self.meta:
            record["detected_language"] = record.pop("language")
        record.update(self.meta)
        return record


class ReadError(FramingError):
    """An input that cannot be turned into an article; names the source and the reason."""

    def __init__(self, source: str, reason: str, line: int | None = None, article_id: str | None = None):
        self.source = str(source)
        self.reason = reason
        self.line = line
        self.article_id = article_id
        where = f"{self.source}:{line}" if line is not None else self.source
        if article_id is not None:
            where += f" (id {article_id!r})"
        super().__init__(f"{where}: {reason}")

    def to_record(self) -> dict[str, Any]:
        """The error as a row of the errors file: source, line, id (None when unknown), reason.

        Examples
        --------
        >>> ReadError("t.csv", "row has no text in 'text'", line=3, article_id="a7").to_record()
        {'source': 't.csv', 'line': 3, 'id': 'a7', 'reason': "row has no text in 'text'"}
        """
        return {"source": self.source, "line": self.line, "id": self.article_id, "reason": self.reason}

    def at(self, line: int | None = None, article_id: str | None = None) -> "ReadError":
        """The same error with a line and id filled in where it had none."""
        return ReadError(self.source, self.reason, self.line if self.line is not None else line,
                         self.article_id if self.article_id is not None else article_id)


# --- raw text -------------------------------------------------------------------------------


def decode_bytes(data: bytes, source: str) -> str:
    """UTF-8 text of an input, or a :class:`ReadError` naming what it is instead.

    Examples
    --------
    >>> decode_bytes(b"caf\\xe9", "a.txt")
    Traceback (most recent call last):
    ...
    framing.articles.ReadError: a.txt: not UTF-8 (byte 0xe9 at offset 3); re-encode the file as UTF-8
    """
    if not data.strip():
        raise ReadError(source, "empty input: no text to score")
    if b"\x00" in data[:8192]:
        raise binary_error(source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8_error(source, data[error.start], error.start) from None


def cannot_read_error(source: str, error: OSError) -> ReadError:
    """The error for a file the system would not let us read."""
    return ReadError(source, f"cannot read: {error.strerror}")


def binary_error(source: str, what: str = "a text article") -> ReadError:
    """The error for an input with NUL bytes in its first 8 KiB."""
    return ReadError(source, f"binary data (NUL bytes): not {what}")


def not_utf8_error(source: str, byte: int, offset: int) -> ReadError:
    """The error for an input that is not UTF-8, naming the first bad byte and its offset."""
    return ReadError(source, f"not UTF-8 (byte 0x{byte:02x} at offset {offset}); re-encode the file as UTF-8")


def empty_page_error(source: str, line: int | None = None, article_id: str | None = None) -> ReadError:
    """The error for an HTML page in which no article text was found."""
    return ReadError(source, "an HTML page with no article text found in it; save the article text as a .txt file",
                     line=line, article_id=article_id)


def boilerplate_only_error(source: str, removed: int, line: int | None = None,
                           article_id: str | None = None) -> ReadError:
    """The error for a text that cleaning left empty."""
    return ReadError(source, f"no text left after dropping boilerplate ({removed} line(s) removed); "
                             "pass --no-clean (clean=False) to score it as it is", line=line, article_id=article_id)


def title_from(first_line: str, more_lines: bool) -> str | None:
    """An article's title when no page gives one: its first line, when short and more lines follow.

    Examples
    --------
    >>> title_from(" Headline ", True), title_from("Headline", False)
    ('Headline', None)
    """
    first_line = first_line.strip()
    return first_line if len(first_line) <= 200 and more_lines else None


def prepare_text(text: str, source: str, clean: bool, line: int | None = None,
              article_id: str | None = None) -> tuple[str, int, Any]:
    """The text to score (HTML extracted, boilerplate dropped), lines removed, page metadata.

    Examples
    --------
    >>> prepare_text("Real text.\\nTweet", "a.txt", clean=True)[:2]
    ('Real text.', 1)
    """
    page = None
    if not text.strip():
        raise ReadError(source, "empty input: no text to score", line=line, article_id=article_id)
    if looks_like_html(text):
        page = extract_html(text)
        if page is None:
            raise empty_page_error(source, line, article_id)
        text = page.text
    if not clean:
        return text, 0, page
    body, removed = clean_text(text)
    if not body:
        raise boilerplate_only_error(source, removed, line, article_id)
    return body, removed, page


def article_from_text(text: str, article_id: str = "article", *, source: str | None = None,
                      clean: bool = True) -> Article:
    """One article from a raw text, by the path ``framing tag`` and ``framing score`` take.

    An HTML page is reduced to its main text; boilerplate is dropped unless ``clean=False``;
    the first line becomes the title when it is short and more lines follow; the language is
    detected.  Feed dumps are split only by :func:`read_articles`.

    Examples
    --------
    >>> a = article_from_text("Headline\\n\\nNATO expands east.\\nShare\\nTweet")
    >>> a.title, a.text, a.removed_lines
    ('Headline', 'Headline\\n\\nNATO expands east.', 2)
    """
    source = article_id if source is None else source
    body, removed, page = prepare_text(text, source, clean)
    body = body.strip()  # not empty: prepare_text refuses a text without any
    if page is not None and page.title:
        title = page.title
    else:
        title = title_from(body.split("\n", 1)[0], "\n" in body)
    return Article(id=article_id, text=body, title=title, url=page.url if page else None,
                   date=page.date if page else None, source=source, removed_lines=removed,
                   language=detect_language(body))
