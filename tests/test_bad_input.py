"""Issue #13 ("Nothing lost, nothing silently wrong"), input side: each test feeds the bad input
of one row and checks what the user now gets (exit code, message, output content)."""

import json
import warnings

import pytest

from framing import ReadError, read_articles
from framing.cleaning import clean_text
from framing.cli import main

BODY = ("NATO keeps expanding towards Russia's borders, the minister told parliament on Tuesday.\n\n"
        "He said the alliance had broken every promise it made in 1990 about not moving east.\n\n")


# --- row 1: boilerplate rules remove only boilerplate; removed lines counted; --no-clean ------

@pytest.mark.parametrize("line", [
    "Russia's security services use cookies to track dissidents, the report says.",
    "Akismet, the spam filter, was named in the leaked memo.",
    "Dear Readers, today we publish a long investigation into NATO's bases in Central Asia.",
    "Tags: the word the regime uses for dissidents it wants to watch.",
    "Disclaimer: none of the officials we spoke to would go on the record.",
])
def test_article_lines_that_look_like_boilerplate_survive_with_the_text_after_them(line):
    text = line + "\n\n" + BODY
    cleaned = clean_text(text)
    assert cleaned.text == text.strip() and cleaned.removed_lines == 0


def test_real_boilerplate_still_goes_and_is_counted():
    text = (BODY + "This site uses Akismet to reduce spam. Learn how your comment data is processed.\n"
            "We use cookies to give you the best browsing experience.\n\n"
            "Disclaimer: The views expressed in this article are the author's own.\nAd line\n"
            "Tags: NATO, Russia\n")
    cleaned = clean_text(text)
    assert cleaned.text == BODY.strip() and cleaned.removed_lines == 5


def test_soft_footer_at_the_top_drops_only_its_line():
    cleaned = clean_text("Tags: NATO, Russia\n\n" + BODY)
    assert cleaned.text == BODY.strip() and cleaned.removed_lines == 1


def test_score_reports_removed_lines_per_article_and_no_clean_keeps_them(registry, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(BODY + "Share\nTweet\n")
    out = tmp_path / "out.jsonl"
    assert main(["score", str(path), "-o", str(out)]) == 0
    record = json.loads(out.read_text())
    assert record["removed_lines"] == 2 and record["sentences"] == 2
    assert "removed 2 boilerplate line(s)" in capsys.readouterr().err
    raw = tmp_path / "raw.jsonl"
    assert main(["score", str(path), "-o", str(raw), "--no-clean"]) == 0
    record = json.loads(raw.read_text())
    assert record["removed_lines"] == 0 and record["sentences"] == 4
    assert main(["tag", str(path), "--all", "--no-clean"]) == 0
    assert "Tweet" in capsys.readouterr().out


# --- row 12: one cleaning path for the API and the command line ------------------------------

def test_tag_article_on_raw_text_equals_framing_tag_on_the_file(registry, tmp_path, capsys):
    import framing
    from conftest import SEEDS

    path = SEEDS / "000_1c0e122dfc1bca82.txt"
    assert main(["tag", str(path), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    model = framing.load()
    api = model.tag_article(path.read_text())
    assert [s["text"] for s in api["sentences"]] == [s["text"] for s in cli["sentences"]]
    assert api["article"]["scores"] == cli["article"]["scores"]
    raw = model.tag_article(path.read_text(), clean=False)
    assert len(raw["sentences"]) > len(api["sentences"])


# --- row 13: HTML is read as HTML ------------------------------------------------------------

PAGE = ("<!DOCTYPE html><html><head><title>Encirclement</title><script>var tracking = 1;</script>"
        "<style>p {color: red}</style></head><body><nav>Home | World | Opinion</nav><article>"
        "<p>NATO keeps expanding towards Russia's borders, the minister told parliament on Tuesday.</p>"
        "<p>He said the alliance had broken every promise it made in 1990 about not moving east.</p>"
        "</article><div class='comments'><p>Great post!</p></div></body></html>")


def test_html_file_and_html_rows_are_reduced_to_their_main_text(tmp_path):
    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "r1", "text": PAGE}) + "\n")
    articles = list(read_articles(tmp_path))
    assert [a.id for a in articles] == ["page", "r1"]
    for article in articles:
        assert "<" not in article.text and "tracking" not in article.text and "Great post" not in article.text
        assert article.text.startswith("NATO keeps expanding") and article.title == "Encirclement"


def test_html_page_without_article_text_is_refused(tmp_path):
    (tmp_path / "empty.htm").write_text("<html><head><script>x()</script></head><body></body></html>")
    with pytest.raises(ReadError, match=r"empty.htm: an HTML page with no article text"):
        list(read_articles(tmp_path / "empty.htm"))


# --- row 14: not English -> warning and a language field ------------------------------------

