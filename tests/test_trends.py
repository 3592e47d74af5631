"""Corpus trends: counts, intervals, formats, periods, errors, flat memory and the summary page."""

import csv
import json
import tracemalloc
from pathlib import Path

import pytest
from chromium import Elements, dump_dom, external_references, needs_chromium, screenshot

from framing.cli import main
from framing.codebook import load_codebook
from framing.records import flatten_record
from framing.trends import _articles, count_trends, period_of, wilson_interval
from framing.trends_report import write_trends as trends
from framing.views import CSP
from framing.writers import open_writer

FRAMES = load_codebook().frame_ids


def _article(i, date, source, frames=(), text=None):
    scores = {f: (0.9 if f in frames else 0.01) for f in FRAMES}
    evidence = {f: [{"sentence": 2, "start": 0, "end": 5, "score": 0.5 + i / 100,
                     "text": text or f"Evidence {i} for {f}."}] for f in frames}
    return {"id": f"art{i}", "title": f"Title {i}", "url": None, "date": date, "source": source,
            "sentences": 4, "scores": scores, "frames": list(frames), "families": [], "evidence": evidence}


ARTICLES = [
    _article(0, "2022-01-03", "A", ["nato_encirclement"]),
    _article(1, "Fri, 14 Jan 2022 15:31:07 +0000", "A", ["nato_encirclement", "biolabs"]),
    _article(2, "2022-01-20", "B"),
    _article(3, "2022-02-01T10:00:00Z", "B", ["nato_encirclement"], text="<b>bold</b> & more"),
    _article(4, None, "A", ["biolabs"]),
    _article(5, "sometime", "B"),
]


def _write(path, records):
    writer = open_writer(str(path))
    for record in records:
        writer.write(record.get("id") or record["article_id"], [record])
    writer.close()
    return path


@pytest.fixture
def scores(tmp_path):
    return _write(tmp_path / "s.jsonl", ARTICLES)


def _table(folder):
    with open(folder / "trends.csv", newline="") as handle:
        return {(r["period"], r["group"], r["frame"]): r for r in csv.DictReader(handle)}


def test_shares_counts_and_wilson_intervals(scores, tmp_path):
    summary = trends(scores, tmp_path / "out")
    table = _table(tmp_path / "out")
    row = table[("2022-01", "all", "nato_encirclement")]
    assert (row["articles"], row["with_frame"], float(row["share"])) == ("3", "2", round(2 / 3, 6))
    low, high = wilson_interval(2, 3)
    assert (float(row["ci_low"]), float(row["ci_high"])) == (round(float(low), 6), round(float(high), 6))
    assert table[("2022-02", "all", "nato_encirclement")]["with_frame"] == "1"
    undated = table[("undated", "all", "biolabs")]
    assert (undated["articles"], undated["with_frame"]) == ("2", "1")
    assert (summary["articles"], summary["undated"], summary["unparseable_dates"]) == (6, 2, 1)
    assert "s.jsonl:6: 'sometime'" in summary["first_unparseable"]
    assert len(table) == 3 * len(FRAMES)


def test_wilson_matches_the_textbook_value():
    low, high = wilson_interval(3, 10)
    assert (round(float(low), 4), round(float(high), 4)) == (0.1078, 0.6032)


def test_periods():
    assert period_of("2022-01-03", "week") == "2022-W01" and period_of("2021-01-03", "week") == "2020-W53"
    assert period_of("Thu, 06 Jan 2022 17:11:02 +0000") == "2022-01" and period_of("2022-03") == "2022-03"
    assert period_of(None) is None and period_of("31/12/2022") is None


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_flat_formats_give_the_same_table(scores, tmp_path, suffix):
    flat = _write(tmp_path / f"s.{suffix}", ARTICLES)
    trends(scores, tmp_path / "a", by="source")
    trends(flat, tmp_path / "b", by="source")
    assert _table(tmp_path / "a") == _table(tmp_path / "b")
    assert _table(tmp_path / "a")[("2022-01", "A", "nato_encirclement")]["share"] == "1.0"
    assert flatten_record(ARTICLES[0])["frames"] == "nato_encirclement"


