"""Frame trends over a corpus, streamed from a ``framing score`` output.

:func:`trends` reads article- or sentence-level scores (JSONL, CSV or Parquet) once, keeping
only running counts per period, group and frame and a bounded heap of the best evidence per
frame, so memory does not grow with the number of articles.  It writes ``trends.csv`` (share
of articles carrying each frame per period and group, with Wilson 95 % intervals), one line
plot per frame family (PNG) and ``index.html``, a self-contained summary page with the plots
and the top evidence sentences, linked to article pages where those can be built.

Articles without a date, or with a date that cannot be parsed, go to the ``undated`` period.
Sentence-level files carry no metadata: every article is undated and in group ``all``.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import heapq
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator

from .codebook import load_codebook

__all__ = ["ScoreFileError", "read_score_file", "sniff_score_level", "sentence_groups",
           "period_of", "wilson_interval", "trends"]

UNDATED = "undated"
_JSONL = {".jsonl", ".ndjson", ".json"}
_CSV = {".csv", ".tsv"}
_PARQUET = {".parquet", ".pq"}
_INTS = ("sentence", "paragraph", "start", "end", "sentences")
_ROLLUP = {"scores", "frames", "families", "evidence", "sentences"}


class ScoreFileError(ValueError):
    """A score file record that cannot be used; names the file, line and field."""

    def __init__(self, where: str, reason: str, field: str | None = None):
        self.where, self.field, self.reason = where, field, reason
        super().__init__(f"{where}: " + (f"field {field!r}: " if field else "") + reason)


# --- reading score files -------------------------------------------------------------------

def _raw_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such score file")
    if suffix in _JSONL:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ScoreFileError(f"{path}:{number}", f"not valid JSON ({error.msg} at "
                                                              f"column {error.colno})") from None
                if not isinstance(record, dict):
                    raise ScoreFileError(f"{path}:{number}", "not a JSON object")
                yield f"{path}:{number}", record
    elif suffix in _CSV:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield f"{path}:{reader.line_num}", {k: (None if v == "" else v) for k, v in row.items()}
    elif suffix in _PARQUET:
        import pyarrow.parquet as pq

        number = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                number += 1
                yield f"{path}: row {number}", row
    else:
        raise ScoreFileError(str(path), "not a score file: use .jsonl, .csv, .tsv or .parquet")


def _normalise(where: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Flat (CSV/Parquet) or nested (JSONL) record → the nested JSONL schema."""
    record = {k: v for k, v in raw.items() if not k.startswith("score_")}
    if isinstance(record.get("scores"), str):
        record["scores"] = _json_field(where, "scores", record["scores"])
    if not isinstance(record.get("scores"), dict):
        record["scores"] = {k[6:]: v for k, v in raw.items() if k.startswith("score_")}
    if not record["scores"]:
        raise ScoreFileError(where, "missing: no frame scores (a `framing score` output has them)",
                             "scores")
    for frame, value in record["scores"].items():
        record["scores"][frame] = _number(where, f"score_{frame}", value, float)
    frames = record.get("frames")
    record["frames"] = [f for f in frames.split(";") if f] if isinstance(frames, str) else list(frames or [])
    if isinstance(record.get("evidence"), str):
        record["evidence"] = _json_field(where, "evidence", record["evidence"])
    for key in _INTS:
        if record.get(key) is not None:
            record[key] = _number(where, key, record[key], int)
    return record


def _json_field(where: str, field: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ScoreFileError(where, f"not valid JSON ({error.msg})", field) from None


def _number(where: str, field: str, value: Any, kind: type) -> Any:
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError):
        raise ScoreFileError(where, f"not a number: {value!r}", field) from None


def _level(record: dict[str, Any]) -> str:
    if "article_id" in record and "sentence" in record:
        return "sentence"
    if "article_id" in record and "paragraph" in record:
        return "paragraph"
    return "article"


def sniff_score_level(path: str | Path) -> str | None:
    """``"sentence"``, ``"paragraph"`` or ``"article"`` for a score file, None for anything else
    (an article source, say).

    Examples
    --------
    >>> sniff_score_level("../shared/seeds/000_1c0e122dfc1bca82.txt") is None
    True
    """
    path = Path(path)
    if path.suffix.lower() not in _JSONL | _CSV | _PARQUET or not path.is_file():
        return None
    for _, raw in _raw_records(path):
        has_scores = "scores" in raw or any(str(k).startswith("score_") for k in raw)
        return _level(raw) if has_scores and "frames" in raw else None
    return None