RUSSIAN = ("НАТО продолжает расширяться к границам России, заявил министр в парламенте во вторник. "
           "Он сказал, что альянс нарушил все обещания, данные в 1990 году.")


def test_russian_text_gets_a_language_field_and_a_warning(registry, tmp_path, capsys):
    import framing

    path = tmp_path / "ru.txt"
    path.write_text(RUSSIAN)
    out = tmp_path / "out.jsonl"
    assert main(["score", str(path), str(tmp_path / "ru.txt"), "-o", str(out)]) == 0
    assert json.loads(out.read_text().splitlines()[0])["language"] == "ru"
    assert "2 article(s) not in English (ru 2): the model reads English only" in capsys.readouterr().err
    assert main(["tag", str(path)]) == 0
    assert "text looks like 'ru', not English" in capsys.readouterr().err
    with pytest.warns(framing.language.NotEnglishWarning, match="'ru'"):
        framing.load().tag_article(RUSSIAN)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        framing.load().tag_article(BODY)


def test_a_language_column_of_the_input_is_kept(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "a", "text": BODY, "language": "Czech"}) + "\n")
    record = next(read_articles(path)).metadata()
    assert record["language"] == "Czech" and record["detected_language"] == "en"


# --- row 15: every input failed -> non-zero exit; one message per file naming the type ------

def test_exit_code_is_2_when_every_input_failed(registry, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    (inputs / "latin1.txt").write_bytes("Caf\xe9 culture.".encode("latin-1"))
    (inputs / "binary.txt").write_bytes(b"\x00\x01abc")
    (inputs / "nocol.csv").write_text("id,notes\n1,Some text.\n")
    assert main(["score", str(inputs), "-o", str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "nothing could be scored: 4 input(s) skipped" in err
    assert err.count("nocol.csv") == 1


def test_parquet_with_an_int_text_column_is_one_message_naming_the_type(registry, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": [1, 2, 3]}), tmp_path / "t.parquet")
    errors = []
    assert list(read_articles(tmp_path / "t.parquet", on_error=errors.append)) == []
    assert [e.reason.split(";")[0] for e in errors] == ["column 'text' holds int64, not text"]
    assert main(["score", str(tmp_path / "t.parquet")]) == 2
    assert "column 'text' holds int64, not text; pass --text-field" in capsys.readouterr().err


def test_jsonl_row_with_a_number_as_text_names_the_type(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "n1", "text": 42}) + "\n")
    with pytest.raises(ReadError, match=r"t.jsonl:1 \(id 'n1'\): 'text' holds int, not text"):
        list(read_articles(path))


# --- row 16: errors give id, file, line and reason --------------------------------------------

def test_error_records_carry_the_row_id(registry, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,text\nk1,Fine text here.\nk2,\n")
    errors = tmp_path / "errors.jsonl"
    assert main(["score", str(path), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errors)]) == 0
    assert json.loads(errors.read_text()) == {"source": str(path), "line": 3, "id": "k2",
                                              "reason": "row has no text in 'text'"}


def test_repeated_ids_in_one_file_are_reported_not_scored_twice(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"id": "same", "text": f"Text {i}."}) + "\n" for i in range(2)))
    errors = []
    assert [a.text for a in read_articles(path, on_error=errors.append)] == ["Text 0."]
    assert errors[0].to_record()["id"] == "same" and "already used at line 1" in errors[0].reason


# --- row 18: a JSON array file is read as an array ----------------------------------------------

def test_json_array_file_gives_every_article(registry, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"id": "x", "text": "First article."}, {"id": "y", "text": "Second one."}],
                               indent=2))
    assert [(a.id, a.text) for a in read_articles(path)] == [("x", "First article."), ("y", "Second one.")]
    out = tmp_path / "out.jsonl"
    assert main(["score", str(path), "-o", str(out)]) == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["x", "y"]


@pytest.mark.parametrize("content, message", [
    ('{\n  "id": "x",\n  "text": "One."\n}\n', "neither a JSON array of objects nor JSON lines"),
    ('["one", "two"]', "a JSON array of str, not of objects"),
    ('[{"id": "x", "text": "One."}', "invalid JSON array"),
])
def test_json_file_that_is_neither_array_nor_lines_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "a.json"
    path.write_text(content)
    errors = []
    assert list(read_articles(path, on_error=errors.append)) == []
    assert len(errors) == 1 and message in errors[0].reason


# --- also: bylines; unclosed CSV quotes --------------------------------------------------------

def test_byline_rule_drops_and_counts_bylines():
    cleaned = clean_text("By Rick ROZOFF\n\n" + BODY + "By the way, the talks failed.", bylines=True)
    assert cleaned.text == BODY + "By the way, the talks failed." and cleaned.removed_lines == 1


