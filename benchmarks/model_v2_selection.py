"""Model v2 selection: grouped cross-validation on train+dev, confirmed once on dev; never test.

Every variant is fitted on 4/5 of the train+dev documents (GroupKFold by doc_id, 5 folds) and
predicts the held-out fifth *with its article structure but without the document kind*
(``kinds`` not given, so fact-check text must be recognised by the rebuttal detector).  Pooled
out-of-fold predictions give micro-F1, macro-F1 (13 frames) and the false-alarm rate on
frame-free ``disproof`` sentences.  ``--dev`` fits on train and scores dev once (the
confirmation); ``--speed`` measures predict throughput in one process against a plain word
TF-IDF + one-vs-rest logistic regression in the same run; ``--size`` the skops artifact.

    FRAMING_CORPUS=/work/shared/corpus/euvsdisinfo_cases_2015_2017.jsonl \\
    PYTHONPATH=. python benchmarks/model_v2_selection.py --cv --variants all
    PYTHONPATH=. python benchmarks/model_v2_selection.py --dev --speed --size
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from framing.annotations import load_annotations
from framing.context import ContextFrameClassifier
from framing.documents import gold_context
from framing.model import FrameClassifier

RECOMMENDED = dict(features="pieces", C=4.0, context_weight=0.5, gate=True, rebuttal=True)

VARIANTS = {
    "v1-word": ("v1 FrameClassifier, word 1-2 only (plain word TF-IDF + LR)", None,
                dict(char_ngram_range=None)),
    "v1-default": ("v1 FrameClassifier, word 1-2 + char_wb 2-5 (frames@1.0.0 recipe)", None, {}),
    "pieces-bare": ("v2 pieces, no context / gate / rebuttal", "ctx",
                    dict(features="pieces", context_weight=0.0, gate=False, rebuttal=False)),
    "charwb-bare": ("v2 char_wb, no context / gate / rebuttal", "ctx",
                    dict(features="char_wb", context_weight=0.0, gate=False, rebuttal=False)),
    "pieces-ctx": ("v2 pieces + prev/next", "ctx",
                   dict(features="pieces", gate=False, rebuttal=False)),
    "pieces-ctx-gate": ("v2 pieces + prev/next + gate", "ctx",
                        dict(features="pieces", rebuttal=False)),
    "pieces-full": ("v2 pieces + prev/next + gate + block rebuttal", "ctx", RECOMMENDED),
    "charwb-full": ("v2 char_wb + prev/next + gate + block rebuttal", "ctx",
                    dict(RECOMMENDED, features="char_wb")),
    "word-full": ("v2 word only + prev/next + gate + block rebuttal", "ctx",
                  dict(RECOMMENDED, features="word")),
    "word-gate-rebuttal": ("v2 word only + gate + block rebuttal, no neighbours", "ctx",
                           dict(RECOMMENDED, features="word", context_weight=0.0)),
    "pieces-gate-rebuttal": ("v2 pieces + gate + block rebuttal, no neighbours", "ctx",
                             dict(RECOMMENDED, context_weight=0.0)),
    "pieces-full-C2": ("v2 pieces full, C=2", "ctx", dict(RECOMMENDED, C=2.0)),
    "pieces-full-C8": ("v2 pieces full, C=8", "ctx", dict(RECOMMENDED, C=8.0)),
    "pieces-full-w1": ("v2 pieces full, context_weight=1.0", "ctx", dict(RECOMMENDED, context_weight=1.0)),
    "pieces-full-wordllama": ("v2 pieces full + wordllama 256-d (x0.5)", "ctx",
                              dict(RECOMMENDED, embeddings="wordllama")),
}


def make(key):
    _, family, params = VARIANTS[key]
    return (FrameClassifier if family is None else ContextFrameClassifier)(**params), family


def fit(model, family, sentences, gold):
    texts, Y, groups = gold.arrays(sentences)
    if family is None:
        return model.fit(texts, Y, groups=groups)
    return model.fit(texts, Y, **gold_context(sentences))


def predict(model, family, sentences, gold):
    texts, _, _ = gold.arrays(sentences)
    if family is None:
        return model.predict(texts)
    c = gold_context(sentences)
    return model.predict_documents(texts, c["groups"], c["positions"], c["blocks"], kinds=None)


def metrics(Y, P, kinds):
    kinds = np.asarray(kinds)
    disproof = (kinds == "disproof") & (Y.sum(axis=1) == 0)
    claims = kinds == "claim"
    return {
        "micro": f1_score(Y, P, average="micro", zero_division=0),
        "macro": f1_score(Y, P, average="macro", zero_division=0),
        "claims_micro": f1_score(Y[claims], P[claims], average="micro", zero_division=0),
        "opinion_micro": f1_score(Y[kinds == "opinion"], P[kinds == "opinion"], average="micro",
                                  zero_division=0),
        "false_alarms": float(P[disproof].max(axis=1).mean()) if disproof.any() else float("nan"),
        "n_disproof": int(disproof.sum()),
    }


def row(name, m, seconds):
    return (f"| {name} | {m['micro']:.3f} | {m['macro']:.3f} | {m['claims_micro']:.3f} | "
            f"{m['opinion_micro']:.3f} | {m['false_alarms']:.3f} (n={m['n_disproof']}) | {seconds:.0f} |")


HEADER = ("| variant | micro-F1 | macro-F1 | claims micro | opinion micro | disproof false alarms | fit+predict s |\n"
          "|---|---|---|---|---|---|---|")


def cross_validate(gold, keys, folds=5):
    sentences = gold.select("train") + gold.select("dev")
    _, Y, groups = gold.arrays(sentences)
    kinds = [s.kind for s in sentences]
    splits = list(GroupKFold(n_splits=folds).split(sentences, groups=groups))
    print(f"Grouped {folds}-fold CV on train+dev ({len(sentences)} sentences, "
          f"{len(set(groups))} documents); kind not given at prediction.\n")
    print(HEADER)
    for key in keys:
        started = time.perf_counter()
        P = np.zeros_like(Y)
        for train_idx, test_idx in splits:
            model, family = make(key)
            fit(model, family, [sentences[i] for i in train_idx], gold)
            P[test_idx] = predict(model, family, [sentences[i] for i in test_idx], gold)
        print(row(VARIANTS[key][0], metrics(Y, P, kinds), time.perf_counter() - started), flush=True)


def confirm_on_dev(gold, keys):
    train, dev = gold.select("train"), gold.select("dev")
    _, Y, _ = gold.arrays(dev)
    print("\nConfirmation: fitted on train, scored once on dev (kind not given).\n")
    print(HEADER)
    for key in keys:
        started = time.perf_counter()
        model, family = make(key)
        fit(model, family, train, gold)
        P = predict(model, family, dev, gold)
        print(row(VARIANTS[key][0], metrics(Y, P, [s.kind for s in dev]), time.perf_counter() - started),
              flush=True)


def speed(gold, n=100_000, repeats=3):
    """Predict throughput in one process, recommended model vs plain word TF-IDF + OvR LR."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from framing.scoring import Tagger

    train = gold.select("train")
    texts, Y, _ = gold.arrays(train)
    dev = gold.select("dev")
    dev_texts = [s.text for s in dev]
    reps = n // len(dev_texts) + 1
    big = (dev_texts * reps)[:n]
    doc_ids = [f"{r}:{s.doc_id}" for r in range(reps) for s in dev][:n]
    positions = [s.position for _ in range(reps) for s in dev][:n]
    active = Y.sum(axis=0) > 0
    plain = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          OneVsRestClassifier(LogisticRegression(C=4.0, solver="liblinear"))).fit(texts, Y[:, active])
    v2 = ContextFrameClassifier(**RECOMMENDED).fit(texts, Y, **gold_context(train))
    v2_charwb = ContextFrameClassifier(**dict(RECOMMENDED, features="char_wb")).fit(texts, Y, **gold_context(train))
    v1 = FrameClassifier().fit(texts, Y, groups=[s.doc_id for s in train])

    def best(fn, size):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return size / np.median(times)

    print(f"\nPredict throughput, one process, {n:,} dev sentences (repeated), median of {repeats}:\n")
    print("| system | sentences/s |\n|---|---|")
    print(f"| plain TfidfVectorizer(1-2) + OvR LogisticRegression | {best(lambda: plain.predict_proba(big), n):,.0f} |")
    print(f"| v2 pieces full, predict_proba_documents (with context) | "
          f"{best(lambda: v2.predict_proba_documents(big, doc_ids, positions), n):,.0f} |")
    print(f"| v2 pieces full, predict_proba (bare sentences) | {best(lambda: v2.predict_proba(big), n):,.0f} |")
    small = n // 5
    print(f"| v2 char_wb full, predict_proba_documents ({small:,}) | "
          f"{best(lambda: v2_charwb.predict_proba_documents(big[:small], doc_ids[:small], positions[:small]), small):,.0f} |")
    print(f"| v1 frames@1.0.0 recipe (word + char_wb), predict_proba ({small:,}) | "
          f"{best(lambda: v1.predict_proba(big[:small]), small):,.0f} |")

    # End to end: articles (blank-line paragraphs) -> segmentation -> scoring -> sentence records.
    from framing.readers import Article

    by_doc: dict[str, list[str]] = {}
    for s in dev:
        by_doc.setdefault(s.doc_id, []).append(s.text)
    docs = [" ".join(v) for v in by_doc.values()]
    articles = [Article(f"a{i}", "\n\n".join(docs[(i + j) % len(docs)] for j in range(3)))
                for i in range(max(1, n // 15))]
    metadata = {"name": "v2", "version": "0"}
    for label, model in (("plain word TF-IDF + LR (v1 word recipe)", FrameClassifier(char_ngram_range=None)
                          .fit(texts, Y, groups=[s.doc_id for s in train])), ("v2 pieces full", v2)):
        tagger = Tagger(model, metadata)
        count = 0

        def run():
            nonlocal count
            count = 0
            for start in range(0, len(articles), 256):
                for records in tagger.score_batch(articles[start:start + 256], level="sentence"):
                    count += len(records)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        print(f"| end-to-end `Tagger` sentence records, {label} ({count:,} sentences) | {count / np.median(times):,.0f} |")


def size(gold):
    import skops.io as sio

    train = gold.select("train")
    texts, Y, _ = gold.arrays(train)
    v2 = ContextFrameClassifier(**RECOMMENDED).fit(texts, Y, **gold_context(train))
    blob = sio.dumps(v2)
    print(f"\nskops artifact of the recommended model fitted on train: {len(blob) / 1e6:.2f} MB "
          f"(untrusted types: {sio.get_untrusted_types(data=blob)})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--size", action="store_true")
    parser.add_argument("--variants", default="all")
    args = parser.parse_args()
    keys = list(VARIANTS) if args.variants == "all" else args.variants.split(",")
    gold = load_annotations("annotations")
    if args.cv:
        cross_validate(gold, keys)
    if args.dev:
        confirm_on_dev(gold, keys)
    if args.speed:
        speed(gold)
    if args.size:
        size(gold)


if __name__ == "__main__":
    main()
