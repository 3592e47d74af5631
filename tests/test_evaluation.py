import numpy as np
import pytest

from framing.evaluation import (KeywordBaseline, article_rollup, bootstrap, brier_scores,
                                expected_calibration_error, false_alarm_rate, paired_bootstrap,
                                samples_f1, sentence_metrics)


def _y(rows):
    y = np.zeros((len(rows), 13), dtype=int)
    for i, cols in enumerate(rows):
        y[i, cols] = 1
    return y


def test_sentence_metrics_hand_computed():
    t = _y([[0], [0], [1], []])
    p = _y([[0], [], [1, 3], [3]])
    m = sentence_metrics(t, p)
    # frame 0: tp1 fn1 -> P1 R.5 F.667; frame 1: F1; frame 3: fp2 -> 0 (support 0, excluded from macro)
    assert m["per_frame"]["colour_revolution"]["recall"] == 0.5
    assert m["per_frame"]["colour_revolution"]["f1"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 1) / 2)
    assert m["micro_f1"] == pytest.approx(2 * 2 / (3 + 4))


def test_samples_f1_counts_empty_agreement_as_one():
    assert samples_f1(_y([[], [0]]), _y([[], [0, 1]])) == pytest.approx((1 + 2 / 3) / 2)


def test_false_alarm_rate_only_on_frame_free_gold():
    fa = false_alarm_rate(_y([[], [], [0]]), _y([[1], [], [0]]))
    assert fa["n"] == 2 and fa["rate"] == 0.5 and fa["per_frame"]["covert_plot"] == 0.5


def test_article_rollup_is_max_by_document():
    docs, y = article_rollup(["a", "a", "b"], _y([[0], [2], []]))
    assert docs == ["a", "b"] and y[0, 0] == y[0, 2] == 1 and y[1].sum() == 0


def test_calibration_measures():
    assert expected_calibration_error(np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 1.0, 0.0])) == 0
    assert expected_calibration_error(np.array([0, 0]), np.array([0.8, 0.8])) == pytest.approx(0.8)
    assert brier_scores(np.array([[1], [0]]), np.array([[0.5], [0.5]]))[0] == pytest.approx(0.25)


def test_bootstrap_known_answer():
    # a constant metric has a zero-width interval; the mean of one value per document is bracketed
    docs = ["a", "b", "c", "d"]
    flat = bootstrap(lambda rows: 0.7, docs, resamples=200)
    assert flat == {"value": 0.7, "low": 0.7, "high": 0.7}
    values = np.array([0.0, 0.0, 1.0, 1.0])
    ci = bootstrap(lambda rows: values[rows].mean(), docs, resamples=2000, seed=1)
    assert ci["value"] == 0.5 and 0.0 <= ci["low"] <= 0.25 and 0.75 <= ci["high"] <= 1.0


def test_bootstrap_keeps_document_sentences_together():
    docs = ["a", "a", "b", "b"]
    seen = set()
    bootstrap(lambda rows: seen.add(tuple(sorted(rows))) or 0.0, docs, resamples=50)
    assert all(r.count(0) == r.count(1) and r.count(2) == r.count(3) for r in seen)
    assert {(0, 0, 1, 1), (2, 2, 3, 3)} <= seen  # a document drawn twice brings both its sentences twice


def test_paired_bootstrap_resamples_both_metrics_together():
    # Per-document scores vary a lot, but b is always a + 0.02: only a paired design
    # (the same documents for both metrics in each resample) sees that the gap is real.
    rng = np.random.default_rng(0)
    a_scores = rng.random(60)
    b_scores = a_scores + 0.02
    docs = [f"d{i}" for i in range(60)]
    paired = paired_bootstrap(lambda r: a_scores[r].mean(), lambda r: b_scores[r].mean(), docs, resamples=300)
    assert paired["significant"] and paired["low"] == pytest.approx(0.02) and paired["high"] == pytest.approx(0.02)
    lone_a = bootstrap(lambda r: a_scores[r].mean(), docs, resamples=300)
    assert lone_a["low"] < lone_a["value"] - 0.02  # unpaired intervals would overlap


def test_paired_bootstrap_marks_real_difference():
    docs = [f"d{i}" for i in range(40)]
    better = paired_bootstrap(lambda r: 0.0 * len(r), lambda r: 1.0, docs, resamples=200)
    assert better["value"] == 1.0 and better["significant"]
    same = paired_bootstrap(lambda r: 0.3, lambda r: 0.3, docs, resamples=200)
    assert not same["significant"]


def test_keyword_baseline_uses_codebook_wording_only():
    baseline = KeywordBaseline()
    assert "encirclement" in baseline.lexicon["nato_encirclement"]
    predicted = baseline.predict(["The North Atlantic Alliance continues to surround Russia.", "Lunch."])
    assert predicted[0, baseline.frames.index("nato_encirclement")] == 1 and predicted[1].sum() == 0