@pytest.mark.parametrize("byline", [
    "By Rick ROZOFF", "By Pepe ESCOBAR", "By\u00a0Andrew Korybko", "By Paul ROBINSON", "By Stephen LENDMAN",
    "By Marton Dunai", "By Jane Doe and John Smith", "By Jane Doe, John Smith & Ann Lee", "By J.B. Shurk",
    "By Ursula von der Leyen", "By Conor O’Brien", "By Jean-Luc Picard", "  By Rick ROZOFF  ",
])
def test_bylines_are_dropped_by_default_and_counted(byline):
    cleaned = clean_text(byline + "\n\n" + BODY)
    assert cleaned.text == BODY.strip() and cleaned.removed_lines == 1
    kept = clean_text(byline + "\n\n" + BODY, bylines=False)
    assert kept.text.startswith(byline.strip()) and kept.removed_lines == 0


@pytest.mark.parametrize("line", [
    "By 2030 the pipeline will be finished.",
    "By contrast, NATO kept its bases.",
    "By Contrast, NATO Kept Its Bases",
    "By Then, NATO Was Ready",
    "By the way, the talks failed.",
    "By The Way",
    "By Early March",
    "By Monday Morning",
    "By Burning Bridges",
    "By Land And Sea",
    "By Land and Sea",
    "By Any Means Necessary",
    "By Order Of The President",
    "By Mid-2025",
    "By Now",
    "By Reuters",
    "By late evening, he had resisted tweeting once about Mueller or Russia.",
    "By Gwynne Dyer - On January 18 US secretary of state Antony Blinken said so.",
    "by J.B. Shurk, American Thinker:",
])
def test_lines_starting_with_by_that_are_not_bylines_survive(line):
    text = line + "\n\n" + BODY
    cleaned = clean_text(text)
    assert cleaned.text == text.strip() and cleaned.removed_lines == 0


def test_every_reading_path_drops_bylines_by_default_and_no_clean_keeps_them(registry, tmp_path, capsys):
    import framing

    text = "Headline of the piece\n\nBy Rick ROZOFF\n\n" + BODY
    txt = tmp_path / "a.txt"
    txt.write_text(text)
    table = tmp_path / "t.jsonl"
    table.write_text(json.dumps({"id": "t1", "text": text}) + "\n")
    for path in (txt, table):
        article, = read_articles(path)
        assert "ROZOFF" not in article.text and article.removed_lines == 1
        article, = read_articles(path, clean=False)
        assert "By Rick ROZOFF" in article.text and article.removed_lines == 0
    tagged = framing.load().tag_article(text)
    assert all("ROZOFF" not in s["text"] for s in tagged["sentences"])
    raw = framing.load().tag_article(text, clean=False)
    assert any(s["text"] == "By Rick ROZOFF" for s in raw["sentences"])
    out = tmp_path / "out.jsonl"
    assert main(["score", str(txt), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["removed_lines"] == 1
    assert main(["tag", str(txt), "--all", "--no-clean"]) == 0
    assert "ROZOFF" in capsys.readouterr().out


def test_seed_gold_set_has_no_byline_sentences(seed_records):
    from framing.cleaning import is_byline

    assert not [r["sentence_id"] for r in seed_records if is_byline(r["text"])]


def test_unclosed_csv_quote_that_swallows_the_next_row_is_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\n1,"Unclosed quote here.\n2,Next row.\n3,Third row ends the quote"\n4,Four.\n')
    errors = []
    articles = list(read_articles(path, on_error=errors.append))
    assert [a.id for a in articles] == ["2", "3", "4"]
    assert len(errors) == 1 and errors[0].line == 2
    assert "looks like the next row ('2,Next row.')" in errors[0].reason


def test_unclosed_csv_quote_closed_mid_field_later_is_reported_and_reading_goes_on(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\n1,"Unclosed quote here.\n2,Next row.\n3,Third row.\n4,"Closed, fine."\n')
    errors = []
    articles = list(read_articles(path, on_error=errors.append))
    assert [a.id for a in articles] == ["2", "3", "4"]
    assert str(errors[0]).startswith(f"{path}:2: malformed CSV in the row starting here")


def test_csv_quote_left_open_to_the_end_is_reported_with_its_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\n1,Fine.\n2,"Never closed.\n3,Kept.')
    errors = []
    assert [a.id for a in read_articles(path, on_error=errors.append)] == ["1", "3"]
    assert str(errors[0]).startswith(f"{path}:3: malformed CSV")


def test_multiline_quoted_csv_fields_are_not_mistaken_for_swallowed_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('id,text\n1,"First paragraph.\n\nSecond, with a comma."\n2,Two.\n')
    assert [a.id for a in read_articles(path)] == ["1", "2"]


def test_html_page_with_only_navigation_is_refused(tmp_path):
    page = tmp_path / "nav.html"
    page.write_text("<html><head><title>Site</title></head><body><nav>Home</nav></body></html>")
    with pytest.raises(ReadError, match="no article text"):
        list(read_articles(page))
