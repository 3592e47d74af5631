"""Site boilerplate and feed dumps: what is not article text, and where one article ends.

Works on raw text before segmentation; the readers call it (and skip it with ``clean=False``).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, NamedTuple

__all__ = ["clean_text", "CleanedLines", "split_lines", "is_byline", "clean_boilerplate", "Cleaned", "split_feed_dump",
           "looks_like_feed", "feed_signs", "FeedItem"]


# --- boilerplate ---------------------------------------------------------------------------

# A line that starts the page footer wherever it stands: it and everything after it is dropped.
_FOOTER_START = re.compile(
    r"^\s*(?:Leave a (?:Reply|comment)\s*$|Share this:|Like this:|If you find an error,? please select"
    r"|Comments?\s*\(\d+\)$|\d+ comments?$|Post navigation$)",
    re.IGNORECASE,
)
# Boilerplate lines that open a footer only in the tail of the page (the text after them is
# shorter than the kept text before them); elsewhere only the line itself goes ("Read more"
# before a link in the middle of an article).  In another shape they are article text: an
# editor's letter starting "Dear Readers," or a sentence starting "Tags:".
_SOFT_FOOTER = re.compile(
    r"^\s*(?:(?:Tags|Categories):(?:[^.!?]{0,200})$|Related(?: posts| articles)?:?$"
    r"|Read (?:on the topic|also|more)\s*:?$|You may also like\s*:?$"
    r"|Disclaimer:.*\b(?:views|opinions) expressed\b.*"
    r"|Dear Readers,.*\b(?:comments?|subscri\w+|donat\w+|support us)\b.*)$",
    re.IGNORECASE,
)
# A line that is site furniture wherever it stands.
_FURNITURE = re.compile(
    r"^\s*(?:Subscribe\b.*|Views?:\s*[\d,\s]*|Share(?: on \w+)?|Tweet|Print|Email"
    r"|Photo:.*|Image:.*|Source:\s*\S+$|Advertisement|ADVERTISEMENT|Continue reading.*"
    r"|Accept(?: all)? cookies?|Cookie (?:policy|settings)"
    r"|%d bloggers like this:?|Fill in your details below.*|You are commenting using.*"
    r"|Log\s*Out\s*/\s*Change\s*\)|Connecting to %s|Notify me of .*|Thank you!|Now the editors are aware\.?"
    r"|(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)(?:\s+(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun|Total))+"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}"
    r"|[\"“”]?\s*(?:January|February|March|April|May|June|July|August|September|October|November|December)\s*"
    r"|[\d\s•·|,.:;\-–—/()\"“”]*)\s*$",
    re.IGNORECASE,
)
# Site notices recognised by their wording, not by one word: "This site uses Akismet to reduce
# spam", "We use cookies to ...".  A sentence that only mentions cookies or Akismet is kept.
_NOTICE = re.compile(
    r"^\s*(?:This (?:site|website|blog)|We|Our (?:site|website))\s+(?:uses?|is using)\s+"
    r"(?:Akismet\b|cookies\b.{0,200}\b(?:experience|consent|agree|accept|privacy|continu\w+|browsing)\b)",
    re.IGNORECASE,
)
# A byline: "By Rick ROZOFF", "By Andrew Korybko", "By Jane Doe and John Smith" -- a line that is
# nothing but "By" and one to three names.  A name is two to four name words (a capitalised or
# all-caps word, initials such as "J.B.", "Jr."), with "van", "de", "al" … allowed inside it;
# names are joined by ",", "and" or "&".  A title-case function word ("And", "The", "Of" …) is
# not a name word, and the first word of a name is not one that opens an adverbial phrase
# ("The", "Then", "Early", "Monday", "March", "Contrast" …) nor a gerund ("Burning").  So
# "By 2030 the pipeline will be finished.", "By contrast, NATO …", "By Then, NATO Was Ready",
# "By The Way" and "By Land And Sea" are kept as text.
_FUNCTION_WORD = (r"(?:A|An|And|As|At|But|By|For|From|In|Into|Is|It|Its|Nor|Of|On|Or|Over|So|The|Than|That"
                  r"|To|Under|Up|Via|Was|Were|With|Without)")
_NOT_A_FIRST_NAME = (
    r"(?:This|These|Those|Then|Now|Far|All|Any|Some|Most|Many|Much|More|Few|Each|Every|Both|Either|Early"
    r"|Late|Mid|Next|Last|First|Second|Third|Final|One|Two|Three|Four|Five|Ten|No|Not|Only|Our|Their|His"
    r"|Her|My|Your|Way|Contrast|Comparison|Law|Design|Default|Order|Means|Mistake|Chance|Accident"
    r"|Definition|Nature|Force|Hand|Land|Sea|Air|Road|Rail|Train|Plane|Noon|Midnight|Dawn|Dusk|Today"
    r"|Tomorrow|Tonight|Yesterday|Christmas|Easter|Spring|Summer|Autumn|Fall|Winter|Week|Weekend|Month"
    r"|Year|Decade|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|God|Jove|Popular|Special|Royal"
    r"|Public|Invitation|Appointment|Request|Demand|Proxy|Extension|Implication|Itself|Themselves)")
_NAME_WORD = (r"(?!" + _FUNCTION_WORD + r"(?![\w'’.-]))"
              r"(?:[A-Z][a-z]*(?:['’]?[A-Z][a-z]+)*(?:-[A-Z][a-z]+)?|[A-Z]{2,}(?:['’-][A-Z]+)?"
              r"|(?:[A-Z]\.){1,3}|Jr\.|Sr\.)(?![\w'’.-])")
_NAME = (r"(?!(?:" + _NOT_A_FIRST_NAME + r"|[A-Z][a-z]{2,}ing)(?![\w'’.-]))"
         + _NAME_WORD + r"(?:\s+(?:(?:van|von|der|den|de|del|della|di|da|du|la|le|bin|ibn|al)\s+)*"
         + _NAME_WORD + r"){1,3}")
_BYLINE = re.compile(r"^By\s+" + _NAME + r"(?:\s*(?:,|&|\band\b)\s*" + _NAME + r"){0,2}\s*$")


class Cleaned(NamedTuple):
    """A cleaned text and the number of non-blank lines that cleaning removed."""

    text: str
    removed_lines: int


def clean_text(text: str, *, bylines: bool = True) -> Cleaned:
    """Drop site boilerplate and count the non-blank lines dropped.

    Footer markers ("Leave a Reply", "Share this:", "If you find an error, please select …")
    cut the rest of the page.  "Tags:", "Categories:", "Disclaimer: … views expressed …" and
    "Dear Readers, … comments …" cut it only in that shape and only in the tail of the page.
    Furniture lines (share buttons, "Subscribe …", calendars, cookie and Akismet notices) are
    dropped wherever they stand; a sentence that merely mentions cookies stays.  Byline lines
    ("By Rick ROZOFF", "By Jane Doe and John Smith") are dropped too unless ``bylines=False``;
    a sentence starting "By" ("By 2030 …", "By contrast, …") stays.  Paragraph breaks are
    kept (a run of blank lines becomes one), so segmentation sees the same passages.

    Examples
    --------
    >>> clean_text("Title\\n\\nWe use cookies to track dissidents, he said.\\nShare\\n\\nLeave a Reply\\nName")
    Cleaned(text='Title\\n\\nWe use cookies to track dissidents, he said.', removed_lines=3)
    >>> clean_text("By Rick ROZOFF\\n\\nNATO expands.")
    Cleaned(text='NATO expands.', removed_lines=1)
    >>> clean_text("By Rick ROZOFF\\n\\nNATO expands.", bylines=False)
    Cleaned(text='By Rick ROZOFF\\n\\nNATO expands.', removed_lines=0)
    """
    lines = list(split_lines([text]))
    cleaner = CleanedLines(lines, sum(len(line.strip()) for line in lines), bylines=bylines)
    return Cleaned("".join(cleaner), cleaner.removed_lines)


def split_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of the pieces' join, without line ends: ``\\n``, ``\\r\\n`` and ``\\r`` end a line.
    Pieces read from a file end after a ``\\n`` (a ``\\r\\n`` is never split between two).

    Examples
    --------
    >>> list(split_lines(["a\\r\\n", "b\\rc\\n", "d"]))
    ['a', 'b', 'c', 'd']
    """
    tail = ""
    for piece in pieces:
        *lines, tail = (tail + piece).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        yield from lines
    yield tail


