import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing.context import ContextFrameClassifier
from framing.pieces import PieceVectorizer

# A tiny corpus of documents: claims advancing frames, fact-check paragraphs rebutting them,
# and plain reporting.  (doc id, kind, sentences with frames)
CLAIM_DOCS = [
    ("c1", "claim", [("NATO keeps expanding east towards Russia's borders.", ["nato_encirclement"]),
                     ("The alliance surrounds Russia from all sides.", ["nato_encirclement"])]),
    ("c2", "claim", [("Western media wage an information war and lie.", ["media_war"]),
                     ("The mainstream media lies about Russia again.", ["media_war"])]),
    ("c3", "claim", [("NATO builds bases near the Russian border.", ["nato_encirclement"]),
                     ("The meeting ended at noon.", [])]),
    ("c4", "claim", [("Western journalists spread lies about Moscow.", ["media_war"]),
                     ("Delegates arrived from Astana.", [])]),
    ("c5", "claim", [("NATO expands towards Russia and encircles it.", ["nato_encirclement"]),
                     ("Troops paraded in the square.", [])]),
    ("c6", "claim", [("The media war against Russia goes on.", ["media_war"]),
                     ("The weather was fine on Monday.", [])]),
]
DISPROOF_DOCS = [
    (f"d{i}", "disproof", [
        ("There is no evidence for this claim.", []),
        ("This is a recurring pro-Kremlin disinformation narrative.", []),
        (f"The claim about {topic} is false and has been debunked.", []),
        (restated, []),  # fact-checks restate the claim they rebut
    ]) for i, (topic, restated) in enumerate([
        ("NATO", "NATO keeps expanding east towards Russia's borders."),
        ("the media", "Western media wage an information war and lie."),
        ("Russia's borders", "NATO builds bases near the Russian border."),
        ("the alliance", "The alliance surrounds Russia from all sides."),
        ("bases", "The mainstream media lies about Russia again."),
        ("lies", "NATO expands towards Russia and encircles it."),
    ])
]
OPINION_DOCS = [
    (f"o{i}", "opinion", [("The summit was held in Dushanbe.", []), (text, frames)])
    for i, (text, frames) in enumerate([
        ("NATO moves its infrastructure closer to Russia.", ["nato_encirclement"]),
        ("Western outlets lie and stir hysteria.", ["media_war"]),
        ("Prices rose in the spring.", []),
    ])
]


def _flatten(docs):
    texts, frames, groups, positions, kinds, blocks = [], [], [], [], [], []
    for doc_id, kind, sentences in docs:
        for position, (text, labels) in enumerate(sentences):
            texts.append(text)
            frames.append(labels)
            groups.append(doc_id)
            positions.append(position)
            kinds.append(kind)
            blocks.append(kind)
    return texts, frames, dict(groups=groups, positions=positions, kinds=kinds, blocks=blocks)


TEXTS, FRAMES, CONTEXT = _flatten(CLAIM_DOCS + DISPROOF_DOCS + OPINION_DOCS)
SMALL = dict(min_df=1, cv=3, min_positives=2, C=10.0, rebuttal_C=10.0)


@pytest.fixture(scope="module")
def fitted():
    return ContextFrameClassifier(**SMALL).fit(TEXTS, FRAMES, **CONTEXT)


def test_frame_sentence_scores_lower_inside_a_fact_check_paragraph(fitted):
    sentence = "NATO keeps expanding east towards Russia's borders."
    j = list(fitted.frames_).index("nato_encirclement")
    alone = fitted.predict_proba([sentence])[0, j]
    paragraph = ["There is no evidence for this claim.", sentence,
                 "This is a recurring pro-Kremlin disinformation narrative."]
    inside = fitted.predict_proba_documents(paragraph, doc_ids=["x"] * 3, blocks=[0, 0, 0])[1, j]
    told = fitted.predict_proba_documents(paragraph, doc_ids=["x"] * 3, kinds="disproof")[1, j]
    assert inside < alone
    assert told < alone
    assert fitted.rebuttal_active_


