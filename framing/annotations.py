"""Hand-labelled sentences: the record format, validation, stand-off join, splits and export.

One JSON object per labelled sentence, one file per source under ``annotations/``::

    {"sentence_id": "euvs-6b0c878784:summary:0", "doc_id": "euvs-6b0c878784", "position": 0,
     "source": "euvsdisinfo", "kind": "claim", "field": "summary", "start": 0, "end": 97,
     "sha256": "…", "frames": ["covert_plot"], "annotator": "a3",
     "labels": [{"annotator": "a3", "frames": ["covert_plot"]}]}

Seed sentences carry their ``text``; corpus sentences are stand-off (``field``, ``start``,
``end``, ``sha256`` of the text) and are joined with the corpus file at load time.
``frames`` is the label training uses: the only labelling, or the adjudicated one when
two annotators labelled the sentence (``annotator`` is then ``"adjudicated"`` and both
independent labellings stay in ``labels``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .codebook import Codebook, UnknownFrameError, load_codebook
from .corpus import DEFAULT_COLLECTION, Corpus, CorpusMissingError, find_corpus, sentence_hash
from .errors import InputError, RefusedError
from .splits import SPLITS, SPLITS_FILE, read_splits

__all__ = [
    "LabelledSentence",
    "AnnotationError",
    "GoldSet",
    "load_annotations",
    "validate_annotations",
]

_REQUIRED = {
    "sentence_id": str,
    "doc_id": str,
    "position": int,
    "source": str,
    "kind": str,
    "frames": list,
    "annotator": str,
}
_STANDOFF = {"field": str, "start": int, "end": int, "sha256": str}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def normalise_text(text: str) -> str:
    """Text key for duplicate detection: case, spacing, quotes and punctuation folded."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


class AnnotationError(RefusedError, ValueError):
    """Annotation files that do not validate; ``problems`` lists every one as ``file:line: …``."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n".join(self.problems[:50])
        more = f"\n… and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} annotation problem(s):\n{shown}{more}")


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


def _check_record(record: Any, where: str, codebook: Codebook) -> list[str]:
    problems = []
    if not isinstance(record, dict):
        return [f"{where}: line is not a JSON object; write one object per line"]
    for name, kind in _REQUIRED.items():
        if name not in record:
            problems.append(f"{where}: field {name!r} is missing; add it ({kind.__name__})")
        elif not isinstance(record[name], kind) or (kind is int and isinstance(record[name], bool)):
            problems.append(
                f"{where}: field {name!r} has {record[name]!r}; it must be a {kind.__name__}"
            )
    if isinstance(record.get("position"), int) and record["position"] < 0:
        problems.append(f"{where}: field 'position' is {record['position']}; use an index >= 0")
    if isinstance(record.get("kind"), str) and record["kind"] not in codebook.document_kinds:
        problems.append(
            f"{where}: field 'kind' has {record['kind']!r}; use one of {', '.join(codebook.document_kinds)}"
        )
    frame_lists = []
    if isinstance(record.get("frames"), list):
        frame_lists.append(("frames", record["frames"]))
    labels = record.get("labels", [])
    if not isinstance(labels, list):
        problems.append(f"{where}: field 'labels' must be a list of {{annotator, frames}} objects")
        labels = []
    for i, labelling in enumerate(labels):
        if not isinstance(labelling, dict) or not isinstance(labelling.get("annotator"), str) \
                or not isinstance(labelling.get("frames"), list):
            problems.append(f"{where}: labels[{i}] must be an object with 'annotator' and 'frames' (a list)")
            continue
        frame_lists.append((f"labels[{i}].frames", labelling["frames"]))
    for name, frames in frame_lists:
        for frame_id in frames:
            try:
                codebook.frame(frame_id)
            except UnknownFrameError as error:
                problems.append(f"{where}: field {name!r}: {error}")
        if len(set(map(str, frames))) != len(frames):
            problems.append(f"{where}: field {name!r} lists a frame twice: {frames!r}")
    has_text = isinstance(record.get("text"), str) and record["text"].strip() != ""
    standoff = [k for k in _STANDOFF if k in record]
    if standoff:
        for name, kind in _STANDOFF.items():
            if name not in record:
                problems.append(f"{where}: stand-off field {name!r} is missing; stand-off records need "
                                "field, start, end and sha256")
            elif not isinstance(record[name], kind) or (kind is int and isinstance(record[name], bool)):
                problems.append(f"{where}: field {name!r} has {record[name]!r}; it must be a {kind.__name__}")
        if isinstance(record.get("start"), int) and isinstance(record.get("end"), int) \
                and not 0 <= record["start"] < record["end"]:
            problems.append(f"{where}: offsets start={record['start']} end={record['end']}; "
                            "need 0 <= start < end")
        if isinstance(record.get("sha256"), str) and not _HEX64.match(record["sha256"]):
            problems.append(f"{where}: field 'sha256' is not 64 lower-case hex digits")
    elif not has_text:
        problems.append(f"{where}: no 'text' and no stand-off offsets; give the sentence text, "
                        "or field/start/end/sha256 into the corpus")
    if has_text and isinstance(record.get("sha256"), str) and sentence_hash(record["text"]) != record["sha256"]:
        problems.append(f"{where}: 'sha256' does not match 'text'")
    return problems


def _iter_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"annotation path not found: {path}")
    return files


def validate_annotations(paths: Iterable[str | os.PathLike], codebook: Codebook | None = None):
    """Read and check annotation files; return ``(records, problems)``.

    Every problem names ``file:line``, the field, the bad value and the fix.  Records
    are returned only as raw dicts; nothing is joined with the corpus here.
    """
    codebook = codebook or load_codebook()
    records: list[tuple[str, dict]] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in _iter_files(paths):
        with open(path, "rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                where = f"{path}:{line_number}"
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as error:
                    problems.append(f"{where}: not UTF-8 (byte at {error.start}); re-encode as UTF-8")
                    continue
                except json.JSONDecodeError as error:
                    problems.append(f"{where}: invalid JSON ({error.msg} at column {error.colno})")
                    continue
                found = _check_record(record, where, codebook)
                problems.extend(found)
                if not found:
                    sid = record["sentence_id"]
                    if sid in seen:
                        problems.append(f"{where}: sentence_id {sid!r} already used at {seen[sid]}; "
                                        "sentence ids must be unique")
                    seen[sid] = where
                    records.append((where, record))
    return records, problems


class GoldSet:
    """Validated labelled sentences, joined with their text, with the frozen splits.

    Examples
    --------
    >>> gold = load_annotations("annotations")          # doctest: +SKIP
    >>> texts, y, doc_ids = gold.xy("train")             # doctest: +SKIP
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
        per_split: Counter = Counter()
        per_annotator: Counter = Counter()
        docs_per_split: dict[str, set] = defaultdict(set)
        for s in self.sentences:
            split = self.splits.get(s.doc_id, "unsplit")
            per_kind[s.kind] += 1
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