class CleanedLines:
    """The text of :func:`clean_text`, line by line: iterating gives its lines (each ending in
    ``"\\n"`` but the last), and then ``removed_lines`` holds the count of lines dropped.

    Parameters
    ----------
    lines : iterable of str
        The raw text's lines, without line ends (see :func:`split_lines`).
    stripped_chars : int
        The characters of all the lines, each stripped of surrounding white space.  A soft
        footer marker cuts the page only where the text after it is shorter than the text
        kept before it, so the total must be known up front (a file counts it in a first pass).
    bylines : bool, default True
        Drop byline lines.

    Examples
    --------
    >>> lines = CleanedLines(["Title", "", "", "  Text.", "Tweet"], stripped_chars=15)
    >>> list(lines), lines.removed_lines
    (['Title\\n', '\\n', 'Text.'], 1)
    """

    def __init__(self, lines: Iterable[str], stripped_chars: int, *, bylines: bool = True):
        self.lines = lines
        self.stripped_chars = stripped_chars
        self.bylines = bylines
        self.removed_lines = 0

    def __iter__(self) -> Iterator[str]:
        self.removed_lines = 0
        previous: str | None = None  # the last kept line, given out when the next one is known
        blank_before = False
        for line in self._kept():
            if not line:
                blank_before = previous is not None
                continue
            if previous is None:
                previous = line.lstrip()
                continue
            yield previous + "\n"
            if blank_before:  # a run of blank lines becomes one; the next line starts at its text
                yield "\n"
                line, blank_before = line.lstrip(" \t\u00a0"), False
            previous = line
        if previous is not None:
            yield previous

    def _kept(self) -> Iterator[str]:
        """Each line that is kept (right-stripped), and ``""`` for each blank line."""
        kept_chars = seen_chars = 0
        lines = iter(self.lines)
        for line in lines:
            plain = line.strip()
            seen_chars += len(plain)
            stripped = plain.strip("\u00a0•").strip()
            if not stripped:
                yield ""
                continue
            soft = _SOFT_FOOTER.match(stripped) is not None
            in_tail = self.stripped_chars - seen_chars < kept_chars  # the text after this line is shorter
            if _FOOTER_START.match(stripped) or (soft and in_tail):
                self.removed_lines += 1 + sum(1 for rest in lines if rest.strip())
                return
            if (soft or _FURNITURE.fullmatch(stripped) or _NOTICE.match(stripped)
                    or (self.bylines and _is_stripped_byline(stripped))):
                self.removed_lines += 1
                continue
            yield line.rstrip()
            kept_chars += len(stripped)


