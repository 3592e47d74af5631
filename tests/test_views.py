"""Article pages: rendering, rebuilding from score files, clear errors, and what a browser shows."""

import html
import json

import pytest
from chromium import Elements, colour_pixels, dump_dom, external_references, needs_chromium, screenshot

from framing.cli import main
from framing.codebook import load_codebook
from framing.views import CSP, article_from_sentences, frame_colour, render_page, view

FRAMES = load_codebook().frame_ids


def _scores(**high):
    return {f: high.get(f, 0.01) for f in FRAMES}


def _sentence(article_id, index, text, paragraph=0, frames=(), **high):
    return {"article_id": article_id, "sentence": index, "paragraph": paragraph, "start": index * 100,
            "end": index * 100 + len(text), "text": text, "scores": _scores(**high), "frames": list(frames)}


ENCIRCLING = "NATO keeps moving its bases closer to Russia's borders every single year."
REBUTTAL = "Claims that NATO encircles Russia are a recurring disinformation narrative."


@pytest.fixture
def scores_file(tmp_path):
    """A tiny sentence-level score file: two articles, one highlighted sentence, one rebuttal
    that names the frame (scored under threshold) and one with HTML-like text."""
    records = [
        _sentence("a1", 0, "Bases in Central Asia", 0),
        _sentence("a1", 1, ENCIRCLING, 1, ["nato_encirclement"], nato_encirclement=0.91),
        _sentence("a1", 2, REBUTTAL, 1, [], nato_encirclement=0.2),
        _sentence("a1", 3, "Officials met <script>alert(1)</script> & talked.", 2),
        _sentence("a2", 0, "Nothing to see here.", 0),
    ]
    path = tmp_path / "scores.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_rebuilt_article_rolls_up_like_scoring(scores_file):
    records = [json.loads(line) for line in scores_file.read_text().splitlines()][:4]
    result = article_from_sentences(records)
    assert result["article"]["frames"] == ["nato_encirclement"]
    assert result["article"]["scores"]["nato_encirclement"] == 0.91
    assert [e["sentence"] for e in result["article"]["evidence"]["nato_encirclement"]] == [1]


def test_page_highlights_only_sentences_at_threshold(scores_file):
    page = view(scores_file, article_id="a1")
    marks = Elements(page).find("mark")
    assert [m["text"] for m in marks] == [ENCIRCLING]
    assert "NATO encirclement" in marks[0]["attrs"]["title"] and "0.91" in marks[0]["attrs"]["title"]
    assert REBUTTAL in page  # shown, but not highlighted
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; talked." in page and "<script" not in page
    assert f'content="{CSP}"' in page and external_references(page) == []
    assert "not recorded in scores.jsonl" in page  # the model is named where it is known


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_flat_score_files_give_the_same_page(scores_file, tmp_path, suffix):
    from framing.writers import open_writer

    flat = tmp_path / f"scores.{suffix}"
    writer = open_writer(str(flat))
    for line in scores_file.read_text().splitlines():
        record = json.loads(line)
        writer.write(record["article_id"], [record])
    writer.close()
    page = view(flat, article_id="a1").replace(f"scores.{suffix}", "scores.jsonl")
    assert page == view(scores_file, article_id="a1")


def test_legend_lists_every_frame_with_its_definition():
    codebook = load_codebook()
    page = render_page([article_from_sentences([_sentence("x", 0, "Plain.")])], model="m@1")
    legend = page[page.index("Legend"):]
    for frame in codebook.frames:
        assert html.escape(frame.name) in legend and html.escape(frame.definition) in legend
    for family in codebook.families:
        assert family.replace("_", " ") in legend


OWN_FRAMES = ("energy_weapon", "sanctions_backfire")  # a model trained on an own codebook
CUT = "The supplier cut gas deliveries two days after the vote."


@pytest.fixture
def own_scores_file(tmp_path):
    """Sentence records as `framing score --level sentence` writes them for an own-codebook model."""
    def sentence(index, text, frames=(), **high):
        return {"article_id": "e1", "sentence": index, "paragraph": index, "start": index * 100,
                "end": index * 100 + len(text), "text": text, "model": "energy@0.1.0",
                "scores": {f: high.get(f, 0.03) for f in OWN_FRAMES}, "frames": list(frames)}

    records = [sentence(0, "Winter came early."), sentence(1, CUT, ["energy_weapon"], energy_weapon=0.92),
               sentence(2, "Gas is not a weapon, officials said.", [], energy_weapon=0.3)]
    path = tmp_path / "own.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_own_codebook_frame_is_highlighted_and_named_in_the_legend(own_scores_file):
    page = view(own_scores_file)
    marks = Elements(page).find("mark")
    assert [(m["text"], m["attrs"]["class"]) for m in marks] == [(CUT, "f-energy_weapon")]
    assert marks[0]["attrs"]["title"] == "energy_weapon (energy_weapon) 0.92"
    notes = Elements(page).find("span", **{"class": "^note "})
    assert [n["text"].strip() for n in notes] == ["energy_weapon 0.92"]
    light = frame_colour("energy_weapon", False, OWN_FRAMES)
    assert f"mark.f-energy_weapon,.sw.f-energy_weapon,.chip.f-energy_weapon{{background:{light}}}" in page
    assert light != frame_colour("sanctions_backfire", False, OWN_FRAMES)
    assert light not in {frame_colour(f) for f in FRAMES}  # not mistaken for a built-in frame
    assert 'Article frames: <span class="chip f-energy_weapon">energy_weapon 0.92</span>' in page
    legend = Elements(page[page.index("<h2>Legend"):])
    assert [d["text"] for d in legend.find("dt")] == [f"{f} ({f})" for f in OWN_FRAMES]
    assert [d["text"] for d in legend.find("div", **{"class": "^fam$"})] == ["energy weapon", "sanctions backfire"]
    assert not any(load_codebook().frame(f).name in page for f in FRAMES)  # the built-in codebook is not shown
    assert "model <b>energy@0.1.0</b>" in page and external_references(page) == []
    rebuilt = article_from_sentences(json.loads(line) for line in own_scores_file.read_text().splitlines())
    assert rebuilt["article"]["families"] == ["energy_weapon"]  # an unknown frame is its own family


