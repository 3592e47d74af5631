"""The loaded model users work with: tag sentences and articles, explain a score.

Batch scoring of many articles is :mod:`framing.batch`; the record schema and roll-up are
:mod:`framing.records`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Iterator, Sequence

import numpy as np

from .errors import InputError
from .labels import apply_thresholds, label_lists
from .language import warn_if_not_english
from .readers import Article, article_from_text
from .records import DEFAULT_EVIDENCE, check_level, rollup, sentence_records
from .registry import load_artifact, model_codebook
from .segmentation import Segments, segment
from .streaming import is_long, record_pieces

__all__ = ["Tagger", "load", "load_cached", "forget_loaded_models", "SentencesTypeError", "MAX_BATCH"]

MAX_BATCH = 2048
"""Most sentences per ``predict_proba`` call of the estimator: a long article is scored in
pieces, so the feature matrix stays bounded however long the article is."""


class SentencesTypeError(InputError, TypeError):
    """A single string was passed where a list of sentences is expected."""


def _sentence_list(texts: Any, method: str) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise SentencesTypeError(
            f"{method}() takes a list of sentences, not one string (a string would be read as "
            f"{len(texts)} one-character sentences); wrap it in a list: {method}([text])")
    return list(texts)


class Tagger:
    """A loaded, checked model: tags sentences and articles.

    Obtain one with :func:`framing.load`.

    Examples
    --------
    >>> import framing
    >>> model = framing.load()
    >>> result = model.tag_article("NATO keeps surrounding Russia. The weather was fine.")
    >>> len(result["sentences"]), sorted(result["article"]) == sorted(
    ...     ["id", "title", "url", "date", "source", "removed_lines", "language", "model", "sentences", "scores",
    ...      "frames", "families", "evidence"])
    (2, True)
    """

    def __init__(self, estimator, metadata: dict[str, Any]):
        self.estimator = estimator
        self.metadata = metadata
        self.reference = f"{metadata.get('name')}@{metadata.get('version')}"
        self.frames: list[str] = [str(f) for f in estimator.frames_]
        self.thresholds = np.asarray(estimator.thresholds_, dtype=float)
        self.codebook = model_codebook(metadata)  # a researcher's own codebook travels in the metadata
        self.families: list[str] = [self.codebook.family_of(f) for f in self.frames]

    def __repr__(self) -> str:
        return f"Tagger({self.reference!r}, frames={len(self.frames)})"

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape ``(len(texts), len(frames))``, each sentence read alone.

        ``texts`` is a list of sentences; one string raises :class:`SentencesTypeError`.
        Sentences are scored :data:`MAX_BATCH` at a time.

        Examples
        --------
        >>> import framing
        >>> framing.load().predict_proba(["NATO surrounds Russia."]).shape
        (1, 13)
        """
        texts = _sentence_list(texts, "predict_proba")
        if len(texts) <= MAX_BATCH:
            return self.estimator.predict_proba(texts)
        out = np.empty((len(texts), len(self.frames)))
        for start in range(0, len(texts), MAX_BATCH):
            out[start: start + MAX_BATCH] = self.estimator.predict_proba(texts[start: start + MAX_BATCH])
        return out

    def predict_proba_in_documents(self, texts: Sequence[str], doc_ids: Sequence, positions: Sequence[int],
                                   blocks: Sequence | None = None, kinds: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities of sentences read in their documents (neighbours, block, known kind)
        when the model uses context; otherwise the same as :meth:`predict_proba`.

        Consecutive runs of a document's sentences are scored together, whole runs at a time and
        at most :data:`MAX_BATCH` sentences a call unless one document is longer.
        """
        if not hasattr(self.estimator, "predict_proba_documents"):
            return self.predict_proba(texts)
        texts, doc_ids, positions = list(texts), list(doc_ids), list(positions)
        out = np.empty((len(texts), len(self.frames)))
        for start, end in _document_batches(doc_ids, MAX_BATCH):
            part = slice(start, end)
            out[part] = self.estimator.predict_proba_documents(
                texts[part], doc_ids=doc_ids[part], positions=positions[part],
                blocks=None if blocks is None else list(blocks)[part],
                kinds=None if kinds is None else list(kinds)[part])
        return out

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 labels with each frame's threshold applied, same shape as :meth:`predict_proba`."""
        return apply_thresholds(self.predict_proba(_sentence_list(texts, "predict")), self.thresholds)

    def tag(self, texts: Sequence[str]) -> list[list[str]]:
        """Frame ids per sentence (a list of sentences; wrap one sentence in a list).

        Examples
        --------
        >>> import framing
        >>> framing.load().tag("NATO surrounds Russia.")
        Traceback (most recent call last):
        ...
        framing.scoring.SentencesTypeError: tag() takes a list of sentences, not one string (a string would be read as 22 one-character sentences); wrap it in a list: tag([text])
        """
        return label_lists(self.predict_proba(_sentence_list(texts, "tag")), self.thresholds, self.frames)

    def tag_article(self, text: str | Article, *, clean: bool = True, evidence: int = DEFAULT_EVIDENCE,
                    kind: str | None = None) -> dict[str, Any]:
        """Segment an article and tag every sentence, then roll up.

        A string takes the path ``framing tag`` takes for a file (:func:`framing.readers.
        article_from_text`): an HTML page is reduced to its main text, and site boilerplate is
        dropped unless ``clean=False``, so the two give the same sentences and scores.  An
        :class:`Article` is used as it is.  Text that is not English gets a warning
        (:class:`framing.language.NotEnglishWarning`).

        ``kind`` (``"factcheck"``, ``"disproof"``, ``"news"`` …), when the caller knows it, tells a
        context model whether the text speaks in the rebuttal voice; otherwise the model
        judges that from the text.  An :class:`Article` may carry it as ``meta["kind"]``.

        Returns a dict with ``sentences`` (index, start, end, text, frames, scores) and
        ``article`` (per-frame score and label, families, evidence sentences).
        """
        article = text if isinstance(text, Article) else article_from_text(text, "article", clean=clean)
        warn_if_not_english(article.id, article.language)
        if kind is not None:
            kinds = self.codebook.document_kinds
            if kind not in kinds:
                raise InputError(f"kind={kind!r}; use one of {', '.join(kinds)}")
            article = replace(article, meta={**article.meta, "kind": kind})
        (article, segments, scores), = self._scored([article])
        return {"article": self._records(article, segments, scores, "article", evidence)[0],
                "sentences": self._records(article, segments, scores, "sentence", evidence)}

    def explain(self, text: str, frame: str | None = None, top: int = 8) -> dict[str, Any]:
        """Why a sentence got its scores: for each frame (or one frame), the n-grams that
        pushed the score up or down, with weights."""
        proba = self.predict_proba([text])[0]
        frames = [frame] if frame else (label_lists(proba[None, :], self.thresholds, self.frames)[0]
                                        or [self.frames[int(np.argmax(proba))]])
        return {f: {"score": float(proba[self.estimator.frame_index(f)]),
                    **self.estimator.explain(text, f, top=top)} for f in frames}

    def score_batch(self, articles: Sequence[Article], *, level: str = "article",
                    evidence: int = DEFAULT_EVIDENCE) -> list[list[dict[str, Any]]]:
        """Score a batch of articles in one ``predict_proba`` call.

        Returns one list of records per article, in input order: its sentences, its
        paragraphs, or a one-element list with its article record (see :mod:`framing.records`).
        """
        check_level(level)
        if not any(is_long(a.text) for a in articles):
            return [self._records(article, segments, scores, level, evidence)
                    for article, segments, scores in self._scored(articles)]
        short = iter(self.score_batch([a for a in articles if not is_long(a.text)], level=level, evidence=evidence))
        return [[r for piece in self.score_pieces(a, level=level, evidence=evidence) for r in piece]
                if is_long(a.text) else next(short) for a in articles]

    def score_pieces(self, article: Article, *, level: str = "article", evidence: int = DEFAULT_EVIDENCE
                     ) -> Iterator[list[dict[str, Any]]]:
        """One article's records in bounded pieces (see :mod:`framing.streaming`): joined, they
        are the records :meth:`score_batch` gives it; memory stays flat in article length.

        Examples
        --------
        >>> import framing
        >>> article = framing.Article("a", "NATO surrounds Russia.")
        >>> [len(piece) for piece in framing.load().score_pieces(article, level="sentence")]
        [1]
        """
        check_level(level)
        return record_pieces(self, article, level, evidence)

    def _scored(self, articles: Sequence[Article]) -> Iterator[tuple[Article, Segments, np.ndarray]]:
        segmented = [segment(a.text) for a in articles]
        texts = [s.text for segments in segmented for s in segments.sentences]
        if not texts:
            proba = np.zeros((0, len(self.frames)))
        else:
            # Each sentence is read in its article: neighbours, and its paragraph as its block.
            proba = self.predict_proba_in_documents(
                texts, doc_ids=[i for i, cut in enumerate(segmented) for _ in cut.sentences],
                positions=[s.index for cut in segmented for s in cut.sentences],
                blocks=[s.paragraph for cut in segmented for s in cut.sentences],
                kinds=[a.kind for a, cut in zip(articles, segmented) for _ in cut.sentences])
        offset = 0
        for article, segments in zip(articles, segmented):
            n = len(segments.sentences)
            yield article, segments, proba[offset: offset + n]
            offset += n

    def _records(self, article, segments, scores, level, evidence) -> list[dict[str, Any]]:
        sentences = segments.sentences
        if level == "sentence":
            return sentence_records(article.id, sentences, scores, frames=self.frames,
                                    thresholds=self.thresholds, model=self.reference)
        if level == "paragraph":
            return [self._rollup({"article_id": article.id, "paragraph": index, "start": start, "end": end,
                                  "model": self.reference},
                                 [sentences[i] for i in rows], scores[rows], evidence)
                    for index, (start, end, rows) in enumerate(segments.paragraph_rows())]
        return [self._rollup({**article.metadata(), "model": self.reference}, sentences, scores, evidence)]

    def _rollup(self, head, sentences, scores, evidence):
        return rollup(head, sentences, scores, frames=self.frames, thresholds=self.thresholds,
                      families=self.families, evidence=evidence)


def _document_batches(doc_ids: list, size: int) -> Iterator[tuple[int, int]]:
    """``[start, end)`` row ranges that never cut a run of one document's rows, each at most
    ``size`` rows unless a single run is longer."""
    start = run_start = 0
    for i in range(1, len(doc_ids) + 1):
        if i == len(doc_ids) or doc_ids[i] != doc_ids[i - 1]:
            if i - start > size and run_start > start:
                yield start, run_start
                start = run_start
            run_start = i
    if start < len(doc_ids):
        yield start, len(doc_ids)


_CACHE: dict[str | None, Tagger] = {}


def load(ref: str | os.PathLike | None = None) -> Tagger:
    """Load a model: the shipped default when ``ref`` is None, else ``"name"``,
    ``"name@version"`` or a path to a model folder.

    The file's SHA-256, codebook version and contained types are checked before the model is
    built; a failing check raises :class:`framing.ModelRefused`.

    Examples
    --------
    >>> import framing
    >>> model = framing.load()
    >>> model.frames[:2]
    ['colour_revolution', 'covert_plot']
    """
    estimator, metadata = load_artifact(ref)
    return Tagger(estimator, metadata)


def load_cached(ref: str | os.PathLike | None) -> Tagger:
    """:func:`load`, once per process and reference (worker processes load the model once)."""
    key = None if ref is None else str(ref)
    if key not in _CACHE:
        _CACHE[key] = load(key)
    return _CACHE[key]


def forget_loaded_models() -> None:
    """Empty the :func:`load_cached` cache (after the registry it reads from changed)."""
    _CACHE.clear()