def test_sentence_level_rolls_up_and_links_article_pages(tmp_path):
    def sentence(aid, i, frames=()):
        return {"article_id": aid, "sentence": i, "paragraph": 0, "start": i, "end": i + 1,
                "text": f"{aid} sentence {i}.", "scores": {f: (0.8 if f in frames else 0.0) for f in FRAMES},
                "frames": list(frames)}

    records = [sentence("x/1", 0), sentence("x/1", 1, ["media_war"]), sentence("y", 0, ["media_war"]),
               sentence("y", 1, ["media_war"]), sentence("z", 0)]
    path = _write(tmp_path / "s.jsonl", records)
    summary = trends(path, tmp_path / "out", freq="week")
    row = _table(tmp_path / "out")[("undated", "all", "media_war")]
    assert (row["articles"], row["with_frame"]) == ("3", "2")
    assert summary["level"] == "sentence" and summary["undated"] == 3
    pages = sorted(p.name for p in (tmp_path / "out" / "articles").iterdir())
    assert len(pages) == 2 and pages[1] == "y.html" and pages[0].startswith("x_1-")
    index = (tmp_path / "out" / "index.html").read_text()
    assert f'href="articles/{pages[0]}#s-1"' in index and 'href="articles/y.html#s-0"' in index


OWN = ("energy_weapon", "sanctions_backfire")  # frames of a model trained on an own codebook


def _own_sentence(aid, i, frames=(), score=0.8):
    """A sentence record as `framing score --level sentence` writes it for an own-codebook model."""
    return {"article_id": aid, "sentence": i, "paragraph": 0, "start": 10 * i, "end": 10 * i + 9,
            "text": f"{aid} says {i}.", "model": "energy@0.1.0",
            "scores": {f: (score if f in frames else 0.02) for f in OWN}, "frames": list(frames)}


def test_own_codebook_frames_get_their_own_rows_and_evidence(tmp_path):
    records = [_own_sentence("a", 0), _own_sentence("a", 1, ["energy_weapon"], 0.7),
               _own_sentence("a", 2, ["energy_weapon"], 0.9), _own_sentence("b", 0, OWN), _own_sentence("c", 0)]
    path = _write(tmp_path / "own.jsonl", records)
    rows, evidence, summary = count_trends(path)
    assert [(r["period"], r["group"], r["frame"], r["family"], r["articles"], r["with_frame"]) for r in rows] == [
        ("undated", "all", "energy_weapon", "energy_weapon", 3, 2),
        ("undated", "all", "sanctions_backfire", "sanctions_backfire", 3, 1)]
    low, high = wilson_interval(2, 3)
    assert (rows[0]["share"], rows[0]["ci_low"], rows[0]["ci_high"]) == (
        round(2 / 3, 6), round(float(low), 6), round(float(high), 6))
    best = [(e["id"], e["sentence"], e["score"]) for e in evidence["energy_weapon"]]
    assert best == [("a", 2, 0.9), ("b", 0, 0.8)]
    assert [e["id"] for e in evidence["sanctions_backfire"]] == ["b"] and set(evidence) == set(OWN)
    assert summary["overall"] == {"energy_weapon": 2, "sanctions_backfire": 1} and summary["articles"] == 3
    # the whole report: one plot per (own) family, the evidence linked to article pages
    written = trends(path, tmp_path / "out")
    assert sorted(p.split("/")[-1] for p in written["files"] if p.endswith(".png")) == [f"{f}.png" for f in OWN]
    assert set(_table(tmp_path / "out")) == {("undated", "all", f) for f in OWN}
    index = (tmp_path / "out" / "index.html").read_text()
    assert "(energy_weapon)" in index and 'href="articles/a.html#s-2"' in index
    assert not any(frame in index for frame in FRAMES)  # no built-in frame: the model scored none
    assert "energy_weapon" in (tmp_path / "out" / "articles" / "a.html").read_text()


def test_own_codebook_article_level_counts_by_period_and_group(tmp_path):
    def article(i, date, source, frames):
        return {"id": f"e{i}", "title": f"T{i}", "date": date, "source": source, "sentences": 2,
                "scores": {f: (0.9 if f in frames else 0.1) for f in OWN}, "frames": list(frames),
                "families": list(frames), "evidence": {f: [{"sentence": 1, "start": 0, "end": 4, "score": 0.9,
                                                            "text": f"Evidence {i}."}] for f in frames}}

    path = _write(tmp_path / "own.jsonl", [article(0, "2023-01-02", "A", ["energy_weapon"]),
                                           article(1, "2023-01-09", "B", ["energy_weapon", "sanctions_backfire"]),
                                           article(2, "2023-02-01", "A", [])])
    rows, evidence, _ = count_trends(path, by="source")
    table = {(r["period"], r["group"], r["frame"]): (r["articles"], r["with_frame"]) for r in rows}
    assert table == {("2023-01", "A", "energy_weapon"): (1, 1), ("2023-01", "A", "sanctions_backfire"): (1, 0),
                     ("2023-01", "B", "energy_weapon"): (1, 1), ("2023-01", "B", "sanctions_backfire"): (1, 1),
                     ("2023-02", "A", "energy_weapon"): (1, 0), ("2023-02", "A", "sanctions_backfire"): (1, 0)}
    assert [e["id"] for e in evidence["energy_weapon"]] == ["e0", "e1"]  # equal scores: the first article first


