import json

import pytest

from framing import Article, ReadError, read_articles
from framing.cleaning import clean_boilerplate


def _feed(n):
    head = ("CSTO – Site https://example.org Analysis of affairs. Sun, 10 Apr 2022 20:53:47 +0000 en-US "
            "hourly 1 https://wordpress.org/?v=4.9.16 ")
    items = []
    for i in range(n):
        items.append(f"Title number {i} https://example.org/news/{i}/ Fri, 14 Jan 2022 15:31:07 +0000 "
                     f"https://example.org/?p={i} Body of article {i}. It has two sentences.\n\nsite.org\n\n")
    return head + "]]>\n".join(items) + "]]>"


def test_feed_dump_with_twelve_articles_keeps_metadata(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(_feed(12))
    articles = list(read_articles(path))
    assert len(articles) == 12
    assert articles[0].title == "Title number 0" and articles[11].url == "https://example.org/news/11/"
    assert articles[5].date == "Fri, 14 Jan 2022 15:31:07 +0000"
    assert articles[3].text.startswith("Title number 3\n\nBody of article 3.")
    assert "wordpress" not in articles[0].text


def test_real_feed_seed_splits_into_articles():
    from conftest import SEEDS

    articles = list(read_articles(SEEDS / "004_da9ea7aea5780472.txt"))
    assert len(articles) == 10
    assert articles[0].title == "After Kazakhstan, the Color Revolution Era Is Over"
    assert all(a.url.startswith("https://") for a in articles)


def test_boilerplate_dropped_from_real_seeds():
    from conftest import SEEDS

    text = next(read_articles(SEEDS / "000_1c0e122dfc1bca82.txt")).text
    assert "Leave a Reply" not in text and "Akismet" not in text and "bloggers like this" not in text
    text = next(read_articles(SEEDS / "003_b28ca523846d1c8e.txt")).text
    for junk in ("Subscribe to PolitNavigator", "Roskomnadzor", "Mon Tues Wed", "Views: 2714", "Ctrl + Enter"):
        assert junk not in text
    assert "Only under the condition of such reforms" in text


def test_clean_boilerplate_keeps_paragraphs():
    text = "Title\n\nReal sentence one.\nShare\n\nReal two.\n\nLeave a Reply\nName\nEmail"
    assert clean_boilerplate(text) == "Title\n\nReal sentence one.\n\nReal two."


def test_empty_non_utf8_and_binary_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "a_empty.txt").write_text("")
    (tmp_path / "b_latin1.txt").write_bytes("Caf\xe9 culture.".encode("latin-1"))
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "d_good.txt").write_text("A good article.")
    errors = []
    articles = list(read_articles(tmp_path, on_error=errors.append))
    assert [a.id for a in articles] == ["d_good"]
    reasons = {e.source.split("/")[-1]: e.reason for e in errors}
    assert "empty" in reasons["a_empty.txt"]
    assert "not UTF-8 (byte 0xe9" in reasons["b_latin1.txt"]
    assert "binary" in reasons["c_binary.txt"]


def test_errors_raise_without_handler(tmp_path):
    (tmp_path / "x.txt").write_text("   ")
    with pytest.raises(ReadError, match="x.txt: empty input"):
        list(read_articles(tmp_path / "x.txt"))


def test_csv_without_named_column_names_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,body\n1,Some text.\n")
    with pytest.raises(ReadError, match=r"no column 'content' for the text; columns are: id, body"):
        list(read_articles(path, text_field="content"))
    assert [a.text for a in read_articles(path, text_field="body")] == ["Some text."]


def test_jsonl_rows_bad_rows_skipped_with_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "One."}) + "\n{bad json\n" +
                    json.dumps({"id": "c", "text": ""}) + "\n" + json.dumps({"id": "d", "text": "Four.", "title": "T"}) + "\n")
    errors = []
    articles = list(read_articles(path, on_error=errors.append))
    assert [(a.id, a.title) for a in articles] == [("a", None), ("d", "T")]
    assert [e.line for e in errors] == [2, 3]


def test_parquet_and_datasets(tmp_path):
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"doc": ["p1", "p2"], "content": ["First.", "Second."]}), tmp_path / "t.parquet")
    got = list(read_articles(tmp_path / "t.parquet", id_field="doc"))
    assert [(a.id, a.text) for a in got] == [("p1", "First."), ("p2", "Second.")]
    ds = datasets.Dataset.from_dict({"id": ["d1"], "text": ["From a dataset."]})
    assert [a.id for a in read_articles(ds)] == ["d1"]
    ds.save_to_disk(str(tmp_path / "saved"))
    assert [a.text for a in read_articles(tmp_path / "saved")] == ["From a dataset."]
    # regression: a file beside a state.json-less folder is not mistaken for a saved dataset
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("Plain file.")
    assert [a.text for a in read_articles(tmp_path / "plain")] == ["Plain file."]


def test_stdin(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("From stdin. Two.".encode())))
    assert [a.text for a in read_articles("-")] == ["From stdin. Two."]


def test_article_objects_pass_through():
    assert list(read_articles([Article("x", "Text.")]))[0].id == "x"


def test_jsonl_without_a_text_column_is_one_error_for_the_file(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "body2": "x"}) + "\n" for i in range(50)))
    errors = []
    assert list(read_articles(path, on_error=errors.append)) == []
    assert len(errors) == 1 and "no text column found" in str(errors[0]) and "whole file is skipped" in str(errors[0])