def test_frame_ids_from_a_file_cannot_break_out_of_the_page(tmp_path):
    odd = 'x</style><script>alert(1)</script>'
    record = {"article_id": "a", "sentence": 0, "text": "Hello.", "scores": {odd: 0.9}, "frames": [odd]}
    page = render_page([article_from_sentences([record])], model="m@1")
    assert "<script" not in page and "&lt;/style&gt;&lt;script&gt;" in page
    assert page.count("</style>") == 1  # no colour rule for an id that is not a CSS name


def test_unknown_id_names_the_file_and_counts_ids(scores_file):
    with pytest.raises(ValueError, match=r"--id 'zz' is not in .*scores.jsonl: it holds 2 article id\(s\)"):
        view(scores_file, article_id="zz")


def test_bad_json_line_names_file_and_line(tmp_path, scores_file):
    bad = tmp_path / "bad.jsonl"
    lines = scores_file.read_text().splitlines()
    bad.write_text("\n".join(lines[:2] + ["{not json"] + lines[2:]) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:3: not valid JSON"):
        view(bad, article_id="a1")


def test_bad_score_value_names_the_field(tmp_path, scores_file):
    record = json.loads(scores_file.read_text().splitlines()[0])
    record["scores"]["biolabs"] = "high"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n")
    with pytest.raises(ValueError, match=r"bad.jsonl:1: field 'score_biolabs': not a number: 'high'"):
        view(bad)


def test_article_level_scores_are_refused_with_the_fix(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps({"id": "a", "sentences": 1, "scores": _scores(), "frames": [],
                                "evidence": {}}) + "\n")
    with pytest.raises(ValueError, match="--level sentence"):
        view(path)


def test_view_tags_an_article_source_with_the_model(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Kazakhstan unrest\n\nThe protests were a colour revolution engineered by the "
                       "West, a Maidan technology. The weather was mild.\n", encoding="utf-8")
    out = tmp_path / "page.html"
    assert main(["view", str(article), "-o", str(out)]) == 0
    page = out.read_text()
    assert "model <b>frames@" in page and "<mark" in page and "The weather was mild." in page


def test_cli_writes_html_to_stdout(scores_file, capsys):
    assert main(["view", str(scores_file), "--id", "a2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "Nothing to see here." in out and "<mark" not in out


@needs_chromium
def test_browser_shows_highlight_frame_and_legend(scores_file, tmp_path):
    page = tmp_path / "page.html"
    view(scores_file, page, article_id="a1")
    dom = Elements(dump_dom(page, tmp_path))
    marks = dom.find("mark", title="NATO encirclement")
    assert [m["text"] for m in marks] == [ENCIRCLING]
    notes = dom.find("span", **{"class": "^note "})
    assert [n["text"].strip() for n in notes] == ["NATO encirclement 0.91"]
    assert dom.find("h2", **{}) and any("Legend" in h["text"] for h in dom.find("h2"))
    assert dom.find("meta", **{"http-equiv": "Content-Security-Policy", "content": "default-src 'none'"})
    shot = screenshot(page, tmp_path / "page.png", tmp_path)
    # a person sees the highlight: the frame's colour fills the sentence's background
    assert colour_pixels(shot, frame_colour("nato_encirclement")) > 2000
    assert colour_pixels(shot, frame_colour("colour_revolution")) < 200  # only the legend swatch


@needs_chromium
def test_browser_shows_an_own_codebook_highlight(own_scores_file, tmp_path):
    page = tmp_path / "own.html"
    view(own_scores_file, page)
    dom = Elements(dump_dom(page, tmp_path))
    assert [m["text"] for m in dom.find("mark", title="^energy_weapon ")] == [CUT]
    shot = screenshot(page, tmp_path / "own.png", tmp_path)
    assert colour_pixels(shot, frame_colour("energy_weapon", False, OWN_FRAMES)) > 2000
