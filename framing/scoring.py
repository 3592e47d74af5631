"""Scores, labels and roll-ups: the loaded model users work with, and batch scoring.

Roll-up of sentences to a passage or an article: a frame's article score is the
**maximum** of its sentences' calibrated probabilities, and the article carries the frame
when at least one sentence reaches the frame's threshold.  This matches how article gold
is defined (the union of the sentences' frames).  The evidence for a frame is its
sentences at or above threshold, highest score first.
"""

from __future__ import annotations

import gc
import os
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from .codebook import load_codebook
from .readers import Article, read_articles
from .registry import load_artifact
from .segmentation import split_paragraphs, split_sentences

__all__ = ["Tagger", "load", "score_articles", "LEVELS"]

LEVELS = ("sentence", "paragraph", "article")
DEFAULT_EVIDENCE = 3
DEFAULT_CHUNK_SIZE = 256
CHUNK_CHARS = 1_000_000


class Tagger:
    """A loaded, checked model: tags sentences and articles.

    Obtain one with :func:`framing.load`.

    Examples
    --------
    >>> import framing
    >>> model = framing.load()                                         # doctest: +SKIP
    >>> model.tag(["The CSTO will not allow colour revolutions."])    # doctest: +SKIP
    [['colour_revolution']]
    """

    def __init__(self, estimator, metadata: dict[str, Any]):
        self.estimator = estimator
        self.metadata = metadata
        self.reference = f"{metadata.get('name')}@{metadata.get('version')}"
        self.frames: list[str] = [str(f) for f in estimator.frames_]
        self.thresholds = np.asarray(estimator.thresholds_, dtype=float)
        codebook = load_codebook()
        self.families: list[str] = [codebook.family_of(f) for f in self.frames]

    def __repr__(self) -> str:
        return f"Tagger({self.reference!r}, frames={len(self.frames)})"

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape ``(len(texts), len(frames))``."""
        return self.estimator.predict_proba(list(texts))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 labels with each frame's threshold applied, same shape as :meth:`predict_proba`."""
        return (self.predict_proba(texts) >= self.thresholds).astype(np.int64)

    def labels_from_proba(self, proba: np.ndarray) -> list[list[str]]:
        """Frame ids per row of ``proba``, each frame's threshold applied."""
        labels: list[list[str]] = [[] for _ in range(len(proba))]
        for i, j in zip(*np.nonzero(proba >= self.thresholds)):
            labels[i].append(self.frames[j])
        return labels

    def tag(self, texts: Sequence[str]) -> list[list[str]]:
        """Frame ids per sentence."""
        return self.labels_from_proba(self.predict_proba(texts))

    def tag_article(self, text: str | Article, *, evidence: int = DEFAULT_EVIDENCE) -> dict[str, Any]:
        """Segment an article and tag every sentence, then roll up.

        Returns a dict with ``sentences`` (index, start, end, text, frames, scores) and
        ``article`` (per-frame score and label, families, evidence sentences).
        """
        article = text if isinstance(text, Article) else Article(id="article", text=text)
        return next(iter(self._score_batch([article], level="article", evidence=evidence,
                                           with_sentences=True)))

    def explain(self, text: str, frame: str | None = None, top: int = 8) -> dict[str, Any]:
        """Why a sentence got its scores: for each frame (or one frame), the n-grams that
        pushed the score up or down, with weights."""
        proba = self.predict_proba([text])[0]
        frames = [frame] if frame else [f for f, p, t in zip(self.frames, proba, self.thresholds)
                                         if p >= t] or [self.frames[int(np.argmax(proba))]]
        return {f: {"score": float(proba[self.estimator._column(f)]),
                    **self.estimator.explain(text, f, top=top)} for f in frames}

    # -- batch ----------------------------------------------------------------------------

    def _score_batch(self, articles: Sequence[Article], *, level: str, evidence: int = DEFAULT_EVIDENCE,
                     with_sentences: bool = False) -> list:
        """Score a batch of articles in one ``predict_proba`` call; one result per article."""
        segmented = [split_sentences(a.text) for a in articles]
        texts = [s.text for sentences in segmented for s in sentences]
        if not texts:
            proba = np.zeros((0, len(self.frames)))
        elif hasattr(self.estimator, "predict_proba_documents"):
            # Context-aware estimators read each sentence in its article: neighbours within the
            # article, paragraphs as blocks (the rebuttal detector's scope).
            proba = self.estimator.predict_proba_documents(
                texts, doc_ids=[i for i, sentences in enumerate(segmented) for _ in sentences],
                positions=[s.index for sentences in segmented for s in sentences],
                blocks=[s.paragraph for sentences in segmented for s in sentences])
        else:
            proba = self.predict_proba(texts)
        results = []
        offset = 0
        for article, sentences in zip(articles, segmented):
            scores = proba[offset: offset + len(sentences)]
            offset += len(sentences)
            if level == "sentence":
                results.append(self._sentence_records(article, sentences, scores))
            elif level == "paragraph":
                results.append(self._paragraph_records(article, sentences, scores, evidence))
            else:
                record = self._rollup(article.metadata(), sentences, scores, evidence)
                if with_sentences:
                    record = {"article": record,
                              "sentences": self._sentence_records(article, sentences, scores)}
                results.append(record)
        return results

    def _sentence_records(self, article: Article, sentences, scores) -> list[dict[str, Any]]:
        # Whole-matrix numpy calls, then plain Python values: per-element float(), round()
        # and per-row nonzero cost more than the classifier on large runs.
        rounded = np.round(scores, 6).tolist()
        labels = self.labels_from_proba(scores)
        frames = self.frames
        article_id = article.id
        return [{
            "article_id": article_id,
            "sentence": s.index,
            "paragraph": s.paragraph,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "scores": dict(zip(frames, row)),
            "frames": row_labels,
        } for s, row, row_labels in zip(sentences, rounded, labels)]

    def _paragraph_records(self, article: Article, sentences, scores, evidence) -> list[dict[str, Any]]:
        by_paragraph: dict[int, list[int]] = {}
        for i, s in enumerate(sentences):
            by_paragraph.setdefault(s.paragraph, []).append(i)
        records = []
        for index, (start, end) in enumerate(split_paragraphs(article.text)):
            rows = by_paragraph.get(index, [])
            record = self._rollup({"article_id": article.id, "paragraph": index, "start": start,
                                   "end": end}, [sentences[i] for i in rows], scores[rows], evidence)
            records.append(record)
        return records

    def _rollup(self, head: dict[str, Any], sentences, scores, evidence: int) -> dict[str, Any]:
        if len(sentences):
            article_scores = scores.max(axis=0)
        else:
            article_scores = np.zeros(len(self.frames))
        hit = np.flatnonzero(article_scores >= self.thresholds)
        frames = [self.frames[j] for j in hit]
        evidence_by_frame = {}
        for j in hit:
            order = np.argsort(-scores[:, j], kind="stable")
            evidence_by_frame[self.frames[j]] = [
                {"sentence": sentences[i].index, "start": sentences[i].start, "end": sentences[i].end,
                 "score": round(float(scores[i, j]), 6), "text": sentences[i].text}
                for i in order[:evidence] if scores[i, j] >= self.thresholds[j]]
        return {
            **head,
            "sentences": len(sentences),
            "scores": dict(zip(self.frames, np.round(article_scores, 6).tolist())),
            "frames": frames,
            "families": sorted({self.families[j] for j in hit}),
            "evidence": evidence_by_frame,
        }


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