def read_score_file(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Stream ``(where, record)`` from a ``framing score`` output, records in the nested
    JSONL schema whatever the format; ``where`` is ``FILE:LINE`` (``FILE: row N`` for Parquet).

    Examples
    --------
    >>> next(read_score_file("s.csv"))[1]["scores"]                 # doctest: +SKIP
    {'colour_revolution': 0.04, ...}
    """
    for where, raw in _raw_records(Path(path)):
        yield where, _normalise(where, raw)


def sentence_groups(records: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[tuple[str, list[dict]]]:
    """Group consecutive sentence records by ``article_id`` (``framing score`` writes an
    article's sentences together); memory is bounded by the longest article.

    Examples
    --------
    >>> recs = [("f:1", {"article_id": "a"}), ("f:2", {"article_id": "a"}), ("f:3", {"article_id": "b"})]
    >>> [(i, len(g)) for i, g in sentence_groups(recs)]
    [('a', 2), ('b', 1)]
    """
    current, group = None, []
    for where, record in records:
        if record.get("article_id") is None:
            raise ScoreFileError(where, "missing", "article_id")
        if group and record["article_id"] != current:
            yield str(current), group
            group = []
        current = record["article_id"]
        group.append(record)
    if group:
        yield str(current), group


# --- periods and intervals -----------------------------------------------------------------

def period_of(date: Any, freq: str = "month") -> str | None:
    """The period label of a date (``2022-01`` by month, ``2022-W02`` by ISO week), or None
    when there is no date or it cannot be parsed (ISO 8601 and RFC 822 are understood).

    Examples
    --------
    >>> period_of("Fri, 14 Jan 2022 15:31:07 +0000"), period_of("2022-01-14", "week")
    ('2022-01', '2022-W02')
    >>> period_of("yesterday") is None
    True
    """
    if date is None or date == "":
        return None
    if isinstance(date, dt.date):
        day = date
    else:
        text = str(date).strip()
        try:
            day = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                day = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                match = re.fullmatch(r"(\d{4})-(\d{2})", text)
                if not match:
                    return None
                day = dt.date(int(match[1]), int(match[2]), 1)
    if freq == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def wilson_interval(count: Any, nobs: Any) -> tuple[Any, Any]:
    """Wilson score 95 % interval of ``count`` successes in ``nobs`` (statsmodels).

    Examples
    --------
    >>> low, high = wilson_interval(3, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.108, 0.603)
    """
    try:
        from statsmodels.stats.proportion import proportion_confint
    except ImportError:  # pragma: no cover
        raise ImportError("framing trends needs statsmodels: pip install 'framing[views]'") from None
    return proportion_confint(count, nobs, alpha=0.05, method="wilson")


# --- streaming the corpus ------------------------------------------------------------------

def _articles(path: Path) -> Iterator[tuple[str, dict[str, Any], set[str], dict[str, tuple]]]:
    """``(where, metadata, frames, best evidence per frame)`` per article, streamed."""
    records = read_score_file(path)
    first = next(records, None)
    if first is None:
        return
    level = _level(first[1])
    if level == "paragraph":
        raise ScoreFileError(first[0], "paragraph-level scores; trends need the article or "
                                       "sentence level (framing score --level article)")

    def chained():
        yield first
        yield from records

    if level == "article":
        for where, rec in chained():
            if rec.get("id") is None:
                raise ScoreFileError(where, "missing (an article-level record needs an id)", "id")
            best = {f: (float(ev[0]["score"]), ev[0].get("sentence"), ev[0].get("text", ""))
                    for f, ev in (rec.get("evidence") or {}).items() if ev}
            meta = {k: v for k, v in rec.items() if k not in _ROLLUP}
            yield where, meta, set(rec["frames"]), best
        return
    for article_id, sentences in sentence_groups((w, {**r, "_where": w}) for w, r in chained()):
        frames: set[str] = set()
        best: dict[str, tuple] = {}
        for s in sentences:
            for f in s["frames"]:
                frames.add(f)
                score = float(s["scores"].get(f, 0.0))
                if f not in best or score > best[f][0]:
                    best[f] = (score, s.get("sentence"), s.get("text", ""))
        yield sentences[0]["_where"], {"id": article_id, "_level": "sentence"}, frames, best


def trends(scores: str | Path, output: str | Path, *, by: str = "date", freq: str = "month",
           top: int = 5, articles: Any = None, model: str | None = None) -> dict[str, Any]:
    """Frame shares per period and group, streamed from a ``framing score`` output.

    Parameters
    ----------
    scores : path
        Article- or sentence-level ``framing score`` output (JSONL, CSV or Parquet).
    output : path
        Folder for ``trends.csv``, ``<family>.png``, ``index.html`` and ``articles/``.
    by : str, default "date"
        ``"date"`` for one group over time, or a metadata column (``source``, ...) to compare.
    freq : {"month", "week"}
    top : int
        Evidence sentences kept per frame (one per article, highest score first).
    articles : path, optional
        The scored articles; with article-level scores, the cited articles are re-tagged with
        ``model`` so the evidence links to article pages.  Sentence-level scores need no source.

    Returns
    -------
    dict
        Counts (articles, undated, unparseable dates, periods, groups) and the files written.

    Examples
    --------
    >>> summary = trends("s.jsonl", "trends/")                       # doctest: +SKIP
    >>> summary["articles"], summary["files"][0]                    # doctest: +SKIP
    (14, 'trends/trends.csv')
    """
    if freq not in ("month", "week"):
        raise ValueError(f"freq={freq!r}; use month or week")
    codebook = load_codebook()
    frames = list(codebook.frame_ids)
    counts: dict[tuple[str, str], list[Any]] = {}
    overall: Counter[str] = Counter()
    heaps: dict[str, list] = {f: [] for f in frames}
    total = undated = 0
    unparseable: list[Any] = [0, None]
    level = "article"
    for seq, (where, meta, carried, best) in enumerate(_articles(Path(scores))):
        level = meta.pop("_level", "article")
        if total == 0 and by != "date" and by not in meta:
            columns = ", ".join(sorted(meta)) or "none"
            hint = "; sentence-level scores carry no metadata, score --level article" if level == "sentence" else ""
            raise ScoreFileError(where, f"--by {by!r}: no such metadata column (columns: {columns}){hint}", by)
        total += 1
        period = period_of(meta.get("date"), freq)
        if period is None:
            undated += 1
            if meta.get("date") not in (None, "") and not unparseable[0]:
                unparseable[1] = f"{where}: {meta['date']!r}"
            unparseable[0] += meta.get("date") not in (None, "")
            period = UNDATED
        group = "all" if by == "date" else ("(none)" if meta.get(by) in (None, "") else str(meta[by]))
        cell = counts.setdefault((period, group), [0, Counter()])
        cell[0] += 1
        cell[1].update(carried)
        overall.update(carried)
        for frame, (score, sentence, text) in best.items():
            item = (score, -seq, {"id": str(meta.get("id")), "title": meta.get("title"), "score": score,
                                  "date": meta.get("date"), "sentence": sentence, "text": text})
            heap = heaps.setdefault(frame, [])
            (heapq.heappush if len(heap) < top else heapq.heappushpop)(heap, item)
    if total == 0:
        raise ValueError(f"{scores}: no scored article in the file")
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    rows = _rows(counts, frames)
    table = out / "trends.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    evidence = {f: [item for *_, item in sorted(heaps[f], reverse=True)] for f in frames if heaps.get(f)}
    from .trends_report import plot_families, write_article_pages, write_index

    linked = write_article_pages(scores, out / "articles", level, evidence, articles, model)
    plots = plot_families(rows, out)
    summary = {"articles": total, "undated": undated, "unparseable_dates": unparseable[0],
               "first_unparseable": unparseable[1], "level": level, "by": by, "freq": freq,
               "periods": len({p for p, _ in counts}), "groups": len({g for _, g in counts}),
               "overall": dict(overall)}
    index = write_index(out / "index.html", summary, rows, plots, evidence, linked)
    summary["files"] = [str(table)] + [str(p) for p in plots] + [str(index)] + \
                       [str(out / "articles" / n) for n in sorted(set(linked.values()))]
    return summary


def _rows(counts: dict[tuple[str, str], list[Any]], frames: list[str]) -> list[dict[str, Any]]:
    codebook = load_codebook()
    keys = sorted(counts, key=lambda k: (k[0] == UNDATED, k[0], k[1]))
    flat = [(p, g, f, counts[(p, g)][0], counts[(p, g)][1][f]) for p, g in keys for f in frames]
    low, high = wilson_interval([r[4] for r in flat], [r[3] for r in flat])
    return [{"period": p, "group": g, "frame": f, "family": codebook.family_of(f), "articles": n,
             "with_frame": k, "share": round(k / n, 6), "ci_low": round(float(lo), 6),
             "ci_high": round(float(hi), 6)} for (p, g, f, n, k), lo, hi in zip(flat, low, high)]
