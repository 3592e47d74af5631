"""Sentence and paragraph segmentation with character offsets.

The segmenter is rule based: candidate boundaries are found with one regular
expression and then vetoed by abbreviation, initial and acronym rules.  It was
chosen over pysbd, syntok and blingfire by measuring accuracy on a hand-checked
sample of the seed articles and speed on all seeds (see the README and
``benchmarks/segmentation.py``).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, NamedTuple

__all__ = ["Sentence", "Segments", "Paragraph", "segment", "iter_paragraphs", "iter_paragraphs_from_lines",
           "iter_segments", "split_sentences", "split_paragraphs", "MAX_PARAGRAPH_SENTENCES", "REGION_CHARS"]


class Sentence(NamedTuple):
    """A sentence of an article: its text and ``[start, end)`` offsets into the article."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


# Words after which a period does not end a sentence (compared lower-cased, without the dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr gov sen rep rev hon pres
    st jr sr mt ft vs etc e.g i.e cf al approx dept est fig no nos vol op inc ltd corp co
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u u.s.a u.s.s.r
    """.split()
)
# Abbreviations that may also end a sentence ("… and so on, etc. The next …").
_ABBREVIATIONS_ENDING_SENTENCES = frozenset({"etc", "inc", "ltd", "corp", "co", "al"})

# Words that, capitalised after an acronym such as "U.S.", show that a new sentence began.
_SENTENCE_STARTERS = frozenset(
    """
    the this that these those it its he she they we i you there here but and or so yet
    however in on at as if when while after before since although though meanwhile moreover
    what why how who which a an our their his her my no not nor all some many most both
    """.split()
)

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
_CANDIDATE = re.compile(
    r"(?:[.!?]+|…)[" + re.escape(_CLOSERS) + r"]*(?=\s+[" + re.escape(_OPENERS) + r"\-–—]?[\w])"
)
_TERMINAL = re.compile(r"[.!?…]")
_TOKEN_PARTS = re.compile(r"[-–/]")
_NEXT_WORD = re.compile(r"\s*[" + re.escape(_OPENERS) + r"]?([\w'’-]+)")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LINE = re.compile(r"[^\n]+")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the paragraphs: passages between blank lines (a passage of more
    than :data:`MAX_PARAGRAPH_SENTENCES` sentences gives several).

    Examples
    --------
    >>> split_paragraphs("One. Two.\\n\\n  Three.\\n")
    [(0, 9), (13, 19)]
    """
    return segment(text).paragraphs


def _passage_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each passage between blank lines, surrounding white space included."""
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield position, match.start()
        position = match.end()
    yield position, len(text)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without leading and trailing white space (empty: ``start == end``)."""
    piece = text[start:end]
    left = piece.lstrip()
    start += len(piece) - len(left)
    return start, start + len(left.rstrip())


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph into blocks at line breaks that end a unit.

    A single line break ends a unit (a heading, a byline, a list item) unless it
    looks like hard-wrapped prose: a long line without final punctuation whose
    next line starts in lower case.
    """
    if text.find("\n", start, end) == -1:
        return [(start, end)]
    lines = [(m.start() + start, m.end() + start) for m in _LINE.finditer(text[start:end])]
    lines = [_strip_span(text, s, e) for s, e in lines if text[s:e].strip()]
    blocks: list[list[int]] = []
    for line_start, line_end in lines:
        if blocks:
            previous = text[blocks[-1][0]:blocks[-1][1]]
            wrapped = (
                len(text[_line_start(text, blocks[-1][1]):blocks[-1][1]]) >= 60
                and previous[-1:] not in ".!?:;”\"’"
                and text[line_start].islower()
            )
            if wrapped:
                blocks[-1][1] = line_end
                continue
        blocks.append([line_start, line_end])
    return [(s, e) for s, e in blocks]


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _last_token(text: str, lower: int, end: int) -> str | None:
    """The run of non-space characters ending at ``end`` (or just before a line break there),
    not before ``lower``: what ``(\\S+)$`` finds in ``text[lower:end]``, in time proportional
    to the token."""
    if end > lower and text[end - 1] == "\n":
        end -= 1
    start = end
    while start > lower and not text[start - 1].isspace():
        start -= 1
    return text[start:end] if start < end else None


def _is_boundary(text: str, block_start: int, block_end: int, match: re.Match) -> bool:
    if match.group(0).rstrip(_CLOSERS) != ".":
        return True
    token = _last_token(text, block_start, match.start())
    if token is None:
        return True
    token = _TOKEN_PARTS.split(token.lstrip(_OPENERS))[-1]
    is_initials = _INITIALS.match(token) is not None
    lowered = token.lower()
    if not is_initials and lowered not in _ABBREVIATIONS:
        return True
    if is_initials and len(token) == 1 and token.islower():
        return True
    if not is_initials and lowered not in _ABBREVIATIONS_ENDING_SENTENCES:
        return False
    # "U.S." or "H.W." or "J." or "etc.": a sentence starts only if a typical first word follows.
    following = _NEXT_WORD.match(text, match.end(), block_end)
    next_word = following.group(1) if following else ""
    opens_sentence = next_word[:1].isupper() and next_word.lower() in _SENTENCE_STARTERS
    if is_initials:
        return opens_sentence and "." in token
    return opens_sentence


class Segments(NamedTuple):
    """An article cut once: its sentences and its paragraph (passage) spans."""

    sentences: list[Sentence]
    paragraphs: list[tuple[int, int]]

    def paragraph_rows(self) -> list[tuple[int, int, list[int]]]:
        """``(start, end, sentence indices)`` for every paragraph, in order."""
        rows: list[list[int]] = [[] for _ in self.paragraphs]
        for i, s in enumerate(self.sentences):
            rows[s.paragraph].append(i)
        return [(start, end, r) for (start, end), r in zip(self.paragraphs, rows)]


MAX_PARAGRAPH_SENTENCES = 512
"""A passage between blank lines with more sentences than this is read as consecutive paragraphs
of at most this many, so a text without blank lines still comes in bounded paragraphs.  Real
articles stay far below it: the longest passage of the gold set's documents has 162 sentences."""

