"""``PieceVectorizer``: word n-grams and ``char_wb``-style n-grams at word speed.

Each word type gets a *piece vector*: the TF-IDF of its space-padded character n-grams
(``char_wb`` style), L2-normalised, computed once per type and stored as a sparse
``types x n-grams`` matrix ``P``.  A sentence's character block is the idf-weighted mean of
its tokens' piece vectors (as fastText averages subword vectors), so it is linear in the
token counts: ``T @ P`` with ``T`` the row-normalised ``sentences x types`` weights.  A linear
model on top therefore never needs the character block of a new sentence: its weights are
folded once into per-type scores ``P @ coef`` (:meth:`PieceVectorizer.fold`) and a batch is
scored with one sparse-dense product.  Word unigrams and bigrams (sublinear tf, smooth idf,
L2-normalised, as ``TfidfVectorizer``) come from the same type ids; bigrams are looked up as
``a * n_types + b`` keys with ``np.searchsorted``.  Only tokens unseen in training get their
n-grams built in Python, once per distinct token per batch.

Tokens are ``\\w+`` runs and single punctuation marks, lower-cased: quotation marks and
dashes count as words, which fact-check prose uses ("so-called", scare quotes).
"""

from __future__ import annotations

import re
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["PieceVectorizer"]

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _char_ngrams(token: str, low: int, high: int) -> list[str]:
    padded = f" {token} "
    size = len(padded)
    grams = []
    for n in range(low, high + 1):
        if size < n:
            break
        grams.extend(padded[i:i + n] for i in range(size - n + 1))
    return grams


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


def _finish(counts: sp.csr_matrix, idf: np.ndarray, dtype=np.float32) -> sp.csr_matrix:
    """Sublinear tf, idf weighting and row L2 normalisation, all on ``.data``."""
    counts = counts.tocsr().astype(dtype)
    counts.sum_duplicates()
    data = counts.data
    np.log(data, out=data)
    data += 1.0
    data *= idf[counts.indices]
    row_nnz = np.diff(counts.indptr)
    norms = np.ones(counts.shape[0], dtype=dtype)
    nonempty = row_nnz > 0
    if data.size:
        norms[nonempty] = np.sqrt(np.add.reduceat(data * data, counts.indptr[:-1][nonempty]))
    data /= np.repeat(norms, row_nnz)
    return counts


class _TypeIndex(dict):
    """Token -> type id; unknown tokens map to -1 (``__missing__`` runs only for those)."""

    def __missing__(self, key):
        return -1