def test_known_kind_replaces_the_detector(fitted):
    """A known kind sets the rebuttal input to 1 (disproof) or 0 (other kinds); the frame's
    stage-2 weight on it decides the direction."""
    sentence = ["NATO keeps expanding east towards Russia's borders."]
    j = list(fitted.frames_).index("nato_encirclement")
    claim = fitted.predict_proba_documents(sentence, doc_ids=["x"], kinds="claim")[0, j]
    disproof = fitted.predict_proba_documents(sentence, doc_ids=["x"], kinds="disproof")[0, j]
    unknown = fitted.predict_proba_documents(sentence, doc_ids=["x"], kinds=[None])[0, j]
    assert np.sign(disproof - claim) == np.sign(fitted.combiner_[j, 2])
    assert min(claim, disproof) <= unknown <= max(claim, disproof)


def test_predict_proba_is_bare_sentence_documents(fitted):
    texts = TEXTS[:7]
    bare = fitted.predict_proba(texts)
    assert bare.shape == (7, len(fitted.frames_))
    np.testing.assert_allclose(bare, fitted.predict_proba_documents(texts, doc_ids=list(range(7))))
    # row by row equals batch
    rows = np.vstack([fitted.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(rows, bare, rtol=1e-5, atol=1e-7)
    assert set(np.unique(fitted.predict(texts))) <= {0, 1}


def test_context_order_comes_from_positions_not_input_order(fitted):
    texts = ["There is no evidence for this claim.", "NATO builds bases near the Russian border.",
             "The meeting ended at noon."]
    forward = fitted.predict_proba_documents(texts, doc_ids=["a"] * 3, positions=[0, 1, 2])
    shuffled = [2, 0, 1]
    again = fitted.predict_proba_documents([texts[i] for i in shuffled], doc_ids=["a"] * 3,
                                           positions=shuffled)
    np.testing.assert_allclose(again, forward[shuffled], rtol=1e-5, atol=1e-7)


def test_estimator_contract_on_sentences():
    clf = ContextFrameClassifier(**SMALL)
    params = clf.get_params()
    before = set(vars(clf))
    clf.fit(TEXTS, FRAMES, **CONTEXT)
    assert clf.get_params() == params
    assert all(name.endswith("_") for name in set(vars(clf)) - before)
    first = clf.predict_proba(TEXTS)
    state = {k: v for k, v in vars(clf).items()}
    clf.predict_proba_documents(TEXTS, CONTEXT["groups"])
    assert set(vars(clf)) - {"_fold_cache"} == set(state) - {"_fold_cache"}
    # refit determinism and clone
    again = clone(clf).fit(TEXTS, FRAMES, **CONTEXT)
    np.testing.assert_allclose(again.predict_proba(TEXTS), first)
    clf.fit(TEXTS, FRAMES, **CONTEXT)
    np.testing.assert_allclose(clf.predict_proba(TEXTS), first)
    # pickle
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(copy.predict_proba(TEXTS), first)
    np.testing.assert_allclose(copy.predict_proba_documents(TEXTS, CONTEXT["groups"], CONTEXT["positions"]),
                               clf.predict_proba_documents(TEXTS, CONTEXT["groups"], CONTEXT["positions"]))


def test_refit_without_kinds_equals_a_fresh_fit_without_kinds():
    """Nothing of a fit with kinds (the rebuttal detector and its stage-2 input) survives a refit
    without them."""
    def same(a, b):  # tight: a leftover of the earlier fit moves these by ~1e-3
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)

    without_kinds = {k: v for k, v in CONTEXT.items() if k != "kinds"}
    fresh = ContextFrameClassifier(**SMALL).fit(TEXTS, FRAMES, **without_kinds)
    refit = ContextFrameClassifier(**SMALL).fit(TEXTS, FRAMES, **CONTEXT)
    assert refit.rebuttal_active_
    refit.fit(TEXTS, FRAMES, **without_kinds)
    assert not refit.rebuttal_active_ and not fresh.rebuttal_active_
    same(refit.combiner_, fresh.combiner_)
    same(refit.thresholds_, fresh.thresholds_)
    same(refit.predict_proba(TEXTS), fresh.predict_proba(TEXTS))
    same(
        refit.predict_proba_documents(TEXTS, CONTEXT["groups"], CONTEXT["positions"], CONTEXT["blocks"]),
        fresh.predict_proba_documents(TEXTS, CONTEXT["groups"], CONTEXT["positions"], CONTEXT["blocks"]))
    # and back: a refit with kinds equals a fresh fit with them
    refit.fit(TEXTS, FRAMES, **CONTEXT)
    again = ContextFrameClassifier(**SMALL).fit(TEXTS, FRAMES, **CONTEXT)
    same(refit.combiner_, again.combiner_)
    same(refit.predict_proba(TEXTS), again.predict_proba(TEXTS))


def test_fit_without_context_and_errors():
    clf = ContextFrameClassifier(**SMALL)
    with pytest.raises(NotFittedError):
        clf.predict_proba(["NATO"])
    clf.fit(TEXTS, FRAMES)  # no groups, no kinds: no neighbours, no rebuttal detector
    assert not clf.rebuttal_active_
    assert clf.predict_proba(["NATO expands."]).shape == (1, 13)
    with pytest.raises(ValueError):
        clf.predict_proba("one string")
    with pytest.raises(ValueError):
        ContextFrameClassifier(features="bert").fit(TEXTS, FRAMES)
    with pytest.raises(ValueError):
        clf.predict_proba_documents(TEXTS[:3], doc_ids=["a"])
    assert clf.predict_proba([]).shape == (0, 13)


@pytest.mark.parametrize("features", ["word", "char_wb"])
def test_other_featurisers(features):
    clf = ContextFrameClassifier(features=features, **SMALL).fit(TEXTS, FRAMES, **CONTEXT)
    proba = clf.predict_proba_documents(TEXTS, CONTEXT["groups"], CONTEXT["positions"])
    assert proba.shape == (len(TEXTS), 13) and np.isfinite(proba).all()


def test_piece_vectorizer_projection_matches_features():
    vec = PieceVectorizer(min_df=1).fit(TEXTS)
    new = ["NATO is encircling Russia's borders!", "Unseenword appears here.", ""]
    X = vec.transform(new)
    assert X.shape == (3, vec.n_features_out_)
    coef = np.random.RandomState(0).randn(X.shape[1], 5).astype(np.float32)
    np.testing.assert_allclose(vec.project(new, vec.fold(coef)), X @ coef, rtol=1e-4, atol=1e-5)
    word = X[:, : len(vec.word_idf_)].toarray()
    np.testing.assert_allclose(np.linalg.norm(word[:2], axis=1), 1.0, rtol=1e-5)
    assert X[2].nnz == 0
    names = vec.get_feature_names_out()
    assert len(names) == vec.n_features_out_ and "nato" in names and "char: na" in names


def test_tagger_passes_article_context(fitted):
    from framing.scoring import Tagger

    tagger = Tagger(fitted, {"name": "ctx", "version": "0"})
    text = ("NATO keeps expanding east towards Russia's borders.\n\n"
            "There is no evidence for this claim. NATO keeps expanding east towards Russia's borders. "
            "This is a recurring pro-Kremlin disinformation narrative.")
    result = tagger.tag_article(text)
    j = fitted.frames_.tolist().index("nato_encirclement")
    scores = [s["scores"]["nato_encirclement"] for s in result["sentences"]]
    assert len(scores) == 4
    assert scores[2] < scores[0]
    # the tagger's scores are the model's read in the article: sentence order, paragraphs as blocks
    texts = [s["text"] for s in result["sentences"]]
    paragraphs = [s["paragraph"] for s in result["sentences"]]
    assert paragraphs == [0, 1, 1, 1]
    in_article = fitted.predict_proba_documents(texts, doc_ids=["a"] * 4, positions=[0, 1, 2, 3],
                                                blocks=paragraphs)[:, j]
    assert scores == pytest.approx(in_article.tolist(), abs=1e-6)
    assert scores != pytest.approx(fitted.predict_proba(texts)[:, j].tolist(), abs=1e-3)


def test_tagger_uses_the_kind_the_caller_knows(fitted):
    from framing.readers import Article
    from framing.scoring import Tagger

    tagger = Tagger(fitted, {"name": "ctx", "version": "0"})
    text = "NATO keeps expanding east towards Russia's borders."
    alone = tagger.tag_article(text)["sentences"][0]["scores"]["nato_encirclement"]
    as_disproof = tagger.tag_article(text, kind="disproof")["sentences"][0]["scores"]["nato_encirclement"]
    from_meta = tagger.tag_article(Article("a", text, meta={"kind": "disproof"}))["sentences"][0]["scores"]
    j = list(fitted.frames_).index("nato_encirclement")
    expected = fitted.predict_proba_documents([text], doc_ids=["a"], kinds="disproof")[0, j]
    assert as_disproof == pytest.approx(expected, abs=1e-6) and as_disproof != alone
    assert from_meta["nato_encirclement"] == as_disproof
