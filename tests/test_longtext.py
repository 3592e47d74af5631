"""Long text files read line by line (issue #13, row 10): the same article as reading the file
whole, paragraphs from lines equal to paragraphs from the text, bounded paragraphs for a text
without blank lines, and the same scores end to end."""

import json
import random

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import framing
import framing.longtext
import framing.segmentation
import framing.streaming
from framing.articles import ReadError, article_from_text, decode_bytes
from framing.batch import score_to_file
from framing.longtext import FileText, read_long_text
from framing.readers import read_articles
from framing.segmentation import MAX_PARAGRAPH_SENTENCES, iter_paragraphs, iter_paragraphs_from_lines, segment

PIECES = ["NATO surrounds Russia.", "Mr. Smith", "left.", "U.S.", "the", "end", ".", "!", "\n", "\n\n", "\r\n",
          "\r", "\n \n", "\n\u00a0\n", " ", "\t", "\u2003", "x" * 70, "café", "Share", "\nTweet\n",
          "\nLeave a Reply\n", "\nTags: news\n", "\nBy Rick ROZOFF\n", "\n• \n", "\ufeff", "Dear Readers, donate"]


def _lines(text):
    """The text split after each line break, as a file is read."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _whole(data, clean):
    """The article of reading the file whole, or the ReadError's message."""
    try:
        return article_from_text(decode_bytes(data, "f.txt"), "f", source="f.txt", clean=clean)
    except ReadError as error:
        return str(error)


def _long(path, clean):
    try:
        return read_long_text(path, "f", source="f.txt", clean=clean, limit=-1)  # every file
    except ReadError as error:
        return str(error)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.booleans())
def test_a_file_read_line_by_line_is_the_file_read_whole(tmp_path, text, clean):
    path = tmp_path / "f.txt"
    data = text.encode("utf-8")
    path.write_bytes(data)
    whole, long = _whole(data, clean), _long(path, clean)
    if isinstance(whole, str):
        assert long == whole  # the same error, worded the same
        return
    assume(long is not None)  # None: a feed dump or an HTML page, read whole
    assert isinstance(long.text, FileText)
    assert str(long.text) == whole.text and len(long.text) == len(whole.text)
    assert (long.title, long.removed_lines, long.language) == (whole.title, whole.removed_lines, whole.language)
    assert list(iter_paragraphs_from_lines(long.text.lines())) == list(iter_paragraphs(whole.text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["One.", "Mr.", "Smith", "said", "it", "rained", "The", "end.", "\n", "\n",
                                 "\n\n", " ", "x" * 70, "a", "\r", "\n\u00a0\n"]), max_size=80).map("".join),
       st.integers(1, 40), st.integers(1, 5))
def test_paragraphs_from_lines_are_paragraphs_of_the_text(text, region, cap):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(framing.segmentation, "REGION_CHARS", region)  # cut passages into many pieces
        patch.setattr(framing.segmentation, "MAX_PARAGRAPH_SENTENCES", cap)
        from_lines = list(iter_paragraphs_from_lines(_lines(text)))
        whole = list(iter_paragraphs(text))
        assert from_lines == whole
        cut = segment(text)
        assert [(p.start, p.end) for p in whole] == cut.paragraphs
        assert all(0 < len(p.sentences) <= cap for p in whole)
        assert all(text[s.start:s.end] == s.text for s in cut.sentences)


def test_a_text_without_blank_lines_comes_in_bounded_paragraphs():
    text = "\n".join(f"Sentence number {i} is here." for i in range(3 * MAX_PARAGRAPH_SENTENCES + 5))
    paragraphs = list(iter_paragraphs(text))
    assert [len(p.sentences) for p in paragraphs] == [MAX_PARAGRAPH_SENTENCES] * 3 + [5]
    assert all(s.paragraph == p.index for p in paragraphs for s in p.sentences)
    assert list(iter_paragraphs_from_lines(_lines(text))) == paragraphs


