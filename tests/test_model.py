import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from framing import FrameClassifier

TEXT_ONLY = "feeds a numeric 2-D matrix; FrameClassifier takes a 1-D sequence of sentence strings"
EXPECTED_FAILED = {name: TEXT_ONLY for name in [
    "check_dont_overwrite_parameters", "check_all_zero_sample_weights_error",
    "check_classifier_multioutput", "check_class_weight_classifiers", "check_estimators_dtypes", "check_fit_score_takes_y", "check_sample_weights_pandas_series",
    "check_sample_weights_not_an_array", "check_sample_weights_list", "check_sample_weights_shape",
    "check_sample_weights_not_overwritten", "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data", "check_estimators_fit_returns_self",
    "check_complex_data", "check_dtype_object", "check_estimators_empty_data_messages",
    "check_pipeline_consistency", "check_estimators_nan_inf", "check_estimators_overwrite_params",
    "check_estimator_sparse_array", "check_estimator_sparse_matrix", "check_estimator_sparse_tag",
    "check_estimators_pickle", "check_f_contiguous_array_estimator", "check_classifier_data_not_an_array",
    "check_classifiers_one_label", "check_classifiers_one_label_sample_weights", "check_classifiers_classes",
    "check_classifiers_train", "check_classifiers_regression_target",
    "check_supervised_y_2d",
    "check_decision_proba_consistency", "check_n_features_in",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance", "check_fit2d_1sample",
    "check_fit2d_1feature", "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted",
    "check_fit2d_predict1d", "check_requires_y_none", "check_positive_only_tag_during_fit",
    "check_n_features_in_after_fitting", "check_classifier_not_supporting_multiclass",
    "check_readonly_memmap_input", "check_estimators_pickle(readonly_memmap=True)",
    "check_classifiers_multilabel_representation_invariance", "check_classifiers_multilabel_output_format_predict",
    "check_classifiers_multilabel_output_format_predict_proba",
    "check_classifiers_multilabel_output_format_decision_function",
]}


@parametrize_with_checks([FrameClassifier()], expected_failed_checks=lambda est: EXPECTED_FAILED, xfail_strict=True)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


TEXTS = ["NATO surrounds Russia from all sides.", "The weather was fine on Monday.",
         "NATO keeps expanding east towards Russia's borders.", "The meeting ended at noon.",
         "Western media wage an information war and lie.", "Troops paraded in the square.",
         "The mainstream media lies about Russia again.", "Delegates arrived from Astana."] * 4
FRAMES = [["nato_encirclement"], [], ["nato_encirclement"], [], ["media_war"], [], ["media_war"], []] * 4
GROUPS = [f"doc{i // 2}" for i in range(len(TEXTS))]


def _fit(**params):
    defaults = dict(char_ngram_range=None, min_df=1, cv=2, min_positives=2)
    return FrameClassifier(**{**defaults, **params}).fit(TEXTS, FRAMES, groups=GROUPS)


def test_checks_skipped_above_hold_on_sentence_input():
    """What the numeric-matrix checks would verify, run on sentences: fit leaves parameters
    alone and adds only trailing-underscore attributes; predicting changes nothing; refitting
    and batching do not change outputs; a pickled copy predicts the same."""
    import pickle

    clf = FrameClassifier(char_ngram_range=None, min_df=1, cv=2, min_positives=2)
    params = clf.get_params()
    before = set(vars(clf))
    clf.fit(TEXTS, FRAMES, groups=GROUPS)
    assert clf.get_params() == params
    assert all(name.endswith("_") for name in set(vars(clf)) - before)
    state = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(clf).items()}
    batch = clf.predict_proba(TEXTS)
    clf.decision_function(TEXTS), clf.predict(TEXTS)
    assert vars(clf).keys() == state.keys()
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(vars(clf)[name], value)
        else:
            assert vars(clf)[name] is value, name
    np.testing.assert_allclose(np.vstack([clf.predict_proba([t]) for t in TEXTS]), batch)
    np.testing.assert_allclose(clf.predict_proba(TEXTS[::-1])[::-1], batch)
    np.testing.assert_array_equal(clf.fit(TEXTS, FRAMES, groups=GROUPS).predict_proba(TEXTS), batch)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(TEXTS), batch)


def test_fit_returns_self_and_learns_trailing_underscore_attributes():
    clf = FrameClassifier(char_ngram_range=None, min_df=1, cv=2, min_positives=2)
    assert clf.fit(TEXTS, FRAMES) is clf
    assert clf.coef_.shape[0] == 13 and clf.thresholds_.shape == (13,) and clf.active_.sum() == 2
    assert not hasattr(FrameClassifier(), "coef_")


