import numpy as np

from framing.records import flatten_record, rollup, rollup_labelled, sentence_records
from framing.segmentation import split_sentences

TEXT = "NATO surrounds us. It rained. NATO expands east."
FRAMES, FAMILIES = ["nato", "plot"], ["west", "west"]


def test_rollup_is_max_union_and_evidence_above_threshold_highest_first():
    sentences = split_sentences(TEXT)
    scores = np.array([[0.7, 0.1], [0.2, 0.3], [0.9, 0.2]])
    record = rollup({"id": "a"}, sentences, scores, frames=FRAMES, thresholds=np.array([0.5, 0.5]),
                    families=FAMILIES, evidence=5)
    assert record["scores"] == {"nato": 0.9, "plot": 0.3} and record["frames"] == ["nato"]
    assert [e["sentence"] for e in record["evidence"]["nato"]] == [2, 0]
    assert record["families"] == ["west"] and record["sentences"] == 3


def test_rollup_from_recorded_labels_equals_rollup_from_thresholds():
    sentences = split_sentences(TEXT)
    scores = np.array([[0.7, 0.1], [0.2, 0.6], [0.9, 0.2]])
    thresholds = np.array([0.5, 0.5])
    labels = (scores >= thresholds).astype(int)
    a = rollup({"id": "a"}, sentences, scores, frames=FRAMES, thresholds=thresholds, families=FAMILIES)
    b = rollup_labelled({"id": "a"}, sentences, scores, labels, frames=FRAMES, families=FAMILIES)
    assert a == b


def test_an_empty_article_rolls_up_to_zero_scores_and_no_frames():
    record = rollup({"id": "e"}, [], np.zeros((0, 2)), frames=FRAMES, thresholds=np.array([0.5, 0.5]),
                    families=FAMILIES)
    assert record["scores"] == {"nato": 0.0, "plot": 0.0} and record["frames"] == [] and record["evidence"] == {}


def test_sentence_records_offsets_index_the_text_and_flatten_for_tables():
    sentences = split_sentences(TEXT)
    rows = sentence_records("a", sentences, np.array([[0.7, 0.1], [0.2, 0.3], [0.9, 0.2]]),
                            frames=FRAMES, thresholds=np.array([0.5, 0.5]))
    assert all(TEXT[r["start"]:r["end"]] == r["text"] for r in rows)
    assert [r["frames"] for r in rows] == [["nato"], [], ["nato"]]
    flat = flatten_record(rows[0])
    assert flat["score_nato"] == 0.7 and flat["frames"] == "nato" and "scores" not in flat