def test_long_file_errors_name_the_file_and_the_byte(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Fine text. " * 30 + b"caf\xe9 " + b"more. " * 10)
    with pytest.raises(ReadError, match=r"bad.txt: not UTF-8 \(byte 0xe9 at offset 333\)"):
        read_long_text(path, "bad", limit=10)
    path.write_bytes(b"text\x00" * 100)
    with pytest.raises(ReadError, match="binary data"):
        read_long_text(path, "bad", limit=10)
    path.write_text("Share\nTweet\n" * 50)
    with pytest.raises(ReadError, match=r"no text left after dropping boilerplate \(100 line"):
        read_long_text(path, "bad", limit=10)


def test_short_html_and_feed_files_are_left_to_the_whole_file_reader(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("NATO surrounds Russia. " * 10)
    assert read_long_text(path, "a") is None  # not over the limit
    path.write_text("<!DOCTYPE html><html><body><p>" + "NATO surrounds Russia. " * 10 + "</p></body></html>")
    assert read_long_text(path, "a", limit=10) is None
    path.write_text("Chan Mon, 02 Jan 2017 10:00:00 +0000 en hourly 1 https://x.org/\nItem https://x.org/1 "
                    "Mon, 02 Jan 2017 10:00:00 +0000 https://x.org/?p=1 NATO surrounds Russia.]]>\n")
    assert read_long_text(path, "a", limit=10) is None


def test_a_file_changed_after_reading_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("NATO surrounds Russia.\n\n" * 20)
    article = read_long_text(path, "a", limit=10)
    path.write_text("Something else entirely.\n\n" * 30)
    with pytest.raises(ReadError, match="changed after it was read"):
        list(article.text.lines())


def _long_file(tmp_path, seed_records, blank_lines=True, paragraphs=80, seed=7):
    rng = random.Random(seed)
    sentences = [r["text"] for r in seed_records]
    joiner = "\n\n" if blank_lines else "\n"
    text = joiner.join(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 6))) for _ in range(paragraphs))
    path = tmp_path / "long.txt"
    path.write_text("Title line\n\n" + text + "\nShare\nLeave a Reply\nName", encoding="utf-8")
    return path


@pytest.mark.parametrize("level", ["sentence", "paragraph", "article"])
@pytest.mark.parametrize("blank_lines", [True, False])
def test_scoring_a_long_file_from_disk_equals_scoring_it_in_memory(seed_records, tmp_path, monkeypatch, level,
                                                                   blank_lines):
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 2_000)
    monkeypatch.setattr(framing.streaming, "WINDOW_SENTENCES", 16)
    monkeypatch.setattr(framing.segmentation, "MAX_PARAGRAPH_SENTENCES", 7)
    path = _long_file(tmp_path, seed_records, blank_lines)
    streamed, = read_articles(path, stream_long=True)
    in_memory, = read_articles(path)
    assert isinstance(streamed.text, FileText) and isinstance(in_memory.text, str)
    tagger = framing.load()
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 10**9)
    expected = tagger.score_batch([in_memory], level=level)  # the text in memory, scored whole
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 2_000)
    assert tagger.score_batch([streamed], level=level) == expected  # from the file, in windows
    out = tmp_path / f"out_{level}.jsonl"
    score_to_file([str(path)], str(out), level=level)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    key = "id" if level == "article" else "article_id"
    assert {r[key] for r in rows} == {"long"}
    assert len(rows) == len(expected[0])
    if level == "article":
        assert rows[0]["removed_lines"] == 3 and rows[0]["title"] == "Title line"
        assert rows[0]["sentences"] == len(segment(in_memory.text).sentences)


def test_an_interrupted_long_file_resumes_with_each_sentence_once(seed_records, tmp_path, monkeypatch):
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 2_000)
    monkeypatch.setattr(framing.streaming, "WINDOW_SENTENCES", 8)
    path = _long_file(tmp_path, seed_records, blank_lines=True, paragraphs=40)
    expected = tmp_path / "whole.jsonl"
    score_to_file([str(path)], str(expected), level="sentence")
    real, calls = framing.streaming.sentence_records, {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:  # two windows were written: interrupted mid-article
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(framing.streaming, "sentence_records", failing)
    with pytest.raises(KeyboardInterrupt):
        score_to_file([str(path)], str(out), level="sentence")
    monkeypatch.setattr(framing.streaming, "sentence_records", real)
    score_to_file([str(path)], str(out), level="sentence", resume=True)
    assert out.read_text() == expected.read_text()