REGION_CHARS = 65_536
""":func:`iter_paragraphs_from_lines` cuts a passage it reads into pieces of about this many
characters (at a line that starts a new unit, so no sentence changes): memory is bounded by
this and the longest line, however long the passage."""


def segment(text: str) -> Segments:
    """Sentences and paragraph spans of a text, from one pass over its paragraphs.

    Examples
    --------
    >>> cut = segment("One. Two.\\n\\nThree.")
    >>> [s.text for s in cut.sentences], cut.paragraphs
    (['One.', 'Two.', 'Three.'], [(0, 9), (11, 17)])
    """
    sentences: list[Sentence] = []
    paragraphs: list[tuple[int, int]] = []
    for paragraph in iter_paragraphs(text):
        sentences.extend(paragraph.sentences)
        paragraphs.append((paragraph.start, paragraph.end))
    return Segments(sentences, paragraphs)


class Paragraph(NamedTuple):
    """A paragraph of an article: its number, ``[start, end)`` span and its sentences."""

    index: int
    start: int
    end: int
    sentences: list[Sentence]


class _Paragraphs:
    """Numbers sentences and groups them into paragraphs as the passages of a text come in:
    a passage ends a paragraph, and so does every :data:`MAX_PARAGRAPH_SENTENCES`-th sentence."""

    def __init__(self) -> None:
        self.index = 0
        self.next_sentence = 0
        self.open: list[Sentence] = []

    def add(self, text: str, start: int, end: int, base: int = 0) -> Iterator[Paragraph]:
        """Take in the sentences of ``text[start:end]`` (a passage, or a piece of one that ends
        where a unit ends), whose offsets in the article are ``base`` more; yield the paragraphs
        that fill up."""
        start, end = _strip_span(text, start, end)
        for s_start, s_end, s_text in _passage_sentences(text, start, end):
            if len(self.open) == MAX_PARAGRAPH_SENTENCES:
                yield self.close()
            self.open.append(Sentence(self.next_sentence, base + s_start, base + s_end, s_text, self.index))
            self.next_sentence += 1

    def close(self) -> Paragraph:
        """End the open paragraph (there must be one)."""
        sentences, self.open = self.open, []
        self.index += 1
        return Paragraph(self.index - 1, sentences[0].start, sentences[-1].end, sentences)

    def finish(self) -> Iterator[Paragraph]:
        """End the open paragraph at a passage end, if it has sentences."""
        if self.open:
            yield self.close()


