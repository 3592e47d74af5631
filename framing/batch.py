"""Batch scoring: chunks of articles, in one process or several, into records or a file.

:func:`score_articles` is the Python entry point (lazy, in input order);
:func:`score_to_file` is the whole run behind ``framing score`` (errors file, progress,
resume, counters).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import InputError
from .readers import Article, ReadError, read_articles
from .records import DEFAULT_EVIDENCE, check_level, flatten_record
from .scoring import load_cached
from .streaming import is_long
from .workers import freeze_long_lived_objects, guard_worker

__all__ = ["score_articles", "score_chunks", "score_batch", "score_to_file", "RunSummary",
           "DEFAULT_CHUNK_SIZE"]

DEFAULT_CHUNK_SIZE = 256
CHUNK_CHARS = 1_000_000


def score_batch(articles: Sequence[Article], ref: str | None = None, level: str = "sentence",
                evidence: int = DEFAULT_EVIDENCE) -> list[tuple[str, list[dict[str, Any]]]]:
    """Score a batch of articles with the model ``ref``: a pure function of its arguments.

    Returns ``(article_id, records)`` pairs in input order.  This is the unit that parallel
    and distributed runs map.
    """
    records = load_cached(ref).score_batch(articles, level=level, evidence=evidence)
    return [(a.id, r) for a, r in zip(articles, records)]


def _chunks(articles: Iterable[Article], size: int, skip: set[str],
            max_chars: int = CHUNK_CHARS, on_duplicate: Callable[[ReadError], None] | None = None
            ) -> Iterator[list[Article]]:
    """Chunks of at most ``size`` articles and about ``max_chars`` characters.

    The second and later articles with an id already seen are duplicates: each is passed to
    ``on_duplicate`` and skipped (without it, the first raises), whether or not the first one
    is skipped as already done, so a resumed run treats them exactly as the first run did.

    Examples
    --------
    >>> arts = [Article("a", "x"), Article("b", "y"), Article("a", "z")]
    >>> [[a.id for a in c] for c in _chunks(arts, 2, set(), on_duplicate=lambda e: print(e.reason))]
    duplicate id 'a' (article 3 of the input): the first article with this id was kept; give every article its own id
    [['a', 'b']]
    """
    chunk: list[Article] = []
    chars = 0
    seen: set[str] = set()
    for position, article in enumerate(articles, start=1):
        if article.id in seen:
            error = ReadError(article.source or "input", f"duplicate id {article.id!r} (article {position} of "
                              "the input): the first article with this id was kept; give every article its own id")
            if on_duplicate is None:
                raise error
            on_duplicate(error)
            continue
        seen.add(article.id)
        if article.id in skip:
            continue
        if is_long(article.text):  # scored alone, in pieces (framing.streaming)
            if chunk:
                yield chunk
            yield [article]
            chunk, chars = [], 0
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
    on_error: Callable[[ReadError], None] | None = None,
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
        Without it the first bad input raises.  A repeated article id is reported the same
        way (the first article with the id is kept).

    Examples
    --------
    >>> import framing
    >>> rows = framing.score_articles([framing.Article("a1", "NATO surrounds Russia.")])
    >>> article_id, records = next(iter(rows))
    >>> article_id, records[0]["sentences"]
    ('a1', 1)
    """
    check_level(level)
    _check_counts(jobs, chunk_size)
    load_cached(None if model is None else str(model))  # a bad reference fails here, not mid-run
    if type(source).__name__ == "Dataset" and hasattr(source, "column_names"):
        import datasets

        articles = read_articles(source, text_field=text_field, id_field=id_field)
        rows = [flatten_record(r) for chunk in score_chunks(articles, model=model, level=level, jobs=jobs,
                                                            chunk_size=chunk_size, evidence=evidence)
                for _, records in chunk for r in records]
        return datasets.Dataset.from_list(rows)
    articles = read_articles(source, text_field=text_field, id_field=id_field, on_error=on_error,
                             stream_long=True)
    return (pair for chunk in score_chunks(articles, model=model, level=level, jobs=jobs,
                                           chunk_size=chunk_size, evidence=evidence, skip=set(skip),
                                           on_duplicate=on_error)
            for pair in chunk)


def _check_counts(jobs: int, chunk_size: int) -> None:
    if not isinstance(jobs, int) or jobs == 0 or jobs < -1:
        raise InputError(f"jobs={jobs!r}: use a positive number of processes, or -1 for all cores")
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InputError(f"chunk_size={chunk_size!r}: use a positive number of articles per chunk")


