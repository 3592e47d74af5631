"""Article pages: one self-contained HTML file with the frames highlighted.

The page needs no network and no JavaScript: CSS is inline, a Content-Security-Policy
``<meta>`` forbids every external resource, frames and scores are in ``title`` attributes
(shown on hover) and in margin notes, and the legend lists the codebook.  Only sentences
whose score reaches the frame's threshold are highlighted; a sentence that merely names a
frame (scored under threshold) is plain text.

Pages are rendered from :meth:`framing.Tagger.tag_article` results, or from a
sentence-level ``framing score`` file, whose records are enough to rebuild the article.

The frames of a page are the ones its scores name, so a model trained on an own codebook
(:mod:`framing.owncodebook`) gets its own frames highlighted.  A score record names frame ids
only: a frame of the built-in codebook keeps its name, family, definition and colour; any other
frame is its own family (as in an own codebook that lists no families), is named by its id and
gets a colour of its own, spread round the wheel over the page's other such frames.
"""

from __future__ import annotations

import colorsys
import hashlib
import html
import os
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .codebook import load_codebook
from .errors import InputError
from .records import rollup_labelled
from .segmentation import Sentence
from .scorefiles import read_score_file, sentence_groups, sniff_score_level

__all__ = ["CSP", "frame_colour", "frame_family", "frame_name", "render_page", "article_from_sentences",
           "view"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MAX_ARTICLES = 50
_CSS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")  # frame ids that may go into a CSS selector


def frame_family(frame_id: str) -> str:
    """The family of a frame: the built-in codebook's, or the frame id itself for a frame the
    built-in codebook lacks (an own codebook's frame; score files do not record families).

    Examples
    --------
    >>> frame_family("biolabs"), frame_family("energy_weapon")
    ('western_subversion', 'energy_weapon')
    """
    codebook = load_codebook()
    return codebook.family_of(frame_id) if frame_id in codebook.frame_ids else frame_id


def frame_name(frame_id: str) -> str:
    """The frame's name in the built-in codebook, or its id for any other frame.

    Examples
    --------
    >>> frame_name("nato_encirclement"), frame_name("energy_weapon")
    ('NATO encirclement', 'energy_weapon')
    """
    codebook = load_codebook()
    return codebook.frame(frame_id).name if frame_id in codebook.frame_ids else frame_id


def frame_colour(frame_id: str, strong: bool = False, frames: Iterable[str] = ()) -> str:
    """The colour of a frame as ``#rrggbb``: light (highlight background) or strong (lines).

    Hues go round the colour wheel in codebook order with the frames grouped by family, so
    neighbouring hues belong to one family and every frame has its own colour.  A frame not in
    the built-in codebook takes its hue from its place among the non-built-in ids of ``frames``
    (the page's frames), half a step off the built-in hues; failing that, from a hash of its id.

    Examples
    --------
    >>> frame_colour("colour_revolution")
    '#f5a8a8'
    >>> frame_colour("colour_revolution", strong=True)
    '#9a1919'
    >>> frame_colour("energy_weapon", frames=["energy_weapon", "sanctions_backfire"])
    '#f5baa8'
    """
    codebook = load_codebook()
    if frame_id in codebook.frame_ids:
        ordered = [f for family in codebook.families for f in codebook.frames_in(family)]
        hue = ordered.index(frame_id) / len(ordered)
    else:
        own = [f for f in dict.fromkeys(frames) if f not in codebook.frame_ids]
        if frame_id in own:
            hue = (own.index(frame_id) / len(own) + 0.5 / len(codebook)) % 1.0
        else:
            hue = int(hashlib.sha1(str(frame_id).encode()).hexdigest()[:8], 16) / 2 ** 32
    lightness, saturation = (0.35, 0.72) if strong else (0.81, 0.8)
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page_shell(title: str, body: str, extra_css: str = "") -> str:
    """A complete HTML document: CSP meta (no external resources), inline CSS, ``body``.

    Examples
    --------
    >>> page = page_shell("T <1>", "<p>hi</p>")
    >>> "default-src 'none'" in page and "<title>T &lt;1&gt;</title>" in page
    True
    """
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{_BASE_CSS}{extra_css}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


_BASE_CSS = """
body{font:16px/1.55 Georgia,'DejaVu Serif',serif;color:#1d1d1d;background:#fdfcf9;margin:0 auto;
max-width:1180px;padding:1.5em 2em}
h1{font-size:1.6em;line-height:1.25;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid #ddd;
padding-bottom:.2em;margin-top:1.6em}h3{font-size:1em;margin:1em 0 .3em}
.meta,.small{font:13px/1.4 'DejaVu Sans',Arial,sans-serif;color:#555}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-1px;margin-right:.3em;
border:1px solid rgba(0,0,0,.25)}
table{border-collapse:collapse;font:13px/1.4 'DejaVu Sans',Arial,sans-serif}
td,th{border-bottom:1px solid #e4e4e4;padding:3px 8px;text-align:left;vertical-align:top}
"""

_ARTICLE_CSS = """
.row{display:grid;grid-template-columns:minmax(0,1fr) 250px;column-gap:1.5em}
.text p{margin:0 0 .9em}
mark{color:inherit;padding:1px 0;border-radius:2px}
.notes{font:12px/1.35 'DejaVu Sans',Arial,sans-serif;color:#333}
.note{display:block;margin:0 0 .5em;padding-left:.5em;border-left:4px solid #999}
.legend dt{font:bold 13px/1.4 'DejaVu Sans',Arial,sans-serif;margin-top:.4em}
.legend dd{margin:0 0 .2em 1.4em;font-size:14px}
.fam{font:bold 12px/1.4 'DejaVu Sans',Arial,sans-serif;text-transform:uppercase;letter-spacing:.05em;
color:#666;margin-top:.8em}
.evidence li{margin-bottom:.4em}
.chip{display:inline-block;padding:0 .4em;margin:0 .2em .2em 0;border-radius:3px;color:#1d1d1d}
article{margin-bottom:3em}
"""


def _frame_css(frames: Sequence[str] = ()) -> str:
    """The colour rules of the built-in frames, then of the page's other frames."""
    codebook = load_codebook()
    own = [f for f in frames if f not in codebook.frame_ids and _CSS_ID.match(f)]
    rules = []
    for frame in (*codebook.frame_ids, *own):
        light, strong = frame_colour(frame, False, frames), frame_colour(frame, True, frames)
        rules.append(f"mark.f-{frame},.sw.f-{frame},.chip.f-{frame}{{background:{light}}}"
                     f".note.f-{frame}{{border-left-color:{strong}}}")
    return "\n".join(rules)


def _page_frames(results: Sequence[Mapping[str, Any]]) -> list[str]:
    """The frames the results score or carry, in order of first appearance."""
    seen: dict[str, None] = {}
    for result in results:
        article = result["article"]
        for source in (article.get("scores") or {}, article.get("frames") or []):
            seen.update(dict.fromkeys(source))
        for s in result["sentences"]:
            seen.update(dict.fromkeys(s.get("scores") or {}))
            seen.update(dict.fromkeys(s.get("frames") or []))
    return list(seen)


def _sentence_html(s: Mapping[str, Any], prefix: str = "") -> tuple[str, str]:
    """The sentence in the text column, and its margin note ('' when it carries no frame)."""
    anchor = f'{prefix}s-{int(s["sentence"])}'
    frames = sorted(s.get("frames") or [], key=lambda f: -float(s["scores"].get(f, 0)))
    if not frames:
        return f'<span id="{anchor}">{_e(s["text"])}</span>', ""
    labels = "; ".join(f"{frame_name(f)} ({f}) {float(s['scores'][f]):.2f}" for f in frames)
    text = (f'<mark id="{anchor}" class="f-{_e(frames[0])}" data-frames="{_e(" ".join(frames))}" '
            f'title="{_e(labels)}">{_e(s["text"])}</mark>')
    note = "".join(f'<span class="note f-{_e(f)}" title="{_e(labels)}"><span class="sw f-{_e(f)}"></span>'
                   f'{_e(frame_name(f))} <b>{float(s["scores"][f]):.2f}</b></span>' for f in frames)
    return text, note


def _article_html(result: Mapping[str, Any], model: str, prefix: str = "") -> str:
    article = result["article"]
    heading = article.get("title") or article.get("id") or "article"
    facts = [f"id {_e(article.get('id'))}"]
    for key in ("date", "source", "url"):
        if article.get(key):
            facts.append(f"{key} {_e(article[key])}")  # shown as text: never a link or a request
    facts.append(f"{len(result['sentences'])} sentences; model <b>{_e(model)}</b>")
    paragraphs: dict[int, list[Mapping[str, Any]]] = {}
    for s in result["sentences"]:
        paragraphs.setdefault(int(s.get("paragraph") or 0), []).append(s)
    rows = []
    for index in sorted(paragraphs):
        parts = [_sentence_html(s, prefix) for s in paragraphs[index]]
        rows.append(f'<div class="row"><div class="text"><p>{" ".join(t for t, _ in parts)}</p></div>'
                    f'<div class="notes">{"".join(n for _, n in parts)}</div></div>')
    frames = list(article.get("frames") or [])
    chips = " ".join(f'<span class="chip f-{_e(f)}">{_e(frame_name(f))} '
                     f'{float((article.get("scores") or {}).get(f, 0)):.2f}</span>' for f in frames)
    summary = (f'<p class="meta">Article frames: {chips}</p>' if frames
               else '<p class="meta">No frame reaches its threshold in this article.</p>')
    return (f'<article id="{prefix}article">\n<h1>{_e(heading)}</h1>\n'
            f'<p class="meta">{" · ".join(facts)}</p>\n{summary}\n'
            + "\n".join(rows) + f"\n{_rollup_html(article, prefix)}\n</article>")


def _rollup_html(article: Mapping[str, Any], prefix: str = "") -> str:
    frames = list(article.get("frames") or [])
    if not frames:
        return ""
    items = []
    for frame in frames:
        evidence = "".join(
            f'<li><a href="#{prefix}s-{int(ev["sentence"])}">sentence {int(ev["sentence"])}</a> '
            f'<b>{float(ev["score"]):.2f}</b> {_e(ev["text"])}</li>'
            for ev in (article.get("evidence") or {}).get(frame, []))
        score = (article.get("scores") or {}).get(frame)
        items.append(f'<h3><span class="sw f-{_e(frame)}"></span>{_e(frame_name(frame))} '
                     f'<span class="small">({_e(frame)}, article score '
                     f'{"n/a" if score is None else f"{float(score):.2f}"})</span></h3>'
                     f'<ol class="evidence">{evidence}</ol>')
    return "<h2>Article roll-up: frames and evidence</h2>\n" + "\n".join(items)


def _legend_html(frames: Sequence[str] = ()) -> str:
    """The whole built-in codebook when every frame of the page is in it; otherwise the page's
    frames: built-in ones with their definitions, the others under their own id."""
    codebook = load_codebook()
    own = [f for f in frames if f not in codebook.frame_ids]
    shown = [f for f in codebook.frame_ids if not own or f in frames] + own
    families = dict.fromkeys([*(() if own else codebook.families), *map(frame_family, shown)])
    heading = "the model's frames" if own else "the codebook"
    parts = [f'<h2>Legend: {_e(heading)}</h2>\n<div class="legend">']
    for family in families:
        parts.append(f'<div class="fam">{_e(family.replace("_", " "))}</div><dl>')
        for frame_id in (f for f in shown if frame_family(f) == family):
            definition = (codebook.frame(frame_id).definition if frame_id in codebook.frame_ids
                          else "not in the built-in codebook: see the model's own codebook")
            parts.append(f'<dt><span class="sw f-{_e(frame_id)}"></span>{_e(frame_name(frame_id))} '
                         f'<span class="small">({_e(frame_id)})</span></dt><dd>{_e(definition)}</dd>')
        parts.append("</dl>")
    parts.append("</div>")
    return "\n".join(parts)


def render_page(results: Sequence[Mapping[str, Any]], model: str = "unknown",
                title: str | None = None) -> str:
    """Render tagged articles as one self-contained HTML page.

    Parameters
    ----------
    results : sequence of dict
        :meth:`framing.Tagger.tag_article` results (``{"article": ..., "sentences": [...]}``).
    model : str
        The model that made the scores, e.g. ``"frames@1.0.0"``; shown on the page.
    title : str, optional
        Page title; by default the (first) article's title or id.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> s = {"sentence": 0, "paragraph": 0, "text": "NATO surrounds <us>.",
    ...      "scores": {"nato_encirclement": 0.9}, "frames": ["nato_encirclement"]}
    >>> page = render_page([article_from_sentences([s])], model="m@1")
    >>> 'title="NATO encirclement (nato_encirclement) 0.90"' in page
    True
    >>> "NATO surrounds &lt;us&gt;." in page and "<script" not in page
    True
    """
    if not results:
        raise InputError("render_page: no article to render")
    first = results[0]["article"]
    title = title or first.get("title") or first.get("id") or "article"
    contents = ""
    if len(results) > 1:
        links = "".join(f'<li><a href="#a{k}-article">'
                        f'{_e(r["article"].get("title") or r["article"].get("id"))}</a> '
                        f'<span class="small">{_e(", ".join(r["article"].get("frames") or []) or "no frame")}'
                        f"</span></li>" for k, r in enumerate(results))
        contents = f"<h2>{len(results)} articles</h2><ol>{links}</ol>"
    prefixes = [""] if len(results) == 1 else [f"a{k}-" for k in range(len(results))]
    frames = _page_frames(results)
    body = (contents + "\n".join(_article_html(r, model, p) for r, p in zip(results, prefixes))
            + _legend_html(frames))
    return page_shell(str(title), body, _ARTICLE_CSS + _frame_css(frames))


def article_from_sentences(records: Iterable[Mapping[str, Any]], evidence: int = 3,
                           metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Rebuild a tagged article from its sentence-level score records.

    The roll-up is the scorer's own (:func:`framing.records.rollup_labelled`), fed with the
    labels the score file recorded for each sentence.

    Examples
    --------
    >>> recs = [{"article_id": "a", "sentence": 0, "text": "x", "scores": {"biolabs": 0.2},
    ...          "frames": []},
    ...         {"article_id": "a", "sentence": 1, "text": "y", "scores": {"biolabs": 0.7},
    ...          "frames": ["biolabs"]}]
    >>> r = article_from_sentences(recs)
    >>> r["article"]["frames"], r["article"]["scores"], r["article"]["evidence"]["biolabs"][0]["sentence"]
    (['biolabs'], {'biolabs': 0.7}, 1)
    """
    sentences = sorted((dict(r) for r in records), key=lambda r: int(r["sentence"]))
    frames = list(sentences[0]["scores"]) if sentences else list(load_codebook().frame_ids)
    scores = np.array([[float(s["scores"].get(f, 0.0)) for f in frames] for s in sentences]).reshape(-1, len(frames))
    labels = np.array([[f in (s.get("frames") or []) for f in frames] for s in sentences],
                      dtype=np.int64).reshape(-1, len(frames))
    families = [frame_family(f) for f in frames]
    head = dict(metadata or {})
    head.setdefault("id", sentences[0].get("article_id") if sentences else None)
    spans = [Sentence(int(s["sentence"]), s.get("start"), s.get("end"), s["text"]) for s in sentences]
    article = rollup_labelled(head, spans, scores, labels, frames=frames, families=families, evidence=evidence)
    return {"article": article, "sentences": sentences}


def _pick(items: Iterable[tuple[str, Any]], wanted: str | None, source: str) -> list[Any]:
    """The item with id ``wanted`` (or all items, at most MAX_ARTICLES); clear errors otherwise."""
    chosen, count, first_ids = [], 0, []
    for item_id, item in items:
        count += 1
        if len(first_ids) < 5:
            first_ids.append(item_id)
        if wanted is None or item_id == wanted:
            chosen.append(item)
            if wanted is None and len(chosen) > MAX_ARTICLES:
                raise InputError(f"{source} holds more than {MAX_ARTICLES} articles; pick one with "
                                 f"--id (ids start {', '.join(first_ids)})")
    if not chosen:
        if wanted is None:
            raise InputError(f"{source}: no article found")
        raise InputError(f"--id {wanted!r} is not in {source}: it holds {count} article id(s), "
                         f"e.g. {', '.join(first_ids)}")
    return chosen


def view(source: str | os.PathLike, output: str | os.PathLike | None = None, *,
         article_id: str | None = None, model: str | None = None) -> str:
    """Render an article page from an article source or a sentence-level score file.

    Parameters
    ----------
    source : path
        Anything :func:`framing.read_articles` reads (tagged with ``model``), or a
        sentence-level ``framing score`` output (JSONL/CSV/Parquet), rebuilt without a model.
    output : path, optional
        Where to write the page; it is returned either way.
    article_id : str, optional
        The article to show; by default every article of ``source`` (at most 50).
    model : str, optional
        Model reference for article sources (the shipped default when omitted).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> _ = open(path, "w").write("NATO keeps surrounding Russia from all sides.")
    >>> page = view(path)
    >>> page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    True
    """
    level = sniff_score_level(source)
    if level == "sentence":
        groups = ((aid, recs) for aid, recs in sentence_groups(read_score_file(source)))
        chosen = _pick(groups, article_id, str(source))
        results = [article_from_sentences(recs) for recs in chosen]
        reference = next((str(r["sentences"][0]["model"]) for r in results
                          if r["sentences"] and r["sentences"][0].get("model")),
                         f"not recorded in {Path(source).name}")
    elif level is not None:
        raise InputError(f"{source} holds {level}-level scores, which keep only evidence sentences; "
                         f"an article page needs the sentence level: framing score INPUT "
                         f"--level sentence -o scores.jsonl")
    else:
        from .readers import read_articles
        from .scoring import load_cached

        tagger = load_cached(model)
        chosen = _pick(((a.id, a) for a in read_articles(source)), article_id, str(source))
        results = [tagger.tag_article(a) for a in chosen]
        reference = tagger.reference
    page = render_page(results, model=reference)
    if output is not None:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(page, encoding="utf-8")
    return page
