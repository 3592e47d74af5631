"""Property-based checks of the input side (issue #13): whatever the readers and the segmenter
are fed, they only raise the library's own errors, offsets index the text, and no article id
comes out twice for one input."""

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing import ReadError, read_articles
from framing.cleaning import clean_text
from framing.errors import FramingError
from framing.segmentation import segment

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
WORDS = st.sampled_from(["NATO", "Russia", "Mr.", "U.S.", "By", "Tags:", "Share", "<html>", "<!DOCTYPE html>",
                         "\n", "\n\n", " ", ".", "!", "?", "…", "\"", "”", ",", "é", "д", "\r\n", "\t", "1990",
                         "Leave a Reply", "We use cookies to improve your experience.", "]]>"])
TEXTS = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=60).map("".join))


def _read_all(path):
    errors = []
    try:
        articles = list(read_articles(path, on_error=errors.append))
    except FramingError:
        return [], errors
    return articles, errors


def _check(articles, errors):
    ids = [a.id for a in articles]
    assert len(ids) == len(set(ids)), ids
    assert all(isinstance(e, ReadError) for e in errors)
    for article in articles:
        assert article.text.strip()
        for s in segment(article.text).sentences:
            assert article.text[s.start:s.end] == s.text


@SETTINGS
@given(TEXTS)
def test_segment_offsets_always_index_the_text(text):
    cut = segment(text)
    for s in cut.sentences:
        assert text[s.start:s.end] == s.text and s.text.strip() == s.text and s.text
    cleaned = clean_text(text)
    assert cleaned.removed_lines >= 0 and cleaned.text == cleaned.text.strip()


@SETTINGS
@given(data=st.one_of(st.binary(max_size=300), TEXTS.map(lambda t: t.encode("utf-8"))),
       suffix=st.sampled_from([".txt", ".csv", ".tsv", ".jsonl", ".json", ".html", ".parquet"]))
def test_readers_on_random_bytes_only_raise_read_errors(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"input{suffix}"
    path.write_bytes(data)
    _check(*_read_all(path))


ROW = st.fixed_dictionaries({"id": st.one_of(st.none(), st.sampled_from(["a", "b", "1", "2", ""]),
                                             st.integers(0, 3)),
                             "text": st.one_of(st.none(), TEXTS, st.integers(), st.lists(st.integers(), max_size=2))})


@SETTINGS
@given(rows=st.lists(ROW, max_size=8), shape=st.sampled_from(["jsonl", "json", "csv"]))
def test_readers_on_random_tables_give_unique_ids_and_only_read_errors(tmp_path_factory, rows, shape):
    path = tmp_path_factory.mktemp("tables") / f"t.{shape}"
    if shape == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif shape == "json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "text"])
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    _check(*_read_all(path))
