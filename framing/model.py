"""``FrameClassifier``: a multi-label scikit-learn estimator over raw sentence strings."""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from .codebook import load_codebook
from .calibration import best_threshold, sigmoid
from .featurisers import explain_linear
from .labels import apply_thresholds

__all__ = ["FrameClassifier", "check_sentences", "resolve_frames", "frame_indicator"]

# Words with which a sentence keeps its distance from a claim (rebuttals, fact-checks).
DISTANCING_CUES = (
    "falsely", "false", "no evidence", "not true", "claim", "claims", "claimed", "alleged",
    "allegedly", "so-called", "disinformation", "narrative", "conspiracy", "myth", "debunked",
    "fake", "propaganda", "pro-kremlin", "unfounded", "baseless", "there is no", "without evidence",
)


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Tag sentences with codebook frames: TF-IDF n-grams into per-frame logistic regression.

    For every frame a class-weighted logistic regression scores the sentence.  Scores are
    calibrated with a sigmoid (Platt) fitted on out-of-fold scores of a grouped
    cross-validation on the training data, and each frame gets the decision threshold
    that maximises its F1 on those same out-of-fold probabilities, so neither calibration
    nor thresholds ever see the data they are judged on.

    Parameters
    ----------
    frames : sequence of str, optional
        Frame ids, in column order.  Defaults to the codebook's frames.
    word_ngram_range : tuple of int, default=(1, 2)
        Word n-grams of the word TF-IDF.
    char_ngram_range : tuple of int or None, default=(2, 5)
        ``char_wb`` n-grams of the character TF-IDF; ``None`` leaves it out (faster).
    min_df : int, default=2
        Minimum document frequency of an n-gram.
    C : float, default=4.0
        Inverse regularisation strength of the logistic regressions.
    class_weight : "balanced" or None, default="balanced"
        Weight positives up to the negatives, frame by frame.
    distancing_features : bool, default=False
        Add a count feature of distancing cues ("falsely", "no evidence", "so-called" …).
    cv : int, default=5
        Folds of the (grouped) cross-validation for calibration and thresholds.
    min_positives : int, default=3
        Frames with fewer training positives get no classifier and probability 0.
    random_state : int, default=0
        Seed of the solver and of the fold assignment when no groups are given.
    codebook : dict or None, default=None
        The data of another codebook (``framing.owncodebook.read_codebook(path).data``): frame
        ids are then checked against it instead of the built-in codebook, and it travels with
        the fitted model.

    Attributes
    ----------
    frames_ : ndarray of str
        Frame ids, the columns of every output.
    vectorizer_ : FeatureUnion
        The fitted text features.
    coef_ : ndarray of shape (n_frames, n_features)
        Logistic-regression weights (zero rows for inactive frames).
    intercept_ : ndarray of shape (n_frames,)
    calibration_ : ndarray of shape (n_frames, 2)
        Sigmoid slope and offset mapping decision values to probabilities.
    thresholds_ : ndarray of shape (n_frames,)
        Probability at or above which a frame is predicted.
    active_ : ndarray of bool
        Frames that had enough positives to learn.
    oof_scores_ : ndarray of shape (n_samples, n_frames)
        Calibrated out-of-fold probabilities on the training data.

    Examples
    --------
    >>> from framing import FrameClassifier
    >>> texts = ["NATO surrounds Russia from all sides.", "The weather was fine.",
    ...          "NATO keeps expanding east to Russia's borders.", "The meeting was on Monday."] * 5
    >>> frames = [["nato_encirclement"], [], ["nato_encirclement"], []] * 5
    >>> clf = FrameClassifier(char_ngram_range=None, min_df=1, cv=2, min_positives=2).fit(texts, frames)
    >>> int(clf.predict(["NATO is expanding to the east."])[0, list(clf.frames_).index("nato_encirclement")])
    1
    """

    # Checked by check_params at fit time (a plain type table, not scikit-learn's private
    # constraint objects).
    _PARAMETER_TYPES = {
        "word_ngram_range": tuple,
        "char_ngram_range": (tuple, type(None)),
        "min_df": numbers.Integral,
        "C": numbers.Real,
        "cv": numbers.Integral,
        "min_positives": numbers.Integral,
        "random_state": (numbers.Integral, type(None)),
        "codebook": (dict, type(None)),
    }

    def __init__(
        self,
        frames: Sequence[str] | None = None,
        *,
        word_ngram_range=(1, 2),
        char_ngram_range=(2, 5),
        min_df=2,
        C=4.0,
        class_weight="balanced",
        distancing_features=False,
        cv=5,
        min_positives=3,
        random_state=0,
        codebook=None,
    ):
        self.frames = frames
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.distancing_features = distancing_features
        self.cv = cv
        self.min_positives = min_positives
        self.random_state = random_state
        self.codebook = codebook

    # -- validation -----------------------------------------------------------------------

    def check_params(self) -> None:
        """Raise ValueError for a parameter out of range (``fit`` calls it first)."""
        for name, kinds in self._PARAMETER_TYPES.items():
            value = getattr(self, name)
            if not isinstance(value, kinds) or isinstance(value, bool):
                raise ValueError(f"{name}={value!r} is not valid; expected {kinds}")
        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if value is not None and (len(value) != 2 or not 1 <= value[0] <= value[1]):
                raise ValueError(f"{name}={value!r}: use (low, high) with 1 <= low <= high")
        if self.C <= 0:
            raise ValueError(f"C={self.C} must be > 0")
        if self.cv < 2:
            raise ValueError(f"cv={self.cv} must be >= 2")
        for name in ("min_df", "min_positives"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be >= 1")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight={self.class_weight!r}: use 'balanced' or None")

    def _codebook(self):
        """The built-in codebook, or the one given as ``codebook``."""
        if self.codebook is None:
            return load_codebook()
        from .owncodebook import codebook_from_data

        return codebook_from_data(self.codebook)

    # -- features -------------------------------------------------------------------------

    def _make_vectorizer(self) -> FeatureUnion:
        parts = [("word", TfidfVectorizer(ngram_range=self.word_ngram_range, min_df=self.min_df,
                                          sublinear_tf=True, lowercase=True, dtype=np.float32))]
        if self.char_ngram_range is not None:
            parts.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngram_range,
                                                  min_df=self.min_df, sublinear_tf=True,
                                                  dtype=np.float32)))
        if self.distancing_features:
            parts.append(("cues", TfidfVectorizer(vocabulary=list(DISTANCING_CUES), ngram_range=(1, 3),
                                                  token_pattern=r"(?u)\b[\w-]+\b", use_idf=False,
                                                  norm=None, dtype=np.float32)))
        return FeatureUnion(parts)

    def _fit_linear(self, features, Y, active, sample_weight):
        coef = np.zeros((Y.shape[1], features.shape[1]))
        intercept = np.zeros(Y.shape[1])
        for j in np.flatnonzero(active):
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000,
                                       solver="liblinear", random_state=self.random_state)
            model.fit(features, Y[:, j], sample_weight=sample_weight)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
        return coef, intercept

    # -- fit ------------------------------------------------------------------------------

    def fit(self, X, y, *, groups=None, sample_weight=None):
        """Learn from sentences and their frames.

        Parameters
        ----------
        X : sequence of str
            Sentences.
        y : sequence of lists of frame ids, or 0/1 array of shape (n, n_frames)
            Frames per sentence, in ``frames`` order for an array.
        groups : sequence, optional
            Document of each sentence: cross-validation folds then never split a document.
        sample_weight : array-like, optional
            Weight per sentence (for example more weight on rebuttal sentences).

        Returns
        -------
        self : FrameClassifier
        """
        self.check_params()
        texts = check_sentences(X)
        frames = resolve_frames(self.frames, self._codebook())
        Y = frame_indicator(y, frames, len(texts), self._codebook())
        if len(texts) < self.cv:
            raise ValueError(f"need at least cv={self.cv} sentences to fit, got {len(texts)}")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        active = Y.sum(axis=0) >= self.min_positives

        if groups is not None:
            groups = np.asarray(groups)
            n_groups = len(np.unique(groups))
            if n_groups < self.cv:
                raise ValueError(f"groups has {n_groups} documents; need at least cv={self.cv}")
            folds = list(GroupKFold(n_splits=self.cv).split(texts, groups=groups))
        else:
            folds = list(KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(texts))

        texts_array = np.asarray(texts, dtype=object)
        oof = np.zeros(Y.shape, dtype=float)
        for train_idx, test_idx in folds:
            vectorizer = self._make_vectorizer()
            train_features = vectorizer.fit_transform(texts_array[train_idx])
            fold_active = active & (Y[train_idx].sum(axis=0) >= 1) & (Y[train_idx].sum(axis=0) < len(train_idx))
            coef, intercept = self._fit_linear(
                train_features, Y[train_idx], fold_active,
                None if weights is None else weights[train_idx])
            oof[test_idx] = vectorizer.transform(texts_array[test_idx]) @ coef.T + intercept

        calibration = np.zeros((len(frames), 2))
        thresholds = np.ones(len(frames))
        oof_proba = np.zeros(Y.shape)
        for j in np.flatnonzero(active):
            platt = LogisticRegression(C=1e4, solver="lbfgs")
            platt.fit(oof[:, [j]], Y[:, j])
            calibration[j] = platt.coef_[0, 0], platt.intercept_[0]
            oof_proba[:, j] = sigmoid(oof[:, j] * calibration[j, 0] + calibration[j, 1])
            thresholds[j] = best_threshold(oof_proba[:, j], Y[:, j])

        self.vectorizer_ = self._make_vectorizer()
        features = self.vectorizer_.fit_transform(texts_array)
        self.coef_, self.intercept_ = self._fit_linear(features, Y, active, weights)
        self.frames_ = np.asarray(frames, dtype=object)
        self.classes_ = self.frames_
        self.calibration_ = calibration
        self.thresholds_ = thresholds
        self.active_ = active
        self.oof_scores_ = oof_proba
        return self

    # -- predict --------------------------------------------------------------------------

    def decision_function(self, X) -> np.ndarray:
        """Uncalibrated linear scores, shape ``(n, n_frames)``."""
        check_is_fitted(self, "coef_")
        texts = check_sentences(X)
        if not texts:
            return np.zeros((0, len(self.frames_)))
        return np.asarray(self.vectorizer_.transform(texts) @ self.coef_.T + self.intercept_)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probability of each frame, shape ``(n, n_frames)``; inactive frames are 0."""
        scores = self.decision_function(X)
        proba = sigmoid(scores * self.calibration_[:, 0] + self.calibration_[:, 1])
        proba[:, ~self.active_] = 0.0
        return proba

    def predict(self, X) -> np.ndarray:
        """0/1 matrix: probability at or above each frame's threshold."""
        return apply_thresholds(self.predict_proba(X), self.thresholds_)

    def explain(self, sentence: str, frame: str, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """N-grams of one sentence that pushed one frame's score up and down, with weights.

        A weight is the n-gram's TF-IDF value times its coefficient: the terms add up, with
        the intercept, to the frame's decision value.
        """
        j = self.frame_index(frame)
        return explain_linear(self.vectorizer_, self._feature_names(), sentence, self.coef_[j], top)

    def frame_index(self, frame: str) -> int:
        """Output column of a frame id; a clear error for ids the codebook or model lacks."""
        check_is_fitted(self, "coef_")
        frame_id = self._codebook().frame(frame).id
        frames = list(self.frames_)
        if frame_id not in frames:
            raise ValueError(f"frame {frame_id!r} is not one of this model's frames: {', '.join(frames)}")
        return frames.index(frame_id)

    def _feature_names(self) -> np.ndarray:
        if getattr(self, "_names_cache", None) is None:
            self._names_cache = self.vectorizer_.get_feature_names_out()
        return self._names_cache

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_names_cache", None)
        return state

    def __setstate__(self, state):
        state.setdefault("codebook", None)  # artifacts saved before the parameter existed
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags


def check_sentences(X) -> list[str]:
    """``X`` as a list of sentence strings; one string or anything else is a ValueError naming the fix.

    Examples
    --------
    >>> check_sentences(("a.", "b."))
    ['a.', 'b.']
    """
    if isinstance(X, str):
        raise ValueError("X must be a sequence of sentence strings, not one string; wrap it in a list")
    if hasattr(X, "ndim") and getattr(X, "ndim") != 1:
        raise ValueError(f"X must be a 1-D sequence of sentence strings; got an array of shape {X.shape}")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"X[{i}] is {type(text).__name__}; the estimators take sentence strings")
    return texts


