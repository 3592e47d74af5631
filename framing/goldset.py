"""The gold set in memory: labelled sentences joined with their text, and the frozen splits."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Iterable, Sequence

from .codebook import Codebook, load_codebook
from .errors import InputError
from .splits import SPLITS

__all__ = ["GoldSet", "LabelledSentence", "normalise_text"]


def normalise_text(text: str) -> str:
    """Text key for duplicate detection: case, spacing, quotes and punctuation folded."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


@dataclass
class LabelledSentence:
    """One labelled sentence, with its text joined in."""

    sentence_id: str
    doc_id: str
    position: int
    source: str
    kind: str
    frames: list[str]
    annotator: str
    text: str | None = None
    field: str | None = None
    start: int | None = None
    end: int | None = None
    sha256: str | None = None
    collection: str | None = None
    labels: list[dict[str, Any]] = dataclass_field(default_factory=list)
    location: str = ""

    @property
    def is_standoff(self) -> bool:
        return self.field is not None


class GoldSet:
    """Validated labelled sentences, joined with their text, with the frozen splits.

    Examples
    --------
    >>> sentences = [LabelledSentence("d1:0", "d1", 0, "t", "claim", ["covert_plot"], "a1", text="A plot."),
    ...              LabelledSentence("d2:0", "d2", 0, "t", "claim", [], "a1", text="A plot!")]
    >>> gold = GoldSet(sentences, {"d1": "train", "d2": "test"})
    >>> [s.sentence_id for s in gold.select("test")]   # the same text is already in train
    []
    >>> texts, y, doc_ids = gold.xy("train")
    >>> texts, int(y.sum()), doc_ids
    (['A plot.'], 1, ['d1'])
    """

    def __init__(self, sentences: list[LabelledSentence], splits: dict[str, str] | None = None,
                 codebook: Codebook | None = None):
        self.sentences = sentences
        self.splits = dict(splits or {})
        self.codebook = codebook or load_codebook()

    def __len__(self) -> int:
        return len(self.sentences)

    def select(self, split: str | None = None, kinds: Iterable[str] | None = None,
               dedupe: bool = True) -> list[LabelledSentence]:
        """Sentences of one split, or of all splits when ``split`` is None (in file order).

        With ``dedupe`` (the default) a sentence whose normalised text already occurs in an
        earlier split (train before dev before test, then documents without a split) is
        dropped, and so is a repeat of a text within the split, so no sentence is both
        trained and tested on.  ``kinds`` filters after deduplication, so it never changes
        which copy of a text survives.
        """
        if split is not None and split not in SPLITS:
            raise InputError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
        kinds = set(kinds) if kinds is not None else None
        order = SPLITS[: SPLITS.index(split) + 1] if split is not None else (*SPLITS, None)
        kept: set[int] = set()
        seen: set[str] = set()
        for name in order:
            for sentence in self.sentences:
                if self.splits.get(sentence.doc_id) != name:
                    continue
                key = normalise_text(sentence.text or "")
                duplicate = key in seen
                seen.add(key)
                if (split is None or name == split) and not (dedupe and duplicate):
                    kept.add(id(sentence))
        return [s for s in self.sentences
                if id(s) in kept and (kinds is None or s.kind in kinds)]

    def xy(self, split: str | None = None, kinds: Iterable[str] | None = None):
        """Texts, 0/1 label matrix (codebook order) and document ids of a split."""
        return self.arrays(self.select(split, kinds))

    def arrays(self, sentences: Sequence[LabelledSentence]):
        """Texts, 0/1 label matrix (codebook order) and document ids of selected sentences."""
        texts = [s.text for s in sentences]
        y = self.codebook.to_indicator([s.frames for s in sentences])
        return texts, y, [s.doc_id for s in sentences]

    def fingerprint(self, split: str) -> str:
        """Hash of a split's sentence ids and labels: identifies training data in model metadata."""
        digest = hashlib.sha256()
        for s in self.select(split):
            digest.update(f"{s.sentence_id}\t{','.join(s.frames)}\n".encode())
        return digest.hexdigest()

    def doc_ids(self, split: str) -> list[str]:
        return sorted({d for d, name in self.splits.items() if name == split})

    def stats(self) -> dict[str, Any]:
        """Counts per frame, per kind, per split and per annotator."""
        per_frame: dict[str, Counter] = {f: Counter() for f in self.codebook.frame_ids}
        per_kind: Counter = Counter()
        per_source: Counter = Counter()
        per_split: Counter = Counter()
        per_annotator: Counter = Counter()
        docs_per_split: dict[str, set] = defaultdict(set)
        for s in self.sentences:
            split = self.splits.get(s.doc_id, "unsplit")
            per_kind[s.kind] += 1
            per_source[s.source] += 1
            per_split[split] += 1
            docs_per_split[split].add(s.doc_id)
            for labelling in s.labels or [{"annotator": s.annotator}]:
                per_annotator[labelling["annotator"]] += 1
            for frame_id in s.frames:
                per_frame[frame_id][split] += 1
                per_frame[frame_id]["total"] += 1
        return {
            "sentences": len(self.sentences),
            "documents": len({s.doc_id for s in self.sentences}),
            "frame_free": sum(1 for s in self.sentences if not s.frames),
            "per_frame": {f: dict(c) for f, c in per_frame.items()},
            "per_kind": dict(per_kind),
            "per_source": dict(per_source),
            "per_split": dict(per_split),
            "documents_per_split": {k: len(v) for k, v in docs_per_split.items()},
            "per_annotator": dict(per_annotator),
        }

    def to_dataset(self, split: str | None = None):
        """A ``datasets.Dataset`` whose ``frames`` column is a list of class labels (codebook ids).

        Rows are :meth:`select`-ed, so a text repeated across splits appears once, in the
        earliest split."""
        import datasets

        chosen = self.select(split)
        features = datasets.Features({
            "sentence_id": datasets.Value("string"),
            "doc_id": datasets.Value("string"),
            "position": datasets.Value("int32"),
            "text": datasets.Value("string"),
            "kind": datasets.Value("string"),
            "source": datasets.Value("string"),
            "split": datasets.Value("string"),
            "frames": datasets.Sequence(datasets.ClassLabel(names=list(self.codebook.frame_ids))),
        })
        return datasets.Dataset.from_dict({
            "sentence_id": [s.sentence_id for s in chosen],
            "doc_id": [s.doc_id for s in chosen],
            "position": [s.position for s in chosen],
            "text": [s.text for s in chosen],
            "kind": [s.kind for s in chosen],
            "source": [s.source for s in chosen],
            "split": [self.splits.get(s.doc_id, "") for s in chosen],
            "frames": [[self.codebook.index(f) for f in s.frames] for s in chosen],
        }, features=features)