def score_batch(articles: Sequence[Article], ref: str | None = None, level: str = "sentence",
                evidence: int = DEFAULT_EVIDENCE) -> list[tuple[str, list[dict[str, Any]]]]:
    """Score a batch of articles with the model ``ref``: a pure function of its arguments.

    Returns ``(article_id, records)`` pairs in input order, ``records`` being the article's
    output rows at ``level``.  This is the unit that parallel and distributed runs map.
    """
    if level not in LEVELS:
        raise ValueError(f"level={level!r}; use one of {', '.join(LEVELS)}")
    tagger = load_cached(ref)
    results = tagger._score_batch(articles, level=level, evidence=evidence)
    return [(a.id, r if isinstance(r, list) else [r]) for a, r in zip(articles, results)]


def _chunks(articles: Iterable[Article], size: int, skip: set[str],
            max_chars: int = CHUNK_CHARS) -> Iterator[list[Article]]:
    """Chunks of at most ``size`` articles and about ``max_chars`` characters."""
    chunk: list[Article] = []
    chars = 0
    for article in articles:
        if article.id in skip:
            continue
        chunk.append(article)
        chars += len(article.text)
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def score_articles(
    source: Any,
    *,
    model: str | os.PathLike | None = None,
    level: str = "article",
    text_field: str | None = None,
    id_field: str | None = None,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    evidence: int = DEFAULT_EVIDENCE,
    skip: Iterable[str] = (),
    on_error=None,
) -> Iterator[tuple[str, list[dict[str, Any]]]] | Any:
    """Score articles lazily: yields ``(article_id, records)`` in input order.

    Parameters
    ----------
    source : anything :func:`framing.read_articles` accepts
        A ``datasets.Dataset`` gives a ``datasets.Dataset`` of output rows instead.
    model : str or path, optional
        Model reference; the shipped default when omitted.
    level : {"sentence", "paragraph", "article"}
    jobs : int, default 1
        Processes (joblib, loky backend); output order is input order either way.
    chunk_size : int
        Most articles per ``predict_proba`` call and per unit of parallel work (a chunk
        also closes at about a million characters, so long articles keep memory bounded).
    skip : iterable of str
        Article ids already scored (used by ``--resume``).
    on_error : callable, optional
        Receives a :class:`framing.ReadError` for each unreadable input, which is skipped.
        Without it the first bad input raises.

    Examples
    --------
    >>> import framing
    >>> rows = framing.score_articles([framing.Article("a1", "NATO surrounds Russia.")])
    >>> article_id, records = next(iter(rows))
    >>> article_id, records[0]["sentences"]
    ('a1', 1)
    """
    if level not in LEVELS:
        raise ValueError(f"level={level!r}; use one of {', '.join(LEVELS)}")
    load_cached(None if model is None else str(model))  # a bad reference fails here, not mid-run
    if type(source).__name__ == "Dataset" and hasattr(source, "column_names"):
        return _score_dataset(source, model=model, level=level, text_field=text_field,
                              id_field=id_field, jobs=jobs, chunk_size=chunk_size, evidence=evidence)
    articles = read_articles(source, text_field=text_field, id_field=id_field, on_error=on_error)
    return _score_stream(articles, model, level, jobs, chunk_size, evidence, set(skip))


def _score_stream(articles, model, level, jobs, chunk_size, evidence, skip):
    for chunk in score_chunks(articles, model=model, level=level, jobs=jobs, chunk_size=chunk_size,
                              evidence=evidence, skip=skip):
        yield from chunk


def score_chunks(articles: Iterable[Article], *, model=None, level: str = "article", jobs: int = 1,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, evidence: int = DEFAULT_EVIDENCE,
                 skip: Iterable[str] = (), encoder: Callable[[list], Any] | None = None) -> Iterator[Any]:
    """Score articles chunk by chunk, in input order: for each chunk, the ``(article_id,
    records)`` pairs of :func:`score_batch`, or ``encoder(pairs)`` when an encoder is given.

    The encoder runs where the chunk was scored (a worker process when ``jobs > 1``), so
    serialising output there spares the parent from pickling records back and encoding them.
    It must be picklable (a module-level function or a ``functools.partial`` of one).
    """
    model_ref = None if model is None else str(model)
    load_cached(model_ref)  # a bad reference fails before any input is read
    chunks = _chunks(articles, chunk_size, set(skip))
    if jobs == 1:
        for chunk in chunks:
            yield _score_chunk(chunk, model_ref, level, evidence, encoder)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=jobs, return_as="generator", backend="loky",
                        pre_dispatch=f"{2 * abs(jobs)}")
    yield from parallel(delayed(_score_chunk)(chunk, model_ref, level, evidence, encoder, True)
                        for chunk in chunks)


def _score_chunk(chunk, model_ref, level, evidence, encoder, own_process=False):
    pairs = score_batch(chunk, model_ref, level, evidence)
    if own_process:
        freeze_long_lived_objects()
    return pairs if encoder is None else encoder(pairs)


def freeze_long_lived_objects() -> None:
    """Move everything alive now (imported libraries, loaded models) out of the cyclic garbage
    collector's view, once per process.

    Full collections otherwise walk ~170,000 objects of scikit-learn, SciPy, pandas and
    pyarrow again and again: measured at 0.47 s of a 3.6 s run over 100,000 sentences.
    It is a process-wide setting, so only the command line and the joblib workers that
    parallel scoring starts call it; scoring in a user's own process (``jobs=1``) never does.
    """
    global _FROZEN
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True


_FROZEN = False


def _score_dataset(dataset, *, model, level, text_field, id_field, jobs, chunk_size, evidence):
    import datasets

    rows = []
    for _, records in _score_stream(read_articles(dataset, text_field=text_field, id_field=id_field),
                                    model, level, jobs, chunk_size, evidence, set()):
        rows.extend(flatten_record(r) for r in records)
    return datasets.Dataset.from_list(rows)


def flatten_record(record: dict[str, Any]) -> dict[str, Any]:
    """A flat row for tables (CSV, Parquet, datasets): one ``score_<frame>`` column per frame,
    frames and families joined with ``;``, evidence as JSON."""
    import json

    flat = {k: v for k, v in record.items() if k not in {"scores", "frames", "families", "evidence"}}
    for frame, value in record["scores"].items():
        flat[f"score_{frame}"] = value
    flat["frames"] = ";".join(record["frames"])
    if "families" in record:
        flat["families"] = ";".join(record["families"])
    if "evidence" in record:
        flat["evidence"] = json.dumps(record["evidence"], ensure_ascii=False)
    return flat
