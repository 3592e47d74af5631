"""Long articles in bounded pieces: lazy segmentation, windowed scores, running roll-up,
streamed sentence records and exactly-once resume (issue #13, row 10)."""

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import framing
import framing.longtext
import framing.streaming
from framing.batch import score_to_file
from framing.readers import Article
from framing.segmentation import iter_paragraphs, iter_segments, segment
from framing.streaming import RunningRollup, paragraph_windows, record_pieces, scored_windows


def _seed_texts():
    from conftest import SEEDS

    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _long_text(seed_records, paragraphs=60, rng_seed=0):
    """Seed sentences in paragraphs of 1 to 9 sentences, some with single line breaks."""
    rng = random.Random(rng_seed)
    sentences = [r["text"] for r in seed_records]
    out = []
    for _ in range(paragraphs):
        n = rng.randint(1, 9)
        joiner = rng.choice([" ", " ", "\n"])
        out.append(joiner.join(rng.choice(sentences) for _ in range(n)))
    return "\n\n".join(out)


def _check_same_cut(text):
    cut = segment(text)
    # independent of how the cut is made: sentences index the text, in order, and between them
    # cover every character that is not white space exactly once
    assert [s.index for s in cut.sentences] == list(range(len(cut.sentences)))
    assert all(text[s.start:s.end] == s.text and s.text == s.text.strip() and s.text for s in cut.sentences)
    assert all(a.end <= b.start for a, b in zip(cut.sentences, cut.sentences[1:]))
    gaps = [text[:cut.sentences[0].start]] if cut.sentences else [text]
    gaps += [text[a.end:b.start] for a, b in zip(cut.sentences, cut.sentences[1:])]
    gaps += [text[cut.sentences[-1].end:]] if cut.sentences else []
    assert all(not gap.strip() for gap in gaps)
    assert list(iter_segments(text)) == cut.sentences
    paragraphs = list(iter_paragraphs(text))
    assert [(p.start, p.end) for p in paragraphs] == cut.paragraphs
    assert [s for p in paragraphs for s in p.sentences] == cut.sentences
    assert all(s.paragraph == p.index for p in paragraphs for s in p.sentences)


def test_iter_segments_is_segment_on_the_seeds():
    texts = _seed_texts()
    assert texts
    for text in texts:
        _check_same_cut(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Mr.", "Smith", "U.S.", "Army", "said", ".", "!", "?", "…", "etc.",
                                 "The", "end.", "\n", "\n\n", "\n \n", " ", "“Quote.”", "J.", "x" * 70,
                                 "a", "(b.)", "\t"]), max_size=60).map("".join))
def test_iter_segments_is_segment_on_random_texts(text):
    _check_same_cut(text)


def test_windows_cover_every_paragraph_once_and_overlap_by_one(seed_records):
    text = _long_text(seed_records)
    windows = list(paragraph_windows(text, size=10))
    cores = [p.index for _, core, _ in windows for p in core]
    assert cores == list(range(len(segment(text).paragraphs)))
    for (_, core, after), (before, next_core, _) in zip(windows, windows[1:]):
        assert sum(len(p.sentences) for p in core) >= 10
        assert after == next_core[0] and before == core[-1]


def _whole_scores(tagger, text):
    sentences = segment(text).sentences
    return tagger.predict_proba_in_documents([s.text for s in sentences], doc_ids=[0] * len(sentences),
                                             positions=[s.index for s in sentences],
                                             blocks=[s.paragraph for s in sentences])


@pytest.mark.parametrize("size", [1, 7, 40])
def test_windowed_scores_equal_whole_article_scores_context_model(seed_records, size):
    tagger = framing.load("frames@2.0.0")
    assert hasattr(tagger.estimator, "predict_proba_documents")  # the context model
    text = _long_text(seed_records)
    whole = _whole_scores(tagger, text)
    windowed = np.vstack([scores for _, scores in scored_windows(tagger, text, size=size)])
    assert windowed.shape == whole.shape
    np.testing.assert_allclose(windowed, whole, rtol=0, atol=1e-9)


def test_windowed_scores_equal_whole_article_scores_frame_classifier(seed_records, registry):
    tagger = framing.load()
    assert type(tagger.estimator).__name__ == "FrameClassifier"
    text = _long_text(seed_records, rng_seed=1)
    whole = _whole_scores(tagger, text)
    windowed = np.vstack([scores for _, scores in scored_windows(tagger, text, size=7)])
    np.testing.assert_allclose(windowed, whole, rtol=0, atol=1e-9)


