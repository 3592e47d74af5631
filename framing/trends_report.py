"""Trend pages: the table, plots and HTML summary of a scored corpus (:func:`write_trends`).

Plots are one PNG per frame family (matplotlib, Agg backend).  The summary page is
self-contained: the plots are embedded as ``data:`` URIs, CSS is inline and a
Content-Security-Policy forbids every external resource.

Frames and families are the table's (the frames the score file scores), so a model trained on
an own codebook gets its own plots and evidence; see :mod:`framing.trends`.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from .scorefiles import read_score_file, sentence_groups
from .trends import UNDATED, count_trends, wilson_interval
from .views import article_from_sentences, frame_colour, frame_name, page_shell, render_page

__all__ = ["write_trends", "plot_families", "write_index", "write_article_pages"]

MAX_GROUPS = 6


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _families(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Family -> its frames, both in the table's order (codebook order for the built-in model)."""
    families: dict[str, list[str]] = {}
    for row in rows:
        members = families.setdefault(row["family"], [])
        if row["frame"] not in members:
            members.append(row["frame"])
    return families


def plot_families(rows: Sequence[Mapping[str, Any]], folder: str | Path) -> list[Path]:
    """One line plot per frame family: share of articles per period with Wilson 95 % bands.

    With one group, a family's frames share one axis; with several groups (``--by source``),
    each frame gets its own panel with a line per group (the largest few groups).  The
    ``undated`` period is left out unless there is no dated period at all.

    Examples
    --------
    >>> rows = [{"period": "2022-01", "group": "all", "frame": "biolabs", "family": "western_subversion",
    ...          "articles": 4, "with_frame": 1, "share": 0.25, "ci_low": 0.05, "ci_high": 0.7}]
    >>> import tempfile; [p.name for p in plot_families(rows, tempfile.mkdtemp())][0]
    'western_subversion.png'
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    families = _families(rows)
    frames = [f for members in families.values() for f in members]
    dated = [r for r in rows if r["period"] != UNDATED] or list(rows)
    periods = sorted({r["period"] for r in dated}, key=lambda p: (p == UNDATED, p))
    x = {p: i for i, p in enumerate(periods)}
    sizes: dict[str, int] = {}
    for r in dated:
        if r["frame"] == frames[0]:
            sizes[r["group"]] = sizes.get(r["group"], 0) + int(r["articles"])
    groups = sorted(sizes, key=lambda g: (-sizes[g], g))[:MAX_GROUPS]
    written = []
    for family, members in families.items():
        panels = [members] if len(groups) == 1 else [[f] for f in members]
        fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 1.5, 4), squeeze=False,
                                 sharey=True)
        for ax, panel in zip(axes[0], panels):
            for n, (frame, group) in enumerate((f, g) for f in panel for g in groups):
                series = sorted((x[r["period"]], r) for r in dated if r["frame"] == frame and r["group"] == group)
                if not series:
                    continue
                xs = [i for i, _ in series]
                colour = frame_colour(frame, True, frames) if len(groups) == 1 else f"C{n % 10}"
                label = frame_name(frame) if len(groups) == 1 else group
                member = panel.index(frame) if len(groups) == 1 else 0
                ax.plot(xs, [r["share"] for _, r in series], marker="osD"[member % 3], ms=4, lw=1.6,
                        ls=("-", "--", ":")[member % 3], color=colour, label=label)
                ax.fill_between(xs, [r["ci_low"] for _, r in series], [r["ci_high"] for _, r in series],
                                color=colour, alpha=0.1, lw=0)
            step = max(1, len(periods) // 8)
            ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=40, ha="right", fontsize=8)
            ax.set_ylim(-0.02, 1.02)
            ax.grid(alpha=0.3)
            if len(groups) > 1:
                ax.set_title(frame_name(panel[0]), fontsize=10)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
        axes[0][0].set_ylabel("share of articles")
        fig.suptitle(family.replace("_", " "), fontsize=11)
        fig.tight_layout()
        path = folder / _safe_name(family, ".png")  # a family from a score file: never a path
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_index(path: str | Path, summary: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
                plots: Sequence[Path], evidence: Mapping[str, Sequence[Mapping[str, Any]]],
                linked: Mapping[str, str]) -> Path:
    """Write the summary page: counts, plots (embedded), shares over the whole corpus and
    the top evidence sentences per frame, linked to ``articles/<id>.html`` where written.

    Examples
    --------
    >>> import tempfile, os
    >>> summary = {"articles": 2, "undated": 0, "unparseable_dates": 0, "first_unparseable": None,
    ...            "level": "article", "periods": 1, "groups": 1, "freq": "month", "by": "date", "overall": {}}
    >>> page = write_index(os.path.join(tempfile.mkdtemp(), "index.html"), summary, [], [], {}, {})
    >>> "Frame trends" in page.read_text()
    True
    """
    families = _families(rows)
    frames = [f for members in families.values() for f in members]
    family_of = {f: family for family, members in families.items() for f in members}
    total = int(summary["articles"])
    undated = int(summary["undated"])
    notes = [f"{total} articles ({summary['level']}-level scores), {summary['periods']} period(s) by "
             f"{_e(summary['freq'])}, {summary['groups']} group(s) by {_e(summary['by'])}.",
             f"Undated: {undated} article(s) in the '{UNDATED}' period"
             + (f", {summary['unparseable_dates']} of them with a date that could not be parsed "
                f"(first: {_e(summary['first_unparseable'])})" if summary["unparseable_dates"] else "")
             + ("; they are left out of the plots." if undated and undated < total else ".")]
    if summary["level"] == "sentence":
        notes.append("Sentence-level scores carry no dates or other metadata.")
    parts = [f'<h1>Frame trends</h1><p class="meta">{"<br>".join(notes)}<br>Table: '
             f'<a href="trends.csv">trends.csv</a> (share of articles carrying each frame per period and '
             f"group, Wilson 95 % intervals).</p>", "<h2>Shares over time, by family</h2>"]
    for plot in plots:
        parts.append(f'<p class="plot"><img alt="{_e(plot.stem.replace("_", " "))}: share of articles per period" '
                     f'src="{_data_uri(plot)}"></p>')
    overall = summary["overall"]
    low, high = wilson_interval([overall.get(f, 0) for f in frames], [total] * len(frames)) if frames else ([], [])
    table = "".join(
        f'<tr><td><span class="sw" style="background:{frame_colour(f, False, frames)}"></span>{_e(frame_name(f))}'
        f'</td><td>{_e(family_of[f])}</td><td>{overall.get(f, 0)}</td>'
        f"<td>{overall.get(f, 0) / total:.1%}</td><td>{lo:.1%} – {hi:.1%}</td></tr>"
        for f, lo, hi in zip(frames, low, high))
    parts.append("<h2>Whole corpus</h2><table><tr><th>frame</th><th>family</th><th>articles</th>"
                 f"<th>share</th><th>Wilson 95 %</th></tr>{table}</table>")
    parts.append("<h2>Top evidence per frame</h2>")
    if not linked:
        parts.append('<p class="small">Article pages are written for sentence-level scores, or with '
                     "--articles SOURCE for article-level scores.</p>")
    for frame in frames:
        items = evidence.get(frame)
        if not items:
            continue
        entries = []
        for item in items:
            label = _e(item.get("title") or item["id"])
            if item["id"] in linked:
                anchor = f'#s-{_e(item["sentence"])}' if item.get("sentence") is not None else ""
                label = f'<a href="articles/{_e(linked[item["id"]])}{anchor}">{label}</a>'
            date = f' <span class="small">{_e(item["date"])}</span>' if item.get("date") else ""
            entries.append(f'<li><b>{float(item["score"]):.2f}</b> {label}{date}'
                           f'<br><span class="quote">{_e(item["text"])}</span></li>')
        parts.append(f'<h3><span class="sw" style="background:{frame_colour(frame, False, frames)}"></span>'
                     f'{_e(frame_name(frame))} <span class="small">({_e(frame)})</span></h3>'
                     f'<ol class="evidence">{"".join(entries)}</ol>')
    css = (".plot{display:inline-block;width:49%;margin:0}.plot img{width:100%}"
           ".evidence li{margin-bottom:.6em}.quote{background:#f3f0e6;padding:1px 3px}"
           "a{color:#1d4f91}")
    path = Path(path)
    path.write_text(page_shell("Frame trends", "\n".join(parts), css), encoding="utf-8")
    return path


def _safe_name(article_id: str, suffix: str = ".html") -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id)[:80]
    if name != article_id:
        name += "-" + hashlib.sha1(article_id.encode()).hexdigest()[:8]
    return name + suffix


def write_article_pages(scores: str | Path, folder: Path, level: str,
                        evidence: Mapping[str, Sequence[Mapping[str, Any]]], articles: Any = None,
                        model: str | None = None) -> dict[str, str]:
    """Write article pages for the articles cited as evidence; returns id → file name.

    From sentence-level scores the articles are rebuilt in a second streaming pass; from
    article-level scores they are re-tagged from ``articles`` (when given) with ``model``.

    Examples
    --------
    >>> write_article_pages("s.jsonl", Path("out/articles"), "article", {}, None, None)
    {}
    """
    wanted = {item["id"] for items in evidence.values() for item in items}
    written: dict[str, str] = {}
    if level == "sentence":
        for article_id, sentences in sentence_groups(read_score_file(scores)):
            if article_id in wanted and article_id not in written:
                page = render_page([article_from_sentences(sentences)],
                                   model=f"not recorded in {Path(scores).name}")
                folder.mkdir(parents=True, exist_ok=True)
                (folder / _safe_name(article_id)).write_text(page, encoding="utf-8")
                written[article_id] = _safe_name(article_id)
    elif articles is not None:
        from .readers import read_articles
        from .scoring import load_cached

        tagger = load_cached(model)
        for article in read_articles(articles):
            if article.id in wanted and article.id not in written:
                page = render_page([tagger.tag_article(article)], model=tagger.reference)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / _safe_name(article.id)).write_text(page, encoding="utf-8")
                written[article.id] = _safe_name(article.id)
    return written


def write_trends(scores: str | Path, output: str | Path, *, by: str = "date", freq: str = "month",
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
    >>> import json, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "s.jsonl")
    >>> _ = open(path, "w").write(json.dumps({"id": "a", "date": "2016-01-05", "frames": [], "scores": {"biolabs": 0.1}}) + "\\n")
    >>> summary = write_trends(path, os.path.join(folder, "trends"))
    >>> summary["articles"], os.path.basename(summary["files"][0])
    (1, 'trends.csv')
    """
    rows, evidence, summary = count_trends(scores, by=by, freq=freq, top=top)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    table = out / "trends.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    linked = write_article_pages(scores, out / "articles", summary["level"], evidence, articles, model)
    plots = plot_families(rows, out)
    index = write_index(out / "index.html", summary, rows, plots, evidence, linked)
    summary["files"] = [str(table)] + [str(p) for p in plots] + [str(index)] + \
                       [str(out / "articles" / n) for n in sorted(set(linked.values()))]
    return summary
