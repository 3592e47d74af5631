"""Which documents to label first: rank unlabelled documents by where the model is unsure.

The ranking orders work only; it never proposes a label.  A document's priority is the
mean, over its sentences, of the model's uncertainty (how close the most uncertain frame's
probability sits to its threshold) plus its expected frame density (the expected number of
frames per sentence, capped at one), so that documents likely to hold frames the model
cannot yet decide are read first.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import numpy as np

from .corpus import document_id
from .errors import InputError
from .labels import apply_thresholds
from .segmentation import split_sentences

__all__ = ["RankedDocument", "rank_documents", "corpus_documents", "TEXT_FIELDS"]

# The fields read from a corpus document, in order: EUvsDisinfo cases, else articles.
TEXT_FIELDS = (("summary", "disproof"), ("title", "text"))


@dataclass(frozen=True)
class RankedDocument:
    """One document's place in the labelling queue."""

    doc_id: str
    priority: float
    uncertainty: float
    density: float
    sentences: int


def _uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per sentence: 1 at a frame's threshold, 0 at certainty, for the least certain frame."""
    span = np.where(apply_thresholds(proba, thresholds), 1.0 - thresholds, thresholds)
    closeness = 1.0 - np.abs(proba - thresholds) / np.maximum(span, 1e-9)
    return closeness.max(axis=1)


def rank_documents(model, documents: Iterable[tuple[str, Sequence[str]]]) -> list[RankedDocument]:
    """Rank documents for labelling, most useful first.

    Parameters
    ----------
    model : Tagger or fitted estimator
        Anything with ``predict_proba(sentences)`` and a ``thresholds_`` (or ``thresholds``)
        array in the same frame order.
    documents : iterable of (doc_id, sentences)
        Each document's sentences, as the segmenter produces them.

    Returns
    -------
    list of RankedDocument
        Sorted by descending priority; ties broken by document id.  Documents without
        sentences are left out.

    Examples
    --------
    >>> class Fixed:
    ...     thresholds_ = np.array([0.5])
    ...     def predict_proba(self, sentences):
    ...         return np.array([[0.5 if "maybe" in s else 0.0] for s in sentences])
    >>> [d.doc_id for d in rank_documents(Fixed(), [("sure", ["no."]), ("unsure", ["maybe."])])]
    ['unsure', 'sure']
    """
    thresholds = np.asarray(getattr(model, "thresholds_", getattr(model, "thresholds", None)), dtype=float)
    documents = list(documents)
    for doc_id, sentences in documents:
        if isinstance(sentences, str):
            raise InputError(f"document {doc_id!r}: give its sentences as a list of strings, not one string "
                             "(split it with framing.split_sentences)")
    documents = [(doc_id, list(sentences)) for doc_id, sentences in documents]
    documents = [(doc_id, sentences) for doc_id, sentences in documents if sentences]
    if not documents:
        return []
    proba = np.asarray(model.predict_proba([s for _, sentences in documents for s in sentences]))
    ranked, offset = [], 0
    for doc_id, sentences in documents:
        block = proba[offset:offset + len(sentences)]
        offset += len(sentences)
        uncertainty = float(_uncertainty(block, thresholds).mean())
        density = float(np.minimum(block.sum(axis=1), 1.0).mean())
        ranked.append(RankedDocument(doc_id, uncertainty + density, uncertainty, density, len(sentences)))
    ranked.sort(key=lambda d: (-d.priority, d.doc_id))
    return ranked


def corpus_documents(path: str | os.PathLike, *, fields: Sequence[str] | None = None,
                     exclude: Iterable[str] = ()) -> Iterator[tuple[str, list[str]]]:
    """``(doc_id, sentences)`` for every document of a JSONL corpus file not in ``exclude``.

    ``fields`` are read in order (default: ``summary`` and ``disproof`` when the document
    has them, else ``title`` and ``text``) and segmented as the gold set is.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.jsonl")
    >>> _ = open(path, "w").write('{"doc_id": "d1", "title": "T.", "text": "One. Two."}\\n')
    >>> list(corpus_documents(path))
    [('d1', ['T.', 'One.', 'Two.'])]
    """
    exclude = set(exclude)
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such corpus file; give a JSONL file of documents")
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}:{number}: invalid JSON ({error.msg})") from None
            doc_id = document_id(record) if isinstance(record, dict) else None
            if doc_id is None:
                raise InputError(f"{path}:{number}: no case_id, doc_id or id field")
            if doc_id in exclude:
                continue
            chosen = fields or next((f for f in TEXT_FIELDS if any(k in record for k in f)), TEXT_FIELDS[1])
            yield doc_id, [s.text for field in chosen for s in split_sentences(record.get(field) or "")]