class PieceVectorizer(TransformerMixin, BaseEstimator):
    """Word 1–2-grams plus averaged per-word character n-gram vectors, at word speed.

    Parameters
    ----------
    word_ngram_range : tuple of int, default=(1, 2)
        Word n-grams; (1, 1) or (1, 2).
    char_ngram_range : tuple of int or None, default=(2, 5)
        Character n-grams of each word padded with spaces (as ``char_wb``); None leaves them out.
    min_df : int, default=2
        Minimum number of training sentences an n-gram (or a word type) must occur in.

    Attributes
    ----------
    types_ : dict of str to int
        Word types seen in at least ``min_df`` training sentences.
    word_idf_ : ndarray of float32
        Idf of the unigrams (the first ``len(types_)``) then of the bigrams.
    bigram_keys_ : ndarray of int64
        Sorted ``a * n_types + b`` keys of the kept bigrams (their columns follow the unigrams).
    char_vocabulary_ : dict of str to int
    char_idf_ : ndarray of float32
    type_pieces_ : csr_matrix of shape (n_types, n_char_features)
        L2-normalised piece vector of every kept word type.
    char_scale_ : float
        Makes the median training row of the character block unit length.
    n_features_out_ : int

    Examples
    --------
    >>> from framing.pieces import PieceVectorizer
    >>> vec = PieceVectorizer(min_df=1).fit(["NATO surrounds Russia.", "NATO expands east."])
    >>> X = vec.transform(["NATO is surrounding Russia."])
    >>> X.shape == (1, vec.n_features_out_)
    True
    """

    def __init__(self, word_ngram_range=(1, 2), char_ngram_range=(2, 5), min_df=2):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df

    # -- tokens ---------------------------------------------------------------------------

    def _lookup(self) -> _TypeIndex:
        index = self.__dict__.get("_index")
        if index is None:
            index = self._index = _TypeIndex(self.types_)
        return index

    def _tokens(self, texts):
        """Flat type ids (-1 unknown), flat tokens, sentence row of each token."""
        findall = _TOKEN.findall
        tokens = [findall(t.lower()) for t in texts]
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        flat = list(chain.from_iterable(tokens))
        ids = np.fromiter(map(self._lookup().__getitem__, flat), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
        return ids, flat, rows

    # -- blocks ---------------------------------------------------------------------------

    def _word_block(self, ids, rows, n) -> sp.csr_matrix:
        n_types = len(self.types_)
        known = ids >= 0
        cols, rws = [ids[known]], [rows[known]]
        if self.word_ngram_range[1] >= 2 and len(ids) > 1 and len(self.bigram_keys_):
            a, b = ids[:-1], ids[1:]
            ok = (rows[1:] == rows[:-1]) & (a >= 0) & (b >= 0)
            keys = a[ok] * n_types + b[ok]
            pos = np.minimum(np.searchsorted(self.bigram_keys_, keys), len(self.bigram_keys_) - 1)
            hit = self.bigram_keys_[pos] == keys
            cols.append(n_types + pos[hit])
            rws.append(rows[:-1][ok][hit])
        cols, rws = np.concatenate(cols), np.concatenate(rws)
        counts = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rws, cols)),
                               shape=(n, len(self.word_idf_)))
        return _finish(counts, self.word_idf_)

    def _unknown_idf(self) -> float:
        return float(self.word_idf_[: len(self.types_)].max()) if len(self.types_) else 1.0

    def _unknown_pieces(self, tokens) -> sp.csr_matrix:
        low, high = self.char_ngram_range
        vocab = self.char_vocabulary_
        indptr, indices = [0], []
        for token in tokens:
            indices.extend(c for c in map(vocab.get, _char_ngrams(token, low, high)) if c is not None)
            indptr.append(len(indices))
        counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                               shape=(len(tokens), len(vocab)))
        return _finish(counts, self.char_idf_)

    def _char_parts(self, ids, flat, rows, n):
        """``(T_known, T_unknown, unknown_tokens)`` with ``T`` the row-normalised token weights."""
        n_types = len(self.types_)
        known = ids >= 0
        weights = np.where(known, self.word_idf_[np.maximum(ids, 0)], self._unknown_idf()).astype(np.float32)
        totals = np.bincount(rows, weights=weights, minlength=n)
        totals[totals == 0] = 1.0
        weights = weights / totals[rows].astype(np.float32) * np.float32(self.char_scale_)
        t_known = sp.csr_matrix((weights[known], (rows[known], ids[known])), shape=(n, n_types))
        unknown = np.flatnonzero(~known)
        local: dict[str, int] = {}
        local_ids = np.fromiter((local.setdefault(flat[i], len(local)) for i in unknown), dtype=np.int64,
                                count=len(unknown))
        t_unknown = sp.csr_matrix((weights[unknown], (rows[unknown], local_ids)), shape=(n, len(local)))
        return t_known, t_unknown, list(local)

    # -- fit / transform -----------------------------------------------------------------

    def fit(self, X, y=None):
        """Learn word types, n-gram vocabularies, idf weights and piece vectors from sentences."""
        texts = list(X)
        if tuple(self.word_ngram_range)[0] != 1 or self.word_ngram_range[1] not in (1, 2):
            raise ValueError(f"word_ngram_range={self.word_ngram_range!r}: use (1, 1) or (1, 2)")
        if self.min_df < 1:
            raise ValueError(f"min_df={self.min_df} must be >= 1")
        n = len(texts)
        findall = _TOKEN.findall
        tokens = [findall(t.lower()) for t in texts]
        names = np.array(sorted(set(chain.from_iterable(tokens))), dtype=object)
        all_types = {t: i for i, t in enumerate(names)}
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
        flat_all = np.fromiter(map(all_types.__getitem__, chain.from_iterable(tokens)), dtype=np.int64,
                               count=int(lengths.sum()))
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        presence = sp.csr_matrix((np.ones(len(flat_all), dtype=np.float32), (rows, flat_all)),
                                 shape=(n, len(names)))
        presence.sum_duplicates()
        presence.data[:] = 1
        type_df = np.asarray(presence.sum(axis=0)).ravel()
        kept = type_df >= self.min_df
        self.types_ = {t: i for i, t in enumerate(names[kept])}
        self.__dict__.pop("_index", None)
        remap = np.full(len(names), -1, dtype=np.int64)
        remap[np.flatnonzero(kept)] = np.arange(int(kept.sum()))
        ids = remap[flat_all]
        n_types = len(self.types_)
        word_df = [type_df[kept]]
        self.bigram_keys_ = np.zeros(0, dtype=np.int64)
        if self.word_ngram_range[1] >= 2 and len(ids) > 1:
            a, b = ids[:-1], ids[1:]
            ok = (rows[1:] == rows[:-1]) & (a >= 0) & (b >= 0)
            keys = a[ok] * n_types + b[ok]
            if len(keys):
                pairs = np.unique(np.stack([rows[:-1][ok], keys]), axis=1)
                bkeys, bdf = np.unique(pairs[1], return_counts=True)
                self.bigram_keys_ = bkeys[bdf >= self.min_df].astype(np.int64)
                word_df.append(bdf[bdf >= self.min_df])
        self.word_idf_ = _idf(np.concatenate(word_df).astype(float), n)

        if self.char_ngram_range is not None:
            low, high = self.char_ngram_range
            if not 1 <= low <= high:
                raise ValueError(f"char_ngram_range={self.char_ngram_range!r}: use (low, high), 1 <= low <= high")
            grams: dict[str, int] = {}
            indptr, indices = [0], []
            for token in names:
                indices.extend(grams.setdefault(g, len(grams)) for g in _char_ngrams(token, low, high))
                indptr.append(len(indices))
            all_pieces = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                                       shape=(len(names), len(grams)))
            all_pieces.sum_duplicates()
            binary = all_pieces.copy()
            binary.data[:] = 1
            has = presence @ binary
            has.data[:] = 1
            gram_df = np.asarray(has.sum(axis=0)).ravel()
            keep = np.flatnonzero(gram_df >= self.min_df)
            gram_names = np.empty(len(grams), dtype=object)
            gram_names[list(grams.values())] = list(grams.keys())
            self.char_vocabulary_ = {g: i for i, g in enumerate(gram_names[keep])}
            self.char_idf_ = _idf(gram_df[keep].astype(float), n)
            self.type_pieces_ = _finish(all_pieces[np.flatnonzero(kept)][:, keep], self.char_idf_)
            self.char_scale_ = 1.0
            char = self._char_block(*self._tokens(texts), n)
            norms = np.sqrt(np.asarray(char.multiply(char).sum(axis=1)).ravel())
            norms = norms[norms > 0]
            self.char_scale_ = float(1.0 / np.median(norms)) if len(norms) else 1.0
        else:
            self.char_vocabulary_ = {}
            self.char_idf_ = np.zeros(0, dtype=np.float32)
            self.type_pieces_ = sp.csr_matrix((n_types, 0), dtype=np.float32)
            self.char_scale_ = 1.0
        self.n_features_out_ = len(self.word_idf_) + len(self.char_idf_)
        return self

    def _char_block(self, ids, flat, rows, n) -> sp.csr_matrix:
        t_known, t_unknown, unknown = self._char_parts(ids, flat, rows, n)
        block = t_known @ self.type_pieces_
        if unknown:
            block = block + t_unknown @ self._unknown_pieces(unknown)
        return block.tocsr()

    def transform(self, X) -> sp.csr_matrix:
        """Feature rows ``[word block | char block]`` (sparse, float32)."""
        check_is_fitted(self, "types_")
        texts = list(X)
        n = len(texts)
        ids, flat, rows = self._tokens(texts)
        word = self._word_block(ids, rows, n)
        if self.char_ngram_range is None:
            return word
        return sp.hstack([word, self._char_block(ids, flat, rows, n)], format="csr", dtype=np.float32)

    # -- folded linear scoring -------------------------------------------------------------

    def fold(self, coef: np.ndarray):
        """Precompute what :meth:`project` needs for ``X @ coef`` (coef: n_features x k)."""
        check_is_fitted(self, "types_")
        coef = np.asarray(coef, dtype=np.float32)
        n_word = len(self.word_idf_)
        char_coef = coef[n_word:]
        type_scores = np.asarray(self.type_pieces_ @ char_coef, dtype=np.float32) if char_coef.size else None
        return coef[:n_word], char_coef, type_scores

    def project(self, X, folded) -> np.ndarray:
        """``transform(X) @ coef`` for a :meth:`fold`-ed ``coef``, without building the char block."""
        word_coef, char_coef, type_scores = folded
        texts = list(X)
        n = len(texts)
        ids, flat, rows = self._tokens(texts)
        scores = np.asarray(self._word_block(ids, rows, n) @ word_coef)
        if self.char_ngram_range is not None and type_scores is not None:
            t_known, t_unknown, unknown = self._char_parts(ids, flat, rows, n)
            scores += t_known @ type_scores
            if unknown:
                scores += t_unknown @ np.asarray(self._unknown_pieces(unknown) @ char_coef)
        return scores

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "types_")
        types = sorted(self.types_, key=self.types_.get)
        n_types = len(types)
        bigrams = [f"{types[k // n_types]} {types[k % n_types]}" for k in self.bigram_keys_]
        chars = sorted(self.char_vocabulary_, key=self.char_vocabulary_.get)
        return np.asarray([*types, *bigrams, *(f"char:{g}" for g in chars)], dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_index", None)
        return state