def resolve_frames(frames, codebook) -> list[str]:
    """The output frames: the codebook's when ``frames`` is None, else ``frames`` checked against it."""
    if frames is None:
        return list(codebook.frame_ids)
    for frame_id in frames:
        codebook.frame(frame_id)
    if len(set(frames)) != len(frames):
        raise ValueError(f"frames={list(frames)} names a frame twice")
    return list(frames)


def frame_indicator(y, frames: list[str], n: int, codebook) -> np.ndarray:
    """``y`` (a 0/1 matrix in frame order, or a list of frame-id lists) as a checked 0/1 matrix.

    Examples
    --------
    >>> frame_indicator([["b"], []], ["a", "b"], 2, codebook=None).tolist()
    [[0, 1], [0, 0]]
    """
    if hasattr(y, "shape") and len(getattr(y, "shape")) == 2:
        y = np.asarray(y)
        if y.shape != (n, len(frames)):
            raise ValueError(f"y has shape {y.shape}; expected ({n}, {len(frames)}) in frame order")
        if not np.isin(y, (0, 1)).all():
            raise ValueError("an indicator y must hold only 0 and 1")
        return y.astype(np.int64)
    y = list(y)
    if len(y) != n:
        raise ValueError(f"X has {n} sentences but y has {len(y)} label lists")
    matrix = np.zeros((n, len(frames)), dtype=np.int64)
    column = {f: i for i, f in enumerate(frames)}
    for row, labels in enumerate(y):
        if isinstance(labels, str):
            raise ValueError(f"y[{row}] is a string; give a list of frame ids per sentence")
        for frame_id in labels:
            if frame_id not in column:
                if codebook is not None:
                    codebook.frame(frame_id)  # raises with the valid ids
                raise ValueError(f"y[{row}] names {frame_id!r}, which is not in frames={frames}")
            matrix[row, column[frame_id]] = 1
    return matrix
