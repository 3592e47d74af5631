"""Long articles scored in bounded pieces: memory flat in article size.

An article longer than :data:`framing.longtext.LONG_ARTICLE_CHARS` is cut lazily, paragraph by paragraph
(:func:`framing.segmentation.iter_paragraphs`; from the file, line by line, when its text is a
:class:`framing.longtext.FileText`), and scored in windows of whole paragraphs
of about :data:`WINDOW_SENTENCES` sentences.  A context model reads each sentence with its
previous and next sentence and its paragraph, so a window is scored with one paragraph of
overlap on each side (whose scores are dropped): every sentence gets exactly the score it
gets when the whole article is scored at once.

At article level a :class:`RunningRollup` keeps the running maximum and the top evidence
per frame, which gives the same record as :func:`framing.records.rollup`; at sentence and
paragraph level the records come out window by window, so a writer can stream them.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np

from .labels import apply_thresholds
from .records import DEFAULT_EVIDENCE, passage_record, rollup, sentence_records
from . import longtext
from .longtext import FileText
from .segmentation import Paragraph, Sentence, iter_paragraphs, iter_paragraphs_from_lines

__all__ = ["WINDOW_SENTENCES", "is_long", "paragraph_windows", "RunningRollup",
           "scored_windows", "record_pieces"]

WINDOW_SENTENCES = 2048
"""About how many sentences a window holds (whole paragraphs; a paragraph is never cut)."""


def is_long(text: str | FileText, limit: int | None = None) -> bool:
    """Whether an article's text is longer than ``limit`` (default :data:`framing.longtext.LONG_ARTICLE_CHARS`)
    and so takes the streaming path.

    Examples
    --------
    >>> is_long("short"), is_long("x" * 300_000)
    (False, True)
    """
    return len(text) > (longtext.LONG_ARTICLE_CHARS if limit is None else limit)


def paragraph_windows(text: str | FileText, size: int | None = None
                      ) -> Iterator[tuple[Paragraph | None, list[Paragraph], Paragraph | None]]:
    """``(before, core, after)``: runs of whole paragraphs of at least ``size`` sentences (the
    last run may be shorter), with the paragraph before and after each run (None at the
    article's edges).  Only one window's paragraphs are held at a time.

    Examples
    --------
    >>> text = "One. Two.\\n\\nThree.\\n\\nFour. Five. Six."
    >>> [(b and b.index, [p.index for p in core], a and a.index)
    ...  for b, core, a in paragraph_windows(text, size=2)]
    [(None, [0], 1), (0, [1, 2], None)]
    """
    size = WINDOW_SENTENCES if size is None else size
    before: Paragraph | None = None
    core: list[Paragraph] = []
    count = 0
    paragraphs = iter_paragraphs(text) if isinstance(text, str) else iter_paragraphs_from_lines(text.lines())
    for paragraph in paragraphs:
        if core and count >= size:
            yield before, core, paragraph
            before, core, count = core[-1], [], 0
        core.append(paragraph)
        count += len(paragraph.sentences)
    if core:
        yield before, core, None


def scored_windows(tagger, text: str | FileText, kind: str | None = None, size: int | None = None
                   ) -> Iterator[tuple[list[Paragraph], np.ndarray]]:
    """``(paragraphs, scores)`` window by window: the scores of the core paragraphs' sentences,
    read in their article exactly as :meth:`framing.Tagger.score_batch` reads them when it
    scores the whole article at once.

    Examples
    --------
    >>> import framing
    >>> (paragraphs, scores), = scored_windows(framing.load(), "NATO surrounds us.\\n\\nIt rained.")
    >>> len(paragraphs), scores.shape
    (2, (2, 13))
    """
    in_context = hasattr(tagger.estimator, "predict_proba_documents")
    for before, core, after in paragraph_windows(text, size):
        sentences = [s for p in core for s in p.sentences]
        if not in_context:  # each sentence is read alone: no overlap needed
            yield core, tagger.predict_proba([s.text for s in sentences])
            continue
        lead = before.sentences if before is not None else []
        read = lead + sentences + (after.sentences if after is not None else [])
        proba = tagger.predict_proba_in_documents(
            [s.text for s in read], doc_ids=[0] * len(read), positions=[s.index for s in read],
            blocks=[s.paragraph for s in read], kinds=[kind] * len(read))
        yield core, proba[len(lead): len(lead) + len(sentences)]


class RunningRollup:
    """:func:`framing.records.rollup` of an article fed window by window: a running maximum
    and, per frame, the ``evidence`` highest-scoring sentences so far (earlier sentence first
    on ties, as the stable sort of the whole-article roll-up).

    Examples
    --------
    >>> from framing.segmentation import split_sentences
    >>> sentences = split_sentences("NATO surrounds us. It rained. NATO again.")
    >>> scores = np.array([[0.9], [0.1], [0.7]])
    >>> running = RunningRollup(["nato"], np.array([0.5]), ["west"])
    >>> running.add(sentences[:2], scores[:2]); running.add(sentences[2:], scores[2:])
    >>> record = running.record({"id": "a"})
    >>> record == rollup({"id": "a"}, sentences, scores, frames=["nato"], thresholds=np.array([0.5]),
    ...                  families=["west"])
    True
    """

    def __init__(self, frames: Sequence[str], thresholds: np.ndarray, families: Sequence[str],
                 evidence: int = DEFAULT_EVIDENCE):
        self.frames, self.families, self.evidence = list(frames), list(families), evidence
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.count = 0
        self.maximum = np.zeros(len(self.frames))
        self.hit = np.zeros(len(self.frames), dtype=bool)
        # per frame: (-score, sentence index, sentence, score, labelled), best first
        self.top: list[list[tuple]] = [[] for _ in self.frames]

    def add(self, sentences: Sequence[Sentence], scores: np.ndarray) -> None:
        """Take in the next sentences of the article (in order) and their probability rows."""
        if not len(sentences):
            return
        labels = apply_thresholds(scores, self.thresholds).reshape(scores.shape)
        self.maximum = scores.max(axis=0) if self.count == 0 else np.maximum(self.maximum, scores.max(axis=0))
        self.count += len(sentences)
        self.hit |= labels.any(axis=0)
        for j, kept in enumerate(self.top):
            order = np.argsort(-scores[:, j], kind="stable")[: self.evidence]
            new = [(-float(scores[i, j]), sentences[i].index, sentences[i], float(scores[i, j]), bool(labels[i, j]))
                   for i in order]
            self.top[j] = sorted(kept + new, key=lambda entry: entry[:2])[: self.evidence]

    def record(self, head: dict[str, Any]) -> dict[str, Any]:
        """The roll-up record of everything added so far, after ``head``."""
        hit = np.flatnonzero(self.hit)
        evidence_rows = {j: [(s, score) for _, _, s, score, labelled in self.top[j] if labelled] for j in hit}
        return passage_record(head, self.count, self.maximum, hit, evidence_rows, frames=self.frames,
                              families=self.families)


def record_pieces(tagger, article, level: str = "article", evidence: int = DEFAULT_EVIDENCE,
                  size: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """An article's records (see :meth:`framing.Tagger.score_batch`) in pieces, window by window:
    sentence or paragraph records of each window, or at article level one piece with the
    article record.  Joined, the pieces are the records of scoring the article whole.

    Examples
    --------
    >>> import framing
    >>> article = framing.Article("a", "NATO surrounds us.\\n\\nIt rained.")
    >>> [len(piece) for piece in record_pieces(framing.load(), article, "sentence", size=1)]
    [1, 1]
    >>> list(record_pieces(framing.load(), article, "article")) == framing.load().score_batch([article])
    True
    """
    windows = scored_windows(tagger, article.text, article.kind, size)
    model = tagger.reference
    if level == "article":
        running = RunningRollup(tagger.frames, tagger.thresholds, tagger.families, evidence)
        for paragraphs, scores in windows:
            running.add([s for p in paragraphs for s in p.sentences], scores)
        yield [running.record({**article.metadata(), "model": model})]
        return
    for paragraphs, scores in windows:
        if level == "sentence":
            yield sentence_records(article.id, [s for p in paragraphs for s in p.sentences], scores,
                                   frames=tagger.frames, thresholds=tagger.thresholds, model=model)
            continue
        records, row = [], 0
        for p in paragraphs:
            rows = scores[row: row + len(p.sentences)]
            row += len(p.sentences)
            records.append(rollup({"article_id": article.id, "paragraph": p.index, "start": p.start,
                                   "end": p.end, "model": model}, p.sentences, rows,
                                  frames=tagger.frames, thresholds=tagger.thresholds,
                                  families=tagger.families, evidence=evidence))
        yield records
