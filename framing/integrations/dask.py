"""Score articles on a Dask cluster with the same pure function as a local run.

Install with ``pip install "framing[dask]"``.  Each partition is scored by
:func:`framing.batch.score_batch`, which loads the model once per worker process.
"""

from __future__ import annotations

from typing import Any

from ..readers import Article
from ..batch import score_batch

try:
    import dask.bag as db
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError('framing.integrations.dask needs Dask: pip install "framing[dask]"') from error

__all__ = ["score_bag", "articles_to_bag"]


def _as_article(item: Any) -> Article:
    if isinstance(item, Article):
        return item
    return Article(id=str(item["id"]), text=item["text"], title=item.get("title"), url=item.get("url"),
                   date=item.get("date"))


def _score_partition(items, model: str | None, level: str) -> list[dict[str, Any]]:
    records = []
    for _, rows in score_batch([_as_article(i) for i in items], model, level):
        records.extend(rows)
    return records


def articles_to_bag(articles, npartitions: int = 4) -> "db.Bag":
    """A bag of ``{"id", "text", ...}`` dicts from articles."""
    return db.from_sequence([{"id": a.id, "text": a.text, "title": a.title, "url": a.url, "date": a.date}
                             for a in articles], npartitions=npartitions)


def score_bag(bag: "db.Bag", model: str | None = None, level: str = "article") -> "db.Bag":
    """Map a bag of articles (``Article`` or dicts with ``id`` and ``text``) to output records.

    Examples
    --------
    >>> from framing import Article
    >>> bag = articles_to_bag([Article("a1", "NATO surrounds Russia. It rained.")], npartitions=1)
    >>> rows = score_bag(bag, level="sentence").compute(scheduler="synchronous")
    >>> [(r["article_id"], r["sentence"]) for r in rows]
    [('a1', 0), ('a1', 1)]
    """
    return bag.map_partitions(_score_partition, model, level)