def test_frame_ids_from_the_file_stay_inside_the_output_folder(tmp_path):
    odd = "../../escaped"
    path = _write(tmp_path / "odd.jsonl", [{"id": "a", "frames": [odd], "scores": {odd: 0.9}, "evidence": {}}])
    out = tmp_path / "deep" / "out"
    summary = trends(path, out)
    plots = [Path(p) for p in summary["files"] if p.endswith(".png")]
    assert len(plots) == 1 and plots[0].parent == out and plots[0].is_file()
    assert not list(tmp_path.glob("*.png")) and not list((tmp_path / "deep").glob("*.png"))
    assert "</span>../../escaped</td><td>../../escaped</td>" in (out / "index.html").read_text()


def test_errors_name_file_line_and_field(scores, tmp_path):
    with pytest.raises(ValueError, match=r"s.jsonl:1: field 'region': --by 'region': no such metadata "
                                         r"column \(columns: date, id, source, title, url\)"):
        trends(scores, tmp_path / "o", by="region")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(scores.read_text() + "{oops\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:7: not valid JSON"):
        trends(bad, tmp_path / "o")
    paragraph = _write(tmp_path / "p.jsonl", [{"article_id": "a", "paragraph": 0, "sentences": 1,
                                              "scores": {"biolabs": 0.1}, "frames": []}])
    with pytest.raises(ValueError, match=r"p.jsonl:1: paragraph-level scores"):
        trends(paragraph, tmp_path / "o")
    assert main(["trends", str(bad), "-o", str(tmp_path / "o")]) == 2


def _corpus(path, n):
    with open(path, "w") as handle:
        for i in range(n):
            record = _article(i, f"2022-{1 + i % 12:02d}-01", "AB"[i % 2], [FRAMES[i % len(FRAMES)]])
            handle.write(json.dumps(record) + "\n")
    return path


def test_memory_stays_flat_as_the_corpus_grows(tmp_path):
    def peak(n):
        path = _corpus(tmp_path / f"c{n}.jsonl", n)
        tracemalloc.start()
        count = sum(1 for _ in _articles(path))
        current, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return count, high

    small, large = peak(500), peak(5000)
    assert (small[0], large[0]) == (500, 5000)
    assert large[1] < 1.5 * small[1]  # a list of articles would take ten times as much


def test_evidence_heap_is_bounded_and_sorted(tmp_path):
    summary = trends(_corpus(tmp_path / "c.jsonl", 300), tmp_path / "out", top=3)
    index = (tmp_path / "out" / "index.html").read_text()
    assert summary["articles"] == 300 and index.count("Evidence ") == 3 * len(FRAMES)
    first = index.index("Evidence 299 for") if "Evidence 299 for" in index else None
    assert first is not None  # the highest-scoring evidence is kept


def test_cli_prints_the_files(scores, tmp_path, capsys):
    assert main(["trends", str(scores), "-o", str(tmp_path / "t"), "--by", "source"]) == 0
    out = capsys.readouterr()
    files = out.out.split()
    assert files[0].endswith("trends.csv") and files[-1].endswith("index.html") and len(files) == 8
    assert "undated: 2 (1 with an unparseable date)" in out.err


@needs_chromium
def test_browser_shows_plots_and_evidence(scores, tmp_path):
    trends(scores, tmp_path / "out")
    page = tmp_path / "out" / "index.html"
    text = page.read_text()
    assert f'content="{CSP}"' in text and external_references(text) == []
    dom = Elements(dump_dom(page, tmp_path))
    images = dom.find("img", src="^data:image/png;base64,")
    assert len(images) == len(load_codebook().families)
    assert any(li["text"].count("<b>bold</b> & more") for li in dom.find("li"))  # escaped, shown as text
    assert not dom.find("b", **{}) or all(b["text"] != "bold" for b in dom.find("b"))
    assert any("Undated: 2 article(s)" in p["text"] for p in dom.find("p"))
    screenshot(page, tmp_path / "trends.png", tmp_path)