def test_predictions_and_probability_shapes():
    clf = _fit()
    proba = clf.predict_proba(["NATO is expanding east to Russia.", "Lunch was served."])
    assert proba.shape == (2, 13) and ((proba >= 0) & (proba <= 1)).all()
    j = list(clf.frames_).index("nato_encirclement")
    assert proba[0, j] > proba[1, j]
    assert (proba[:, ~clf.active_] == 0).all()


def test_thresholds_and_calibration_applied_as_documented():
    clf = _fit()
    texts = ["NATO is expanding east.", "A quiet day.", "Media lies."]
    decision = clf.decision_function(texts)
    slope, offset = clf.calibration_[:, 0], clf.calibration_[:, 1]
    expected = 1 / (1 + np.exp(-(decision * slope + offset)))
    expected[:, ~clf.active_] = 0
    np.testing.assert_allclose(clf.predict_proba(texts), expected)
    np.testing.assert_array_equal(clf.predict(texts), (expected >= clf.thresholds_).astype(int))
    assert (clf.thresholds_[~clf.active_] == 1).all()


def test_indicator_and_list_targets_are_equivalent():
    a = _fit()
    y = np.zeros((len(TEXTS), 13), dtype=int)
    for i, frames in enumerate(FRAMES):
        for f in frames:
            y[i, list(a.frames_).index(f)] = 1
    b = FrameClassifier(char_ngram_range=None, min_df=1, cv=2, min_positives=2).fit(TEXTS, y, groups=GROUPS)
    np.testing.assert_allclose(a.predict_proba(TEXTS), b.predict_proba(TEXTS))


def test_fit_is_deterministic():
    np.testing.assert_array_equal(_fit().predict_proba(TEXTS), clone(_fit()).fit(TEXTS, FRAMES, groups=GROUPS).predict_proba(TEXTS))


def test_clear_errors():
    with pytest.raises(NotFittedError):
        FrameClassifier().predict(["x"])
    with pytest.raises(ValueError, match="not one string"):
        _fit().predict("one string")
    with pytest.raises(ValueError, match="unknown frame id 'natoo'"):
        FrameClassifier(cv=2).fit(TEXTS, [["natoo"]] + FRAMES[1:])
    with pytest.raises(ValueError, match="C=-1"):
        FrameClassifier(C=-1).fit(TEXTS, FRAMES)
    with pytest.raises(ValueError, match="X has 32 sentences but y has 2"):
        FrameClassifier().fit(TEXTS, FRAMES[:2])
    with pytest.raises(ValueError, match="min_positives=0 must be >= 1"):
        FrameClassifier(min_positives=0).fit(TEXTS, FRAMES)
    with pytest.raises(ValueError, match="names a frame twice"):
        FrameClassifier(frames=["media_war", "media_war"]).fit(TEXTS, [[]] * len(TEXTS))
    subset = _fit(frames=["nato_encirclement", "media_war"])
    with pytest.raises(ValueError, match="'biolabs' is not one of this model's frames: nato_encirclement, media_war"):
        subset.explain("NATO keeps expanding east.", "biolabs")


def test_explain_weights_sum_to_decision_value():
    clf = _fit()
    sentence = "NATO keeps expanding east."
    explanation = clf.explain(sentence, "nato_encirclement", top=1000)
    total = sum(w for _, w in explanation["up"] + explanation["down"])
    j = list(clf.frames_).index("nato_encirclement")
    assert total + clf.intercept_[j] == pytest.approx(clf.decision_function([sentence])[0, j])
    assert explanation["up"][0][1] >= explanation["up"][-1][1]


def test_threshold_search_matches_brute_force_f1():
    from sklearn.metrics import f1_score

    from framing.calibration import best_threshold

    rng = np.random.default_rng(0)
    for trial in range(30):
        n = int(rng.integers(5, 400))
        truth = rng.random(n) < rng.uniform(0.02, 0.5)
        proba = np.clip(rng.random(n) * 0.6 + truth * rng.uniform(0, 0.5), 0, 1)
        if trial % 3 == 0:
            proba = np.round(proba, 2)  # many ties
        rounded = np.round(proba, 3)
        candidates = np.unique(np.clip(np.where(rounded <= proba, rounded, np.round(rounded - 0.001, 3)), 0.05, 0.95))
        scores = [f1_score(truth, proba >= t, zero_division=0) for t in candidates]
        expected = 1.0 if not truth.any() else float(candidates[int(np.argmax(scores))])
        assert best_threshold(proba, truth) == expected


def test_a_threshold_never_rounds_above_the_probability_it_comes_from():
    from framing.calibration import best_threshold

    proba, truth = np.array([0.7996, 0.1, 0.05]), np.array([1, 0, 0])
    threshold = best_threshold(proba, truth)
    assert 0.1 < threshold <= 0.7996  # F1 = 1: only the positive is above it
