"""Sentence features for the context model: word n-grams, subword pieces or char n-grams,
and optional static embeddings (wordllama, loaded from its own wheel, never downloaded)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .pieces import PieceVectorizer

__all__ = ["FEATURES", "make_vectorizer", "text_features", "project", "embed", "explain_linear"]

FEATURES = ("pieces", "char_wb", "word")
_WORDLLAMA: dict[str, object] = {}


def _wordllama():
    """The wordllama model shipped inside its wheel, loaded without network access."""
    if "model" not in _WORDLLAMA:
        import os

        import wordllama
        from wordllama import WordLlama

        _WORDLLAMA["model"] = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__),
                                             disable_download=True)
    return _WORDLLAMA["model"]


def make_vectorizer(features: str, word_ngram_range=(1, 2), char_ngram_range=(2, 5), min_df: int = 2):
    """An unfitted vectorizer: ``"word"`` TF-IDF, ``"char_wb"`` word + char TF-IDF, or ``"pieces"``.

    Examples
    --------
    >>> type(make_vectorizer("word")).__name__
    'TfidfVectorizer'
    """
    if features == "pieces":
        return PieceVectorizer(word_ngram_range=word_ngram_range, char_ngram_range=char_ngram_range,
                               min_df=min_df)
    word = TfidfVectorizer(ngram_range=word_ngram_range, min_df=min_df, sublinear_tf=True, dtype=np.float32)
    if features == "word":
        return word
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngram_range, min_df=min_df,
                           sublinear_tf=True, dtype=np.float32)
    return FeatureUnion([("word", word), ("char", char)])


def embed(texts, weight: float) -> np.ndarray:
    """wordllama's 256-d sentence embeddings, scaled by ``weight``."""
    return np.asarray(_wordllama().embed(list(texts)), dtype=np.float32) * np.float32(weight)


def _n_text_features(vectorizer) -> int:
    if isinstance(vectorizer, PieceVectorizer):
        return vectorizer.n_features_out_
    if isinstance(vectorizer, FeatureUnion):
        return sum(_n_text_features(part) for _, part in vectorizer.transformer_list)
    return len(vectorizer.vocabulary_)


def text_features(vectorizer, texts, embedding_weight=None) -> sp.csr_matrix:
    """The fitted vectorizer's features, with embeddings appended when a weight is given."""
    X = vectorizer.transform(texts)
    if embedding_weight:
        X = sp.hstack([X, sp.csr_matrix(embed(texts, embedding_weight))], format="csr")
    return sp.csr_matrix(X, dtype=np.float32)


def project(vectorizer, texts, weights: np.ndarray, embedding_weight: float, folded=None) -> np.ndarray:
    """``text_features(texts) @ weights`` without building what need not be built."""
    n_dense = weights.shape[0] - _n_text_features(vectorizer)
    sparse_weights = weights[: weights.shape[0] - n_dense]
    if isinstance(vectorizer, PieceVectorizer):
        scores = vectorizer.project(texts, folded if folded is not None else vectorizer.fold(sparse_weights))
    else:
        scores = np.asarray(vectorizer.transform(texts) @ sparse_weights)
    if n_dense:
        scores = scores + embed(texts, embedding_weight) @ weights[-n_dense:]
    return scores


def explain_linear(vectorizer, names, sentence: str, weights: np.ndarray, top: int = 8
                   ) -> dict[str, list[tuple[str, float]]]:
    """Features of one sentence that pushed a linear score up and down: each feature's value
    times its weight (with the intercept they add up to the score).

    Examples
    --------
    >>> v = make_vectorizer("word", min_df=1).fit(["nato surrounds russia", "it rained"])
    >>> names = v.get_feature_names_out()
    >>> w = np.array([1.0 if n == "nato" else -1.0 if n == "rained" else 0.0 for n in names])
    >>> explain_linear(v, names, "nato surrounds", w)["up"][0][0]
    'nato'
    """
    row = vectorizer.transform([sentence]).tocsr()
    contributions = [(str(names[i]), float(v * weights[i])) for i, v in zip(row.indices, row.data)]
    contributions = [c for c in contributions if c[1] != 0]
    up = sorted((c for c in contributions if c[1] > 0), key=lambda c: -c[1])[:top]
    down = sorted((c for c in contributions if c[1] < 0), key=lambda c: c[1])[:top]
    return {"up": up, "down": down}
