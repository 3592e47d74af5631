"""Frame trends over a corpus, streamed from a ``framing score`` output.

:func:`trends` reads article- or sentence-level scores (JSONL, CSV or Parquet) once, keeping
only running counts per period, group and frame and a bounded heap of the best evidence per
frame, so memory does not grow with the number of articles.  It writes ``trends.csv`` (share
of articles carrying each frame per period and group, with Wilson 95 % intervals), one line
plot per frame family (PNG) and ``index.html``, a self-contained summary page with the plots
and the top evidence sentences, linked to article pages where those can be built.

Articles without a date, or with a date that cannot be parsed, go to the ``undated`` period.
Sentence-level files carry no metadata: every article is undated and in group ``all``.

The frames are the ones the file's records score (the keys of their ``scores``, in the order
of the first record, which is the model's frame order), so a model trained on an own codebook
gets its own rows; a frame's family is the built-in codebook's, or the frame id itself for a
frame the built-in codebook lacks (:func:`framing.views.frame_family`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import heapq
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import InputError
from .scorefiles import ScoreFileError, read_score_file, record_level, sentence_groups
from .views import frame_family

__all__ = ["period_of", "wilson_interval", "count_trends"]

UNDATED = "undated"
_ROLLUP = {"scores", "frames", "families", "evidence", "sentences"}


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
        raise ImportError("framing trends needs statsmodels: pip install statsmodels") from None
    return proportion_confint(count, nobs, alpha=0.05, method="wilson")


# --- streaming the corpus ------------------------------------------------------------------

def _articles(path: Path) -> Iterator[tuple[str, dict[str, Any], set[str], dict[str, tuple], Iterable[str]]]:
    """``(where, metadata, frames, best evidence per frame, frames scored)`` per article, streamed."""
    records = read_score_file(path)
    first = next(records, None)
    if first is None:
        return
    level = record_level(first[1])
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
            yield where, meta, set(rec["frames"]), best, rec["scores"].keys()
        return
    for article_id, sentences in sentence_groups((w, {**r, "_where": w}) for w, r in chained()):
        frames: set[str] = set()
        best: dict[str, tuple] = {}
        scored: dict[str, None] = {}
        for s in sentences:
            scored.update(dict.fromkeys(s["scores"]))
            for f in s["frames"]:
                frames.add(f)
                score = float(s["scores"].get(f, 0.0))
                if f not in best or score > best[f][0]:
                    best[f] = (score, s.get("sentence"), s.get("text", ""))
        yield sentences[0]["_where"], {"id": article_id, "_level": "sentence"}, frames, best, scored


def count_trends(scores: str | Path, *, by: str = "date", freq: str = "month", top: int = 5
                 ) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Stream a score file once: the trend table rows, the top evidence per frame, a summary.

    Memory holds running counts per period, group and frame and a heap of at most ``top``
    evidence items per frame, whatever the number of articles.  The rows cover the frames the
    records score, in the order of the first record (frames scored or carried only by later
    records follow), whichever codebook the model was trained on.

    Examples
    --------
    >>> import json, tempfile, os
    >>> rows = [{"id": "a", "date": "2016-01-05", "frames": ["covert_plot"], "scores": {"covert_plot": 0.9}},
    ...         {"id": "b", "date": "2016-01-20", "frames": [], "scores": {"covert_plot": 0.1}}]
    >>> path = os.path.join(tempfile.mkdtemp(), "s.jsonl")
    >>> _ = open(path, "w").write("".join(json.dumps(r) + "\\n" for r in rows))
    >>> table, evidence, summary = count_trends(path)
    >>> [(r["period"], r["articles"], r["with_frame"]) for r in table if r["frame"] == "covert_plot"]
    [('2016-01', 2, 1)]
    >>> rows = [{"id": "c", "date": "2016-02-01", "frames": ["energy_weapon"], "scores": {"energy_weapon": 0.8}}]
    >>> _ = open(path, "w").write("".join(json.dumps(r) + "\\n" for r in rows))
    >>> [(r["frame"], r["family"], r["with_frame"]) for r in count_trends(path)[0]]
    [('energy_weapon', 'energy_weapon', 1)]
    """
    if freq not in ("month", "week"):
        raise InputError(f"freq={freq!r}; use month or week")
    frames: dict[str, None] = {}  # an ordered set: the frames scored, in order of appearance
    counts: dict[tuple[str, str], list[Any]] = {}
    overall: Counter[str] = Counter()
    heaps: dict[str, list] = {}
    total = undated = 0
    unparseable: list[Any] = [0, None]
    level = "article"
    for seq, (where, meta, carried, best, scored) in enumerate(_articles(Path(scores))):
        level = meta.pop("_level", "article")
        for frame in (*scored, *sorted(carried)):
            if frame not in frames:
                frames[frame] = None
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
        raise ScoreFileError(str(scores), "no scored article in the file")
    rows = _rows(counts, list(frames))
    evidence = {f: [item for *_, item in sorted(heaps[f], reverse=True)] for f in frames if heaps.get(f)}
    summary = {"articles": total, "undated": undated, "unparseable_dates": unparseable[0],
               "first_unparseable": unparseable[1], "level": level, "by": by, "freq": freq,
               "periods": len({p for p, _ in counts}), "groups": len({g for _, g in counts}),
               "overall": dict(overall)}
    return rows, evidence, summary


def _rows(counts: dict[tuple[str, str], list[Any]], frames: list[str]) -> list[dict[str, Any]]:
    keys = sorted(counts, key=lambda k: (k[0] == UNDATED, k[0], k[1]))
    flat = [(p, g, f, counts[(p, g)][0], counts[(p, g)][1][f]) for p, g in keys for f in frames]
    low, high = wilson_interval([r[4] for r in flat], [r[3] for r in flat])
    return [{"period": p, "group": g, "frame": f, "family": frame_family(f), "articles": n,
             "with_frame": k, "share": round(k / n, 6), "ci_low": round(float(lo), 6),
             "ci_high": round(float(hi), 6)} for (p, g, f, n, k), lo, hi in zip(flat, low, high)]