def iter_paragraphs(text: str) -> Iterator[Paragraph]:
    """The paragraphs of :func:`segment`, cut lazily one at a time, each with its sentences.

    A paragraph is a passage between blank lines, or a run of :data:`MAX_PARAGRAPH_SENTENCES`
    sentences of a longer one.  Sentence indices run on across paragraphs, so the sentences are
    exactly those of :func:`segment`; only one paragraph's sentences are held at a time.

    Examples
    --------
    >>> [(p.index, p.start, p.end, [s.index for s in p.sentences])
    ...  for p in iter_paragraphs("One. Two.\\n\\nThree.")]
    [(0, 0, 9, [0, 1]), (1, 11, 17, [2])]
    """
    paragraphs = _Paragraphs()
    for start, end in _passage_spans(text):
        yield from paragraphs.add(text, start, end)
        yield from paragraphs.finish()


_BLANK_LINE = re.compile(r"[ \t\r\f\v\u00a0]*\n")


def iter_paragraphs_from_lines(lines: Iterable[str]) -> Iterator[Paragraph]:
    """:func:`iter_paragraphs` of the text that ``lines`` make when joined, read line by line.

    Each line but the last ends with ``"\\n"``; offsets are into the joined text.  Only a
    piece of a passage (about :data:`REGION_CHARS` characters, or one line when a line is
    longer) and one paragraph's sentences are held at a time, so a text read from a file is
    never held whole.

    Examples
    --------
    >>> lines = ["One. Two.\\n", "\\n", "Three.\\n", "four."]
    >>> list(iter_paragraphs_from_lines(lines)) == list(iter_paragraphs("".join(lines)))
    True
    """
    paragraphs = _Paragraphs()
    region: list[str] = []
    size = base = 0
    for line in lines:
        if _BLANK_LINE.fullmatch(line):
            yield from paragraphs.add("".join(region), 0, size, base)
            yield from paragraphs.finish()
            base, region, size = base + size + len(line), [], 0
            continue
        if size >= REGION_CHARS and line.lstrip()[:1] and not line.lstrip()[0].islower():
            # the line starts a new unit (no hard-wrapped prose joins it to the previous one)
            yield from paragraphs.add("".join(region), 0, size, base)
            base, region, size = base + size, [], 0
        region.append(line)
        size += len(line)
    yield from paragraphs.add("".join(region), 0, size, base)
    yield from paragraphs.finish()


def iter_segments(text: str) -> Iterator[Sentence]:
    """The sentences of :func:`segment`, with the same indices, offsets and paragraph numbers,
    cut lazily paragraph by paragraph (memory bounded by the longest paragraph).

    Examples
    --------
    >>> list(iter_segments("One. Two.\\n\\nThree.")) == segment("One. Two.\\n\\nThree.").sentences
    True
    >>> next(iter_segments("Mr. Smith left. Rain."))
    Sentence(index=0, start=0, end=15, text='Mr. Smith left.', paragraph=0)
    """
    for paragraph in iter_paragraphs(text):
        yield from paragraph.sentences


def split_sentences(text: str) -> list[Sentence]:
    """Split an article into sentences with character offsets.

    Blank lines always end a sentence; a single line break ends one unless the text
    is hard-wrapped prose.  A period after an abbreviation (``Mr.``, ``Lt.``,
    ``Gen.``), an initial (``George H.W. Bush``) or an acronym (``U.S.``) does not
    end a sentence unless a typical sentence opener follows the acronym.

    Parameters
    ----------
    text : str
        The article text.

    Returns
    -------
    list of Sentence
        ``text[s.start:s.end] == s.text`` holds for every sentence.

    Examples
    --------
    >>> [s.text for s in split_sentences("Mr. Smith went to the U.S. Army base. It rained.")]
    ['Mr. Smith went to the U.S. Army base.', 'It rained.']
    """
    return segment(text).sentences


def _passage_sentences(text: str, p_start: int, p_end: int) -> Iterator[tuple[int, int, str]]:
    """``(start, end, text)`` of each sentence of the passage ``text[p_start:p_end]``, in order."""
    for b_start, b_end in _lines(text, p_start, p_end):
        position = search_from = b_start
        # Candidates are tried only where a terminal mark stands: the same matches as
        # finditer over the block, without running the full pattern at every character.
        while (mark := _TERMINAL.search(text, search_from, b_end)) is not None:
            match = _CANDIDATE.match(text, mark.start(), b_end)
            if match is None:
                search_from = mark.start() + 1
                continue
            search_from = match.end()
            if _is_boundary(text, b_start, b_end, match):
                yield from _trimmed(text, position, match.end())
                position = match.end()
        yield from _trimmed(text, position, b_end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """``text[start:end]`` without surrounding white space, unless nothing is left."""
    piece = text[start:end]
    left = piece.lstrip()
    if left:
        start += len(piece) - len(left)
        sentence = left.rstrip()
        yield start, start + len(sentence), sentence