def is_byline(line: str) -> bool:
    """Whether a line is nothing but a byline ("By Rick ROZOFF", "By Jane Doe and John Smith").

    Examples
    --------
    >>> is_byline(" By Rick ROZOFF "), is_byline("By contrast, NATO grew.")
    (True, False)
    """
    return _is_stripped_byline(line.strip().strip("\u00a0•").strip())


def _is_stripped_byline(stripped: str) -> bool:
    return len(stripped) <= 80 and _BYLINE.match(stripped) is not None


def clean_boilerplate(text: str) -> str:
    """:func:`clean_text` without the count: the cleaned text.

    Examples
    --------
    >>> clean_boilerplate("Real text.\\nTweet\\n\\nMore text.")
    'Real text.\\n\\nMore text.'
    """
    return clean_text(text).text


# --- feed dumps ----------------------------------------------------------------------------

_RFC822 = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
_FEED_ITEM = re.compile(
    r"^\s*(?P<title>\S.*?) (?P<url>https?://\S+) (?P<date>" + _RFC822 + r") (?P<guid>https?://\S+)\s(?P<body>.*)$",
    re.DOTALL,
)
_FEED_CHANNEL = re.compile(
    r"^\s*.*?" + _RFC822 + r" [a-z]{2}(?:-[A-Za-z]{2})? \w+ \d+ https?://\S+\s+", re.DOTALL
)


def looks_like_feed(text: str) -> bool:
    """Whether a text is a flattened feed dump: it has an item end (``]]>``) and an RFC 822 date.

    Examples
    --------
    >>> looks_like_feed("Title http://a.b/1 Mon, 02 Jan 2017 10:00:00 +0000 http://a.b/1 Body.]]>")
    True
    """
    return all(feed_signs(text))


def feed_signs(text: str) -> tuple[bool, bool]:
    """``(has an item end, has an RFC 822 date)``: neither spans a line, so a file read line by
    line looks like a feed when some line has the one and some line the other."""
    return "]]>" in text, re.search(_RFC822, text) is not None


class FeedItem(NamedTuple):
    """One item of a feed dump: title, URL, date, cleaned body and lines removed from it."""

    title: str
    url: str
    date: str
    body: str
    removed_lines: int = 0


def split_feed_dump(text: str, clean: bool = True) -> list[FeedItem]:
    """Split a flattened RSS/CMS export (items separated by ``]]>``) into its items.

    Each item reads ``Title URL Date GUID body``; the channel header before the
    first item is dropped.  Bodies are cleaned of boilerplate unless ``clean=False``.
    """
    items: list[FeedItem] = []
    for chunk in text.split("]]>"):
        chunk = _FEED_CHANNEL.sub("", chunk, count=1) if not items else chunk
        match = _FEED_ITEM.match(chunk)
        if match is None:
            continue
        body, removed = clean_text(match["body"]) if clean else (match["body"].strip(), 0)
        items.append(FeedItem(match["title"].strip(), match["url"], match["date"], body, removed))
    return items