def score_chunks(articles: Iterable[Article], *, model=None, level: str = "article", jobs: int = 1,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, evidence: int = DEFAULT_EVIDENCE,
                 skip: Iterable[str] = (), encoder: Callable[[list], Any] | None = None,
                 on_duplicate: Callable[[ReadError], None] | None = None) -> Iterator[Any]:
    """Score articles chunk by chunk, in input order: for each chunk, the ``(article_id,
    records)`` pairs of :func:`score_batch`, or ``encoder(pairs)`` when an encoder is given.

    The encoder runs where the chunk was scored (a worker process when ``jobs > 1``), so
    serialising output there spares the parent from pickling records back and encoding them.
    It must be picklable (a module-level function or a ``functools.partial`` of one).

    With an encoder, an article longer than :data:`framing.longtext.LONG_ARTICLE_CHARS` is
    scored in this process in bounded pieces, each encoded as soon as it is scored: every piece
    but the last is passed to the encoder as ``[(None, records)]`` (no article id: the article
    is not done yet), and the last as ``[(article_id, records)]``.
    """
    check_level(level)
    _check_counts(jobs, chunk_size)
    model_ref = None if model is None else str(model)
    load_cached(model_ref)  # a bad reference fails before any input is read
    chunks = _chunks(articles, chunk_size, set(skip), on_duplicate=on_duplicate)
    streams = encoder is not None
    if jobs == 1:
        for chunk in chunks:
            if streams and len(chunk) == 1 and is_long(chunk[0].text):
                yield from _long_pieces(chunk[0], model_ref, level, evidence, encoder)
            else:
                yield _score_chunk(chunk, model_ref, level, evidence, encoder)
        return
    from joblib import Parallel, delayed

    parent = os.getpid()
    chunks = iter(chunks)
    while True:  # runs of short chunks in the workers; a long article in between, here
        held: list[list[Article]] = []
        run = _until_long(chunks, held) if streams else chunks
        yield from Parallel(n_jobs=jobs, return_as="generator", backend="loky", pre_dispatch=f"{2 * abs(jobs)}")(
            delayed(_score_chunk)(chunk, model_ref, level, evidence, encoder, parent) for chunk in run)
        if not held:
            return
        yield from _long_pieces(held[0][0], model_ref, level, evidence, encoder)


def _until_long(chunks: Iterator[list[Article]], held: list) -> Iterator[list[Article]]:
    """The chunks before the next chunk of one long article, which is put into ``held``."""
    for chunk in chunks:
        if len(chunk) == 1 and is_long(chunk[0].text):
            held.append(chunk)
            return
        yield chunk


def _long_pieces(article: Article, model_ref, level, evidence, encoder) -> Iterator[Any]:
    """A long article's pieces, encoded one by one; only the last carries the article id (one
    piece is held back, so the last one written is known to be the last)."""
    pieces = iter(load_cached(model_ref).score_pieces(article, level=level, evidence=evidence))
    held = next(pieces, [])
    for piece in pieces:
        yield encoder([(None, held)])
        held = piece
    yield encoder([(article.id, held)])


def _score_chunk(chunk, model_ref, level, evidence, encoder, parent: int | None = None):
    if parent is not None:
        guard_worker(parent)
    pairs = score_batch(chunk, model_ref, level, evidence)
    if parent is not None:
        freeze_long_lived_objects()
    return pairs if encoder is None else encoder(pairs)


@dataclass
class RunSummary:
    """What a :func:`score_to_file` run did."""

    articles: int = 0
    sentences: int = 0
    skipped: int = 0
    resumed_after: int = 0
    seconds: float = 0.0
    not_english: dict[str, int] = field(default_factory=dict)  # language code -> articles read
    removed_lines: int = 0

    def __str__(self) -> str:
        resumed = f", resumed after {self.resumed_after}" if self.resumed_after else ""
        return (f"scored {self.articles} article(s), {self.sentences} sentence(s) in {self.seconds:.1f} s, "
                f"skipped {self.skipped} unreadable input(s){resumed}, "
                f"removed {self.removed_lines} boilerplate line(s)")

    def language_warning(self) -> str | None:
        """One line about the articles that are not in English, or None when there are none."""
        if not self.not_english:
            return None
        counts = ", ".join(f"{lang} {n}" for lang, n in sorted(self.not_english.items(), key=lambda x: -x[1]))
        return (f"{sum(self.not_english.values())} article(s) not in English ({counts}): the model reads "
                "English only, so their frames are missed; see the 'language' field of article records")


def _noting(articles: Iterable[Article], summary: RunSummary) -> Iterator[Article]:
    """Pass articles through, counting removed boilerplate lines and non-English articles."""
    for article in articles:
        summary.removed_lines += article.removed_lines or 0
        if article.language not in (None, "en"):
            summary.not_english[article.language] = summary.not_english.get(article.language, 0) + 1
        yield article


