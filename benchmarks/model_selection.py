"""Choose the shipped pipeline on the dev split (never test).

Every variant is fitted on the train split (adjudicated labels, cross-validation grouped by
document for calibration and thresholds) and measured on dev: micro/macro F1, micro F1 on
claim sentences, and the false-alarm rate on frame-free rebuttal (disproof) sentences.

    python benchmarks/model_selection.py > benchmarks/results/model_selection.md
"""

import time

from framing.annotations import load_annotations
from framing.model import FrameClassifier
from framing.training import evaluate_split, rebuttal_weights

VARIANTS = [
    ("word 1-2 + char_wb 2-5, C=4 (baseline pipeline)", {}, 1.0),
    ("word 1-2 only", {"char_ngram_range": None}, 1.0),
    ("word 1-3 only", {"char_ngram_range": None, "word_ngram_range": (1, 3)}, 1.0),
    ("word + char, C=1", {"C": 1.0}, 1.0),
    ("word + char, C=16", {"C": 16.0}, 1.0),
    ("word + char + distancing-cue features", {"distancing_features": True}, 1.0),
    ("word + char, rebuttal negatives weighted x3", {}, 3.0),
    ("word + char + cues, rebuttal negatives x3", {"distancing_features": True}, 3.0),
    ("word + char, min_df=1", {"min_df": 1}, 1.0),
]


def main():
    gold = load_annotations("annotations")
    train = gold.select("train")
    texts, y, groups = gold.arrays(train)
    print("| variant | dev micro F1 | dev macro F1 | claims micro F1 | rebuttal false alarms | fit s |")
    print("|---|---|---|---|---|---|")
    for name, params, weight in VARIANTS:
        started = time.perf_counter()
        clf = FrameClassifier(**params).fit(texts, y, groups=groups,
                                            sample_weight=rebuttal_weights(train, weight))
        seconds = time.perf_counter() - started
        m = evaluate_split(clf, gold, "dev")
        print(f"| {name} | {m['micro_f1']:.3f} | {m['macro_f1']:.3f} | {m['claims_micro_f1']:.3f} | "
              f"{m['rebuttal_false_alarms']['rate']:.3f} (n={m['rebuttal_false_alarms']['n']}) | {seconds:.1f} |",
              flush=True)


if __name__ == "__main__":
    main()
