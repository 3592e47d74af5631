"""Site boilerplate and feed dumps: what is not article text, and where one article ends.

Works on raw text before segmentation; the readers call it (and skip it with ``clean=False``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["clean_boilerplate", "split_feed_dump", "looks_like_feed", "FeedItem"]


# --- boilerplate ---------------------------------------------------------------------------

# A line that starts the page footer: it and everything after it is dropped.
_FOOTER_START = re.compile(
    r"^\s*(?:Leave a (?:Reply|comment)|Categories:|Tags:|Share this:|Like this:|Related(?: posts| articles)?:?$"
    r"|Read (?:on the topic|also|more)\s*:?$|If you find an error|Dear Readers,|Disclaimer:"
    r"|Comments?\s*\(\d+\)|\d+ comments?$|Post navigation|You may also like)",
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
# Furniture recognised anywhere in a line (a search, not a ".*…" match: long lines stay linear).
_FURNITURE_ANYWHERE = re.compile(r"\b(?:uses|use) cookies\b|\bAkismet\b", re.IGNORECASE)


def clean_boilerplate(text: str) -> str:
    """Drop site boilerplate: comment forms, share buttons, calendars, subscription prompts.

    Footer markers ("Leave a Reply", "Tags:", "If you find an error …", "Dear Readers, …")
    cut the rest of the page; furniture lines (share buttons, "Subscribe …",
    calendars, cookie notices) are dropped wherever they stand.  Paragraph breaks
    are kept, so segmentation sees the same passages.
    """
    kept: list[str] = []
    lowered = text.lower()
    anywhere = _FURNITURE_ANYWHERE if "cookies" in lowered or "akismet" in lowered else None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip().strip("\u00a0•").strip()
        if stripped and _FOOTER_START.match(stripped):
            break
        if stripped and (_FURNITURE.fullmatch(stripped) or (anywhere and anywhere.search(stripped))):
            continue
        kept.append(line.rstrip())
    cleaned = "\n".join(kept)
    cleaned = re.sub(r"\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)+", "\n\n", cleaned)
    return cleaned.strip()


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
    return text.count("]]>") >= 1 and re.search(_RFC822, text) is not None


class FeedItem(NamedTuple):
    """One item of a feed dump: title, URL, date and cleaned body."""

    title: str
    url: str
    date: str
    body: str


def split_feed_dump(text: str) -> list[FeedItem]:
    """Split a flattened RSS/CMS export (items separated by ``]]>``) into its items.

    Each item reads ``Title URL Date GUID body``; the channel header before the
    first item is dropped.  Bodies are cleaned of boilerplate.
    """
    items: list[FeedItem] = []
    for chunk in text.split("]]>"):
        chunk = _FEED_CHANNEL.sub("", chunk, count=1) if not items else chunk
        match = _FEED_ITEM.match(chunk)
        if match is None:
            continue
        items.append(FeedItem(match["title"].strip(), match["url"], match["date"],
                              clean_boilerplate(match["body"])))
    return items