def _to_sentence(where: str, record: dict) -> LabelledSentence:
    return LabelledSentence(
        sentence_id=record["sentence_id"], doc_id=record["doc_id"], position=record["position"],
        source=record["source"], kind=record["kind"], frames=list(record["frames"]),
        annotator=record["annotator"], text=record.get("text"), field=record.get("field"),
        start=record.get("start"), end=record.get("end"), sha256=record.get("sha256"),
        collection=record.get("collection"),
        labels=list(record.get("labels", [])), location=where,
    )


def _join_standoff(standoff: list[LabelledSentence], corpus: Corpus) -> list[str]:
    """Fill in the text of stand-off sentences; every mismatch is a problem, none is fatal alone."""
    corpus.require({s.collection or DEFAULT_COLLECTION for s in standoff})
    problems = []
    for s in standoff:
        collection = s.collection or DEFAULT_COLLECTION
        document = corpus.documents(collection).get(s.doc_id)
        if document is None or not isinstance(document.get(s.field), str):
            problems.append(f"{s.location}: {collection}.jsonl has no document {s.doc_id!r} with field "
                            f"{s.field!r}")
            continue
        text = document[s.field][s.start:s.end]
        if sentence_hash(text) != s.sha256:
            problems.append(f"{s.location}: text at {collection}/{s.doc_id}/{s.field}[{s.start}:{s.end}] "
                            "does not match its sha256: the corpus file differs from the one labelled")
            continue
        s.text = text
    return problems


def load_annotations(
    paths: str | os.PathLike | Iterable[str | os.PathLike] = "annotations",
    *,
    corpus: str | os.PathLike | None = None,
    splits: str | os.PathLike | dict | None = None,
    codebook: Codebook | None = None,
) -> GoldSet:
    """Load, validate and join annotation files; all or nothing.

    Parameters
    ----------
    paths : path or list of paths
        ``.jsonl`` files or folders of them.
    corpus : path, optional
        The EUvsDisinfo corpus file for stand-off records (else ``$FRAMING_CORPUS``, else
        ``../shared/corpus/``).  Only needed when stand-off records are present.
    splits : path or dict, optional
        ``doc_id -> split``; by default ``splits.json`` beside the annotation files.

    Raises
    ------
    AnnotationError
        Listing every malformed record (``file:line: …``) or stand-off hash mismatch.
    CorpusMissingError
        When stand-off records are present and the corpus file cannot be found.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    codebook = codebook or load_codebook()
    records, problems = validate_annotations(paths, codebook)
    if problems:
        raise AnnotationError(problems)
    sentences = [_to_sentence(where, record) for where, record in records]
    standoff = [s for s in sentences if s.is_standoff and s.text is None]
    if standoff:
        problems = _join_standoff(standoff, Corpus(find_corpus(corpus)))
        if problems:
            raise AnnotationError(problems)
    if splits is None:
        candidate = next((p / SPLITS_FILE for p in paths if p.is_dir() and (p / SPLITS_FILE).exists()),
                         None)
        splits = candidate
    if isinstance(splits, (str, os.PathLike)):
        splits = read_splits(splits)
    return GoldSet(sentences, splits or {}, codebook)
