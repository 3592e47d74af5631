"""Where each sentence stands in its document: neighbours, blocks and known document kinds.

Context-aware estimators read a sentence with its previous and next sentence and its block
(a paragraph, or the field of a fact-check case); :func:`gold_context` gives those for gold
sentences and :class:`DocumentContext` turns them into row indices.
"""

from __future__ import annotations

import numpy as np

from .codebook import load_codebook
from .errors import InputError

__all__ = ["DocumentContext", "gold_context"]


def gold_context(sentences) -> dict:
    """``groups``/``doc_ids``, ``positions``, ``blocks`` and ``kinds`` of gold sentences
    (:class:`framing.annotations.LabelledSentence`), for :meth:`ContextFrameClassifier.fit`.

    A fact-check case's block is its field (``summary`` or ``disproof``).  Seed articles carry
    no paragraph marks in the gold set, so their blocks are runs of two consecutive sentences,
    about the size of a seed paragraph (1.8 sentences on average).
    """
    blocks = [s.field if s.field else f"p{s.position // 2}" for s in sentences]
    return {"groups": [s.doc_id for s in sentences], "positions": [s.position for s in sentences],
            "blocks": blocks, "kinds": [s.kind for s in sentences]}


class DocumentContext:
    """Neighbours and blocks of sentences: ``prev``/``next`` row indices (-1 at a document's
    edge), ``block`` codes, and the known rebuttal value of each sentence (nan if unknown)."""

    def __init__(self, n, doc_ids=None, positions=None, blocks=None, kinds=None):
        def codes(values, what):
            values = np.asarray([str(v) for v in values], dtype=object)
            if len(values) != n:
                raise InputError(f"{what} has {len(values)} entries for {n} sentences")
            return np.unique(values, return_inverse=True)[1].ravel() if n else np.zeros(0, np.int64)

        doc = np.arange(n) if doc_ids is None else codes(doc_ids, "doc_ids")
        if positions is None:
            position = np.arange(n)
        else:
            position = np.asarray(positions, dtype=float)
            if position.shape != (n,):
                raise InputError(f"positions has shape {position.shape}; expected ({n},)")
        order = np.lexsort((np.arange(n), position, doc))
        self.prev = np.full(n, -1, dtype=np.int64)
        self.next = np.full(n, -1, dtype=np.int64)
        if n > 1:
            same = doc[order[1:]] == doc[order[:-1]]
            self.prev[order[1:][same]] = order[:-1][same]
            self.next[order[:-1][same]] = order[1:][same]
        if blocks is None:
            self.block = doc
        else:
            block = codes(blocks, "blocks")
            self.block = np.unique(np.stack([doc, block]), axis=1, return_inverse=True)[1].ravel()
        self.known = np.full(n, np.nan)
        if kinds is not None:
            if isinstance(kinds, str):
                kinds = [kinds] * n
            kinds = list(kinds)
            if len(kinds) != n:
                raise InputError(f"kinds has {len(kinds)} entries for {n} sentences")
            rebuttal = set(load_codebook().rebuttal_kinds)
            for i, kind in enumerate(kinds):
                if kind is not None and kind == kind and kind != "":
                    self.known[i] = 1.0 if kind in rebuttal else 0.0

    def subset(self, rows: np.ndarray) -> "DocumentContext":
        """Context restricted to ``rows`` (whole documents), re-indexed."""
        new = object.__new__(DocumentContext)
        where = np.full(len(self.prev), -1, dtype=np.int64)
        where[rows] = np.arange(len(rows))
        new.prev = np.where(self.prev[rows] >= 0, where[np.maximum(self.prev[rows], 0)], -1)
        new.next = np.where(self.next[rows] >= 0, where[np.maximum(self.next[rows], 0)], -1)
        new.block = np.unique(self.block[rows], return_inverse=True)[1].ravel()
        new.known = self.known[rows]
        return new

    def shift(self, values: np.ndarray, which: str) -> np.ndarray:
        """Rows of ``values`` taken at the neighbour (zero at a document's edge)."""
        index = self.prev if which == "prev" else self.next
        out = values[np.maximum(index, 0)]
        out[index < 0] = 0
        return out

    def block_mean(self, values: np.ndarray) -> np.ndarray:
        sums = np.bincount(self.block, weights=values)
        counts = np.bincount(self.block)
        return (sums / np.maximum(counts, 1))[self.block]