def score_to_file(inputs: Sequence[str], output: str | None, *, fmt: str | None = None,
                  model: str | None = None, level: str = "article", text_field: str | None = None,
                  id_field: str | None = None, jobs: int = 1, chunk_size: int = DEFAULT_CHUNK_SIZE,
                  resume: bool = False, overwrite: bool = False, errors: str | None = None,
                  progress: bool = False, clean: bool = True) -> RunSummary:
    """Score inputs into ``output`` (``None`` or ``"-"``: stdout), resumably.

    ``clean=False`` scores texts without dropping boilerplate (``--no-clean``).
    Every argument, input path and the model are checked before any output is opened.  An
    existing ``output`` is replaced only with ``overwrite`` and continued only with ``resume``
    (which refuses a different model, level, format or input).  The output is locked for the
    run; its progress file is removed when the run completes and kept when it is
    interrupted (``KeyboardInterrupt`` or an error), so ``resume`` continues it.  Unreadable
    inputs and repeated ids are skipped and reported to the ``errors`` JSONL file (else
    stderr); the file is started afresh by a new run and appended to by a resumed one.

    Raises
    ------
    InputError
        A bad argument, a missing input, an existing output without ``overwrite`` or
        ``resume``, or nothing could be scored.
    RefusedError
        Another run holds the output, or ``resume`` with a different job.
    """
    from .runfiles import (OutputLock, check_errors_path, check_inputs_exist, check_job, check_output_free,
                           job_description, read_job, sidecars)
    from .writers import FORMATS, output_format

    check_level(level)
    _check_counts(jobs, chunk_size)
    to_file = bool(output) and output != "-"
    if resume and not to_file:
        raise InputError("--resume needs -o OUT: there is nothing to resume on stdout")
    fmt = fmt or output_format(output)
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}; use one of {', '.join(FORMATS)}")
    tagger = load_cached(model)  # a bad model reference fails before the output is touched
    check_inputs_exist(inputs)
    check_errors_path(errors)
    job = job_description(inputs, model=tagger, level=level, fmt=fmt, text_field=text_field,
                          id_field=id_field, evidence=DEFAULT_EVIDENCE, clean=clean)
    lock = None
    if to_file:
        check_output_free(output, resume=resume, overwrite=overwrite)
        lock = OutputLock(output).acquire()
    try:
        if resume and (os.path.exists(output) or sidecars(output)["parts"].exists()):
            check_job(output, read_job(sidecars(output)["progress"]), job)
        return _run(inputs, output, fmt, model, level, text_field, id_field, jobs, chunk_size, resume,
                    errors, progress, job, clean)
    finally:
        if lock is not None:
            lock.release()


def _run(inputs, output, fmt, model, level, text_field, id_field, jobs, chunk_size, resume, errors,
         progress, job, clean) -> RunSummary:
    from .writers import open_writer

    freeze_long_lived_objects()
    summary = RunSummary()
    reported: set[str] = set()
    if errors and resume and os.path.exists(errors):
        with open(errors, encoding="utf-8") as handle:
            reported = {line.rstrip("\n") for line in handle}
    errors_handle = open(errors, "a" if resume else "w", encoding="utf-8") if errors else None

    def on_error(error: ReadError) -> None:
        summary.skipped += 1
        line = json.dumps(error.to_record(), ensure_ascii=False)
        if errors_handle:
            if line not in reported:  # a resumed run meets the first run's bad inputs again
                errors_handle.write(line + "\n")
                errors_handle.flush()
        else:
            print(f"framing: skipped {error}", file=sys.stderr)

    try:
        writer = open_writer(output, fmt, resume=resume, job=job)
    except BaseException:
        if errors_handle:
            errors_handle.close()
        raise
    summary.resumed_after = len(writer.done)
    articles_in = _noting(read_articles(list(inputs), text_field=text_field, id_field=id_field, clean=clean,
                                        on_error=on_error, stream_long=True), summary)
    chunks = score_chunks(articles_in, model=model, level=level, jobs=jobs, chunk_size=chunk_size,
                          skip=writer.done, encoder=writer.encoder, on_duplicate=on_error)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit=" articles", file=sys.stderr)
    started = time.perf_counter()
    try:
        for chunk in chunks:
            writer.write_chunk(chunk)
            summary.articles += len(chunk.ids)
            summary.sentences += chunk.sentences
            if bar is not None:
                bar.update(len(chunk.ids))
                rate = summary.sentences / max(time.perf_counter() - started, 1e-9)
                bar.set_postfix(sentences=f"{summary.sentences:,}", sentences_per_s=f"{rate:,.0f}",
                                refresh=False)
    except BaseException:
        writer.abort()  # keep the progress (and Parquet parts): --resume continues from here
        raise
    else:
        writer.close()
    finally:
        if bar is not None:
            bar.close()
        if errors_handle:
            errors_handle.close()
        summary.seconds = time.perf_counter() - started
    if summary.articles == 0 and summary.resumed_after == 0:
        if output and output != "-" and not resume:
            Path(output).unlink(missing_ok=True)  # no empty, finished-looking output
        where = f"; see {errors}" if errors else " (reasons above)"
        raise InputError(f"nothing could be scored: {summary.skipped} input(s) skipped{where}")
    return summary