@pytest.mark.parametrize("level", ["article", "paragraph", "sentence"])
@pytest.mark.parametrize("evidence", [0, 1, 3, 50])
def test_pieces_give_the_records_of_scoring_whole(seed_records, level, evidence):
    tagger = framing.load("frames@2.0.0")
    article = Article("long", _long_text(seed_records, rng_seed=2), title="T", meta={"desk": "x"})
    whole = tagger.score_batch([article], level=level, evidence=evidence)[0]
    pieces = list(record_pieces(tagger, article, level, evidence, size=6))
    assert len(pieces) == (1 if level == "article" else len(list(paragraph_windows(article.text, 6))))
    assert [r for piece in pieces for r in piece] == whole


def test_running_rollup_ties_and_empty_article():
    sentences = segment("A one. B two. C three. D four.").sentences
    scores = np.array([[0.6, 0.1], [0.9, 0.1], [0.6, 0.2], [0.9, 0.0]])
    frames, thresholds, families = ["f", "g"], np.array([0.5, 0.15]), ["x", "y"]
    expected = framing.records.rollup({"id": "a"}, sentences, scores, frames=frames, thresholds=thresholds,
                                      families=families, evidence=3)
    for cut in ([1, 3], [2], [1, 2, 3]):
        running = RunningRollup(frames, thresholds, families, evidence=3)
        for a, b in zip([0, *cut], [*cut, 4]):
            running.add(sentences[a:b], scores[a:b])
        assert running.record({"id": "a"}) == expected
    empty = RunningRollup(frames, thresholds, families).record({"id": "e"})
    assert empty == framing.records.rollup({"id": "e"}, [], np.zeros((0, 2)), frames=frames,
                                           thresholds=thresholds, families=families)


def _read_output(path, fmt):
    if fmt == "jsonl":
        return [json.loads(line) for line in open(path, encoding="utf-8")]
    if fmt == "csv":
        import csv

        return list(csv.DictReader(open(path, encoding="utf-8")))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("stop_after", [1, 3])
def test_interrupted_long_article_resumes_with_each_sentence_once(seed_records, tmp_path, monkeypatch,
                                                                  fmt, stop_after):
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 2_000)
    monkeypatch.setattr(framing.streaming, "WINDOW_SENTENCES", 8)
    inputs = tmp_path / "in.jsonl"
    rows = [{"id": "short1", "text": "NATO surrounds Russia. It rained."},
            {"id": "long1", "text": _long_text(seed_records, paragraphs=20, rng_seed=3)},
            {"id": "short2", "text": "The West wants war. The sun shone."},
            {"id": "long2", "text": _long_text(seed_records, paragraphs=15, rng_seed=4)}]
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    expected_path = tmp_path / f"whole.{fmt}"
    score_to_file([str(inputs)], str(expected_path), level="sentence", model="frames@2.0.0")
    expected = _read_output(expected_path, fmt)
    for r in rows:  # the streamed run wrote the same sentences as the article segmented whole
        assert [int(e["sentence"]) for e in expected if e["article_id"] == r["id"]] == list(
            range(len(segment(r["text"]).sentences)))

    real = framing.streaming.sentence_records
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > stop_after:  # pieces before this one were written: interrupted mid-article
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    out = tmp_path / f"out.{fmt}"
    monkeypatch.setattr(framing.streaming, "sentence_records", failing)
    with pytest.raises(KeyboardInterrupt):
        score_to_file([str(inputs)], str(out), level="sentence", model="frames@2.0.0")
    monkeypatch.setattr(framing.streaming, "sentence_records", real)
    summary = score_to_file([str(inputs)], str(out), level="sentence", model="frames@2.0.0", resume=True)
    assert summary.resumed_after == 1  # short1 was done; long1 was not, though pieces were written
    got = _read_output(out, fmt)
    keys = [(r["article_id"], int(r["sentence"])) for r in got]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted((r["article_id"], int(r["sentence"])) for r in expected)
    assert sorted(got, key=lambda r: (r["article_id"], int(r["sentence"]))) == sorted(
        expected, key=lambda r: (r["article_id"], int(r["sentence"])))


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_parallel_run_streams_long_articles_in_the_parent(seed_records, registry, tmp_path, monkeypatch, level):
    monkeypatch.setattr(framing.longtext, "LONG_ARTICLE_CHARS", 2_000)
    monkeypatch.setattr(framing.streaming, "WINDOW_SENTENCES", 8)
    inputs = tmp_path / "in.jsonl"
    rows = [{"id": f"s{i}", "text": "NATO surrounds Russia. It rained."} for i in range(5)]
    rows.insert(2, {"id": "long", "text": _long_text(seed_records, paragraphs=20, rng_seed=5)})
    inputs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    score_to_file([str(inputs)], str(one), level=level, chunk_size=2)
    score_to_file([str(inputs)], str(two), level=level, chunk_size=2, jobs=2)
    assert one.read_text() == two.read_text()
    ids = list(dict.fromkeys(json.loads(line).get("article_id", json.loads(line).get("id"))
                             for line in one.read_text().splitlines()))
    assert ids == [r["id"] for r in rows]
