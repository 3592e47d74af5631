"""``ContextFrameClassifier``: frames of a sentence read in its article (model v2).

Stage 1 scores each sentence from its own features plus ``context_weight`` times its
neighbours' (each sentence featurised once; neighbours enter through the linear scores),
with an any-frame gate and a rebuttal-voice detector averaged over the sentence's block.
Stage 2 combines, per frame, the frame score, the gate and the block's rebuttal
probability in a logistic regression fitted on grouped out-of-fold stage-1 outputs, which
also give each frame's F1-optimal threshold.  A known document kind replaces the detector.
"""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.validation import check_is_fitted

from .calibration import best_threshold, sigmoid
from .documents import DocumentContext
from .codebook import load_codebook
from .model import check_sentences, frame_indicator, resolve_frames
from .pieces import PieceVectorizer
from .featurisers import FEATURES, explain_linear, make_vectorizer, project, text_features
from .labels import apply_thresholds

__all__ = ["ContextFrameClassifier"]



class ContextFrameClassifier(ClassifierMixin, BaseEstimator):
    """Tag sentences with codebook frames, reading each sentence in its article.

    See the module docstring for the model.  :meth:`fit` and :meth:`predict_proba_documents`
    take the article structure (document ids, positions, blocks, kinds); :meth:`predict_proba`
    and :meth:`predict` take bare sentences and treat **each sentence as a document of its
    own** (no neighbours; the rebuttal detector reads only that sentence), which keeps the
    scikit-learn estimator contract on sentence input.

    Parameters
    ----------
    frames : sequence of str, optional
        Frame ids, in column order.  Defaults to the codebook's frames.
    features : {"pieces", "char_wb", "word"}, default="pieces"
        ``pieces``: :class:`framing.pieces.PieceVectorizer` (word n-grams plus per-word
        character n-grams, fast); ``char_wb``: word plus ``char_wb`` ``TfidfVectorizer`` (slow,
        the v1 features); ``word``: word n-grams only.
    word_ngram_range, char_ngram_range, min_df : as in :class:`framing.FrameClassifier`
    C : float, default=4.0
        Inverse regularisation of the frame and gate logistic regressions.
    class_weight : "balanced" or None, default="balanced"
    context_weight : float, default=0.5
        Scale of the previous and next sentence's features; 0 leaves the neighbours out.
    gate : bool, default=True
        Learn the any-frame gate and feed it to every frame's stage 2.
    rebuttal : bool, default=True
        Learn the rebuttal-voice detector (needs ``kinds`` at fit; without them it is skipped).
    rebuttal_C : float, default=1.0
    embeddings : None or "wordllama", default=None
        Append wordllama's 256-d static sentence embedding (times ``embedding_weight``) to the
        features; needs the optional ``wordllama`` package.
    embedding_weight : float, default=0.5
    cv : int, default=5
        Folds (grouped by document when ``groups`` is given) for the out-of-fold scores.
    min_positives : int, default=3
        Frames with fewer positives get probability 0.
    random_state : int or None, default=0

    Attributes
    ----------
    frames_, classes_ : ndarray of str
    vectorizer_ : PieceVectorizer or FeatureUnion or TfidfVectorizer
    weights_ : ndarray of float32, shape (n_features, 3 * (n_frames + 1) + 1)
        Stage-1 weights: frames then gate for the sentence, previous and next sentence, then
        the rebuttal detector (columns of inactive parts are zero).
    intercepts_ : ndarray of float32, shape (n_frames + 2,)
        Frames, gate, rebuttal detector.
    combiner_ : ndarray of shape (n_frames, 4)
        Stage 2: weights of frame score, gate score, rebuttal probability, and the offset.
    thresholds_ : ndarray of shape (n_frames,)
    active_ : ndarray of bool
    rebuttal_active_ : bool
        Whether this fit learned the rebuttal detector (``kinds`` given, with both voices present).

    Examples
    --------
    >>> from framing.context import ContextFrameClassifier
    >>> texts = ["NATO surrounds Russia from all sides.", "The weather was fine.",
    ...          "NATO keeps expanding east to Russia's borders.", "The meeting was on Monday."] * 5
    >>> frames = [["nato_encirclement"], [], ["nato_encirclement"], []] * 5
    >>> clf = ContextFrameClassifier(min_df=1, cv=2, min_positives=2).fit(texts, frames)
    >>> int(clf.predict(["NATO is expanding to the east."])[0, list(clf.frames_).index("nato_encirclement")])
    1
    >>> proba = clf.predict_proba_documents(["NATO surrounds Russia.", "The weather was fine."],
    ...                                     doc_ids=["a", "a"], kinds=None)
    >>> proba.shape
    (2, 13)
    """

    def __init__(
        self,
        frames: Sequence[str] | None = None,
        *,
        features="pieces",
        word_ngram_range=(1, 2),
        char_ngram_range=(2, 5),
        min_df=2,
        C=4.0,
        class_weight="balanced",
        context_weight=0.5,
        gate=True,
        rebuttal=True,
        rebuttal_C=1.0,
        embeddings=None,
        embedding_weight=0.5,
        cv=5,
        min_positives=3,
        random_state=0,
    ):
        self.frames = frames
        self.features = features
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.context_weight = context_weight
        self.gate = gate
        self.rebuttal = rebuttal
        self.rebuttal_C = rebuttal_C
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight
        self.cv = cv
        self.min_positives = min_positives
        self.random_state = random_state

    def check_params(self) -> None:
        if self.features not in FEATURES:
            raise ValueError(f"features={self.features!r}: use one of {', '.join(FEATURES)}")
        if self.embeddings not in (None, "wordllama"):
            raise ValueError(f"embeddings={self.embeddings!r}: use None or 'wordllama'")
        for name, strict in (("C", True), ("rebuttal_C", True), ("context_weight", False), ("embedding_weight", False)):
            value = getattr(self, name)
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0 or (strict and value == 0):
                raise ValueError(f"{name}={value!r} must be a number {'>' if strict else '>='} 0")
        for name, low in (("cv", 2), ("min_df", 1), ("min_positives", 1)):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name}={value!r} must be an integer >= {low}")
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight={self.class_weight!r}: use 'balanced' or None")
        if not (self.random_state is None or isinstance(self.random_state, numbers.Integral)):
            raise ValueError(f"random_state={self.random_state!r} must be an integer or None")


    def _make_vectorizer(self):
        return make_vectorizer(self.features, self.word_ngram_range, self.char_ngram_range, self.min_df)

    def _features(self, vectorizer, texts) -> sp.csr_matrix:
        return text_features(vectorizer, texts, self.embeddings and self.embedding_weight)

    def _project(self, vectorizer, texts, weights, folded=None) -> np.ndarray:
        return project(vectorizer, texts, weights, self.embedding_weight, folded)

    def _fit_stage1(self, texts, Y, active, ctx, rebut, weights):
        vectorizer = self._make_vectorizer().fit(texts)
        X = self._features(vectorizer, texts)
        n_features = X.shape[1]
        k = Y.shape[1]
        blocks = [X]
        if self.context_weight > 0:
            for which in ("prev", "next"):
                index = ctx.prev if which == "prev" else ctx.next
                mask = (index >= 0).astype(np.float32) * np.float32(self.context_weight)
                blocks.append(sp.diags(mask) @ X[np.maximum(index, 0)])
        Z = sp.hstack(blocks, format="csr")
        targets = [(j, Y[:, j]) for j in np.flatnonzero(active)]
        any_frame = Y.max(axis=1)
        if self.gate and 0 < any_frame.sum() < len(any_frame):
            targets.append((k, any_frame))
        W = np.zeros((n_features, 3 * (k + 1) + 1), dtype=np.float32)
        b = np.zeros(k + 2, dtype=np.float32)
        for column, target in targets:
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000,
                                       solver="liblinear", random_state=self.random_state)
            model.fit(Z, target, sample_weight=weights)
            coef = model.coef_[0]
            for part in range(len(blocks)):
                W[:, part * (k + 1) + column] = coef[part * n_features:(part + 1) * n_features]
            b[column] = model.intercept_[0]
        rebuttal_active = rebut is not None and 0 < np.nansum(rebut) < len(rebut)
        if rebuttal_active:
            model = LogisticRegression(C=self.rebuttal_C, class_weight="balanced", max_iter=2000,
                                       solver="liblinear", random_state=self.random_state)
            model.fit(X, rebut.astype(int))
            W[:, -1] = model.coef_[0]
            b[-1] = model.intercept_[0]
        return vectorizer, W, b, bool(rebuttal_active)

    def _stage1_scores(self, vectorizer, W, b, texts, ctx, k, folded=None):
        """Frame scores (n, k), gate score (n,), rebuttal probability of the block (n,)."""
        P = self._project(vectorizer, texts, W, folded)
        width = k + 1
        S = P[:, :width] + b[:width]
        if self.context_weight > 0:
            S = S + ctx.shift(P[:, width:2 * width], "prev") + ctx.shift(P[:, 2 * width:3 * width], "next")
        sentence_rebuttal = sigmoid(P[:, -1].astype(float) + b[-1])
        rebuttal = np.where(np.isnan(ctx.known), ctx.block_mean(sentence_rebuttal), ctx.known)
        return S[:, :k], S[:, k], rebuttal

    def _stage2_inputs(self, s, g, r, use_rebuttal):
        """Stage-2 design matrix of one frame: its score, the gate (if used) and the block's
        rebuttal probability (only when this fit learns the detector)."""
        parts = [s]
        if self.gate:
            parts.append(g)
        if use_rebuttal:
            parts.append(r)
        return np.column_stack(parts)

    def fit(self, X, y, *, groups=None, positions=None, blocks=None, kinds=None, sample_weight=None):
        """Learn from sentences in their documents.

        Parameters
        ----------
        X : sequence of str
            Sentences.
        y : sequence of lists of frame ids, or 0/1 array of shape (n, n_frames)
        groups : sequence, optional
            Document id of each sentence: neighbours are taken within a document, and
            cross-validation folds never split one.  Without it every sentence is its own document.
        positions : sequence of int, optional
            Order of the sentences within their document (default: input order).
        blocks : sequence, optional
            Paragraph / block id within the document, for the rebuttal detector's block mean
            (default: the whole document).
        kinds : sequence of str, optional
            Document kind of each sentence (``claim``, ``disproof``, ``opinion`` …): the rebuttal
            detector's training target.  Without it no detector is learned.
        sample_weight : array-like, optional

        Returns
        -------
        self : ContextFrameClassifier
        """
        self.check_params()
        texts = check_sentences(X)
        frames = resolve_frames(self.frames, load_codebook())
        Y = frame_indicator(y, frames, len(texts), load_codebook())
        n = len(texts)
        if n < self.cv:
            raise ValueError(f"need at least cv={self.cv} sentences to fit, got {n}")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        ctx = DocumentContext(n, groups, positions, blocks, kinds)
        rebut = None if (kinds is None or not self.rebuttal) else ctx.known.copy()
        if rebut is not None and np.isnan(rebut).any():
            rebut = np.nan_to_num(rebut, nan=0.0)
        active = Y.sum(axis=0) >= self.min_positives
        if groups is not None:
            n_groups = len(np.unique(np.asarray([str(g) for g in groups])))
            if n_groups < self.cv:
                raise ValueError(f"groups has {n_groups} documents; need at least cv={self.cv}")
            folds = list(GroupKFold(n_splits=self.cv).split(texts, groups=[str(g) for g in groups]))
        else:
            folds = list(KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state).split(texts))

        texts_array = np.asarray(texts, dtype=object)
        k = len(frames)
        oof_s = np.zeros((n, k))
        oof_g = np.zeros(n)
        oof_r = np.zeros(n)
        # This call's data alone decides whether the detector is learned; passed down, never kept on self.
        use_rebuttal = bool(rebut is not None and 0 < rebut.sum() < n)
        for train_idx, test_idx in folds:
            train_ctx, test_ctx = ctx.subset(train_idx), ctx.subset(test_idx)
            test_ctx.known[:] = np.nan  # out-of-fold rebuttal is always the detector's estimate
            fold_active = active & (Y[train_idx].sum(axis=0) >= 1) & (Y[train_idx].sum(axis=0) < len(train_idx))
            vectorizer, W, b, _ = self._fit_stage1(
                list(texts_array[train_idx]), Y[train_idx], fold_active, train_ctx,
                None if rebut is None else rebut[train_idx],
                None if weights is None else weights[train_idx])
            s, g, r = self._stage1_scores(vectorizer, W, b, list(texts_array[test_idx]), test_ctx, k)
            oof_s[test_idx], oof_g[test_idx], oof_r[test_idx] = s, g, r

        combiner = np.zeros((k, 4))
        thresholds = np.ones(k)
        for j in np.flatnonzero(active):
            inputs = self._stage2_inputs(oof_s[:, j], oof_g, oof_r, use_rebuttal)
            model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)
            model.fit(inputs, Y[:, j])
            coef = np.zeros(3)
            coef[: inputs.shape[1]] = model.coef_[0]
            if not self.gate and inputs.shape[1] == 2:
                coef = np.array([coef[0], 0.0, coef[1]])
            combiner[j] = [*coef, model.intercept_[0]]
            proba = sigmoid(oof_s[:, j] * combiner[j, 0] + oof_g * combiner[j, 1]
                             + oof_r * combiner[j, 2] + combiner[j, 3])
            thresholds[j] = best_threshold(proba, Y[:, j])

        self.vectorizer_, self.weights_, self.intercepts_, self.rebuttal_active_ = self._fit_stage1(
            texts, Y, active, ctx, rebut, weights)
        self.frames_ = np.asarray(frames, dtype=object)
        self.classes_ = self.frames_
        self.combiner_ = combiner
        self.thresholds_ = thresholds
        self.active_ = active
        return self

    def _folded(self):
        """Per-process cache of the weights folded into the featuriser (never saved)."""
        cache = self.__dict__.get("_fold_cache")
        if cache is None or cache[0] is not self.weights_:
            folded = None
            if isinstance(self.vectorizer_, PieceVectorizer):
                n_sparse = self.vectorizer_.n_features_out_
                folded = self.vectorizer_.fold(self.weights_[:n_sparse])
            cache = self._fold_cache = (self.weights_, folded)
        return cache[1]

    def predict_proba_documents(self, X, doc_ids, positions=None, blocks=None, kinds=None) -> np.ndarray:
        """Calibrated probability of each frame for sentences read in their documents.

        Parameters
        ----------
        X : sequence of str
            Sentences, in any order.
        doc_ids : sequence
            Document of each sentence.
        positions : sequence of int, optional
            Order within the document (default: input order).
        blocks : sequence, optional
            Paragraph or block id within the document; the rebuttal detector averages over it
            (default: the whole document).
        kinds : str or sequence of str/None, optional
            Known document kind per sentence (``"disproof"`` means rebuttal voice; any other
            kind means not); None or missing entries leave it to the detector.

        Returns
        -------
        ndarray of shape (n, n_frames)
        """
        check_is_fitted(self, "weights_")
        texts = check_sentences(X)
        k = len(self.frames_)
        if not texts:
            return np.zeros((0, k))
        ctx = DocumentContext(len(texts), doc_ids, positions, blocks, kinds)
        s, g, r = self._stage1_scores(self.vectorizer_, self.weights_, self.intercepts_, texts, ctx, k,
                                      self._folded())
        c = self.combiner_
        proba = sigmoid(s * c[:, 0] + g[:, None] * c[:, 1] + r[:, None] * c[:, 2] + c[:, 3])
        proba[:, ~self.active_] = 0.0
        return proba

    def predict_documents(self, X, doc_ids, positions=None, blocks=None, kinds=None) -> np.ndarray:
        """0/1 matrix of :meth:`predict_proba_documents` at each frame's threshold."""
        return apply_thresholds(self.predict_proba_documents(X, doc_ids, positions, blocks, kinds), self.thresholds_)

    def explain(self, sentence: str, frame: str, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """Features of the sentence itself that pushed a frame's stage-1 score up and down."""
        j = self.frame_index(frame)
        names = self.vectorizer_.get_feature_names_out()
        return explain_linear(self.vectorizer_, names, sentence, self.weights_[: len(names), j], top)

    def frame_index(self, frame: str) -> int:
        if frame not in list(self.frames_):
            raise ValueError(f"frame {frame!r} is not one of this model's frames: {', '.join(self.frames_)}")
        return list(self.frames_).index(frame)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities for bare sentences, shape ``(n, n_frames)``.

        Each sentence is read **without context**: no neighbours, and the rebuttal detector
        sees only the sentence itself.  Use :meth:`predict_proba_documents` for article text.
        """
        texts = check_sentences(X)
        return self.predict_proba_documents(texts, doc_ids=np.arange(len(texts)))

    def predict(self, X) -> np.ndarray:
        """0/1 matrix for bare sentences (no context), each frame's threshold applied."""
        return apply_thresholds(self.predict_proba(X), self.thresholds_)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_fold_cache", None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags
