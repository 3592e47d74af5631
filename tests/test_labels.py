import numpy as np

from framing.labels import apply_thresholds, label_lists


def test_a_score_at_its_threshold_is_a_label_and_just_below_is_not():
    proba = np.array([[0.5, 0.4999], [0.0, 1.0]])
    assert apply_thresholds(proba, [0.5, 0.5]).tolist() == [[1, 0], [0, 1]]


def test_label_lists_follow_frame_order_and_each_frame_has_its_own_threshold():
    proba = np.array([[0.3, 0.3, 0.9]])
    assert label_lists(proba, [0.2, 0.4, 0.9], ["a", "b", "c"]) == [["a", "c"]]
    assert label_lists(np.zeros((0, 3)), [0.5] * 3, ["a", "b", "c"]) == []
