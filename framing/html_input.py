"""HTML pages as input: the main text is extracted, never scored as markup.

Extraction uses trafilatura (``extract`` with ``include_comments=False``): navigation,
scripts, styles and comment threads are left out and paragraphs come back one a line, which
are joined with blank lines so that segmentation sees them as passages.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

__all__ = ["looks_like_html", "extract_html", "HtmlText", "HTML_SUFFIXES"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!DOCTYPE\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)


class HtmlText(NamedTuple):
    """The main text of a page and its metadata (``None`` when the page does not say)."""

    text: str
    title: str | None
    date: str | None
    url: str | None


def looks_like_html(text: str | bytes) -> bool:
    """True when a text starts like an HTML page (``<!DOCTYPE html`` or ``<html``).

    Examples
    --------
    >>> looks_like_html("<!doctype html><html><body>x</body></html>"), looks_like_html("Plain <b>text</b>.")
    (True, False)
    """
    head = text[:2048]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace").lstrip("\ufeff")
    return _HTML_START.match(head) is not None


# Fewer words than this in the extracted text means the page held no article (only navigation).
MIN_ARTICLE_WORDS = 5


def extract_html(page: str | bytes) -> HtmlText | None:
    """The main text of an HTML page with its title, date and URL; None when none is found.

    Examples
    --------
    >>> page = ("<html><head><title>T</title><script>var x = 1;</script></head><body><nav>Home</nav>"
    ...         "<article><p>NATO keeps surrounding Russia, the minister told parliament on Tuesday.</p>"
    ...         "<p>He said the West had plotted a colour revolution in Kazakhstan for years.</p>"
    ...         "</article></body></html>")
    >>> print(extract_html(page).text)
    NATO keeps surrounding Russia, the minister told parliament on Tuesday.
    <BLANKLINE>
    He said the West had plotted a colour revolution in Kazakhstan for years.
    >>> extract_html("<html><body><nav>Home</nav></body></html>") is None
    True
    """
    import trafilatura

    result = trafilatura.extract(page, output_format="json", with_metadata=True, include_comments=False,
                                 include_tables=False)
    if not result:
        return None
    data = json.loads(result)
    paragraphs = [line.strip() for line in (data.get("text") or "").split("\n") if line.strip()]
    if sum(len(p.split()) for p in paragraphs) < MIN_ARTICLE_WORDS:
        return None  # a menu or a heading left over from navigation is not an article
    return HtmlText("\n\n".join(paragraphs), data.get("title") or None, data.get("date") or None,
                    data.get("source") or data.get("url") or None)
