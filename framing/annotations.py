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

import json
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from .codebook import Codebook, UnknownFrameError, load_codebook
from .corpus import DEFAULT_COLLECTION, Corpus, CorpusMissingError, find_corpus, sentence_hash
from .errors import InputError, RefusedError
from .goldset import GoldSet, LabelledSentence
from .splits import SPLITS_FILE, read_splits, splits_problems

__all__ = [
    "LabelledSentence",
    "AnnotationError",
    "GoldSet",
    "load_annotations",
    "validate_annotations",
    "check_annotations",
    "check_gold_set",
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


class AnnotationError(RefusedError, ValueError):
    """Annotation files that do not validate; ``problems`` lists every one as ``file:line: …``."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n".join(self.problems[:50])
        more = f"\n… and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} annotation problem(s):\n{shown}{more}")


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
                    near = raw.decode("utf-8")[max(error.pos - 10, 0): error.pos + 10].strip()
                    problems.append(f"{where}: invalid JSON ({error.msg} at column {error.colno}, near "
                                    f"{near!r}); fix the line so that it is one JSON object")
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


def labelled_documents(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> set[str]:
    """The document ids that annotation files label (a folder means its ``*.jsonl`` files), read
    without the corpus; a damaged file is named with its line.

    Examples
    --------
    >>> labelled_documents([])
    set()
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    documents: set[str] = set()
    for path in _iter_files(paths):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        documents.add(str(json.loads(line)["doc_id"]))
                    except (json.JSONDecodeError, KeyError, TypeError):
                        raise InputError(f"{path}:{number}: not an annotation record with a doc_id") from None
    return documents


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


def _paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]


def _gather(paths: list[Path], corpus: str | os.PathLike | None, codebook: Codebook, *,
            every_problem: bool) -> tuple[list[LabelledSentence], list[str]]:
    """Read and check the records and join their stand-off sentences: ``(sentences, problems)``.

    The one reading of a gold set, for :func:`load_annotations` and :func:`check_gold_set`.
    Stand-off sentences that carry no text of their own are joined with the corpus.  With
    ``every_problem`` the valid records are joined even when others have problems, and a corpus
    that cannot be used is one more problem; without it the join waits for clean records and a
    missing corpus raises.
    """
    records, problems = validate_annotations(paths, codebook)
    sentences = [_to_sentence(where, record) for where, record in records]
    standoff = [s for s in sentences if s.is_standoff and s.text is None]
    if standoff and (every_problem or not problems):
        try:
            problems.extend(_join_standoff(standoff, Corpus(find_corpus(corpus))))
        except (CorpusMissingError, InputError) as error:
            if not every_problem:
                raise
            problems.append(f"{standoff[0].location}: {error}")
    return sentences, problems


def check_gold_set(paths: str | os.PathLike | Iterable[str | os.PathLike] = "annotations", *,
                   corpus: str | os.PathLike | None = None,
                   codebook: Codebook | None = None) -> tuple[GoldSet | None, list[str]]:
    """Every problem of a gold set in one pass, and the gold set itself when there are none.

    Returns ``(gold, problems)``: ``gold`` is what :func:`load_annotations` gives (the splits
    of the first ``splits.json`` beside the files) when ``problems`` is empty, else None.
    See :func:`check_annotations` for what is checked.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text('{"sentence_id": "d:0", "doc_id": "d", "position": 0, "source": "s", '
    ...     '"kind": "claim", "text": "A plot.", "frames": [], "annotator": "a1"}' + chr(10))
    >>> gold, problems = check_gold_set(folder)
    >>> len(gold), problems
    (1, [])
    """
    paths = _paths(paths)
    codebook = codebook or load_codebook()
    sentences, problems = _gather(paths, corpus, codebook, every_problem=True)
    splits = [splits_problems(folder / SPLITS_FILE) for folder in paths
              if folder.is_dir() and (folder / SPLITS_FILE).exists()]
    for _, found in splits:
        problems.extend(found)
    if problems:
        return None, problems
    return GoldSet(sentences, splits[0][0] if splits else {}, codebook), []


def check_annotations(paths: str | os.PathLike | Iterable[str | os.PathLike] = "annotations", *,
                      corpus: str | os.PathLike | None = None, codebook: Codebook | None = None) -> list[str]:
    """Every problem of a gold set in one pass: records, stand-off hashes and ``splits.json``.

    Stand-off sentences of records that are otherwise valid are joined with the corpus and
    their hashes checked even when other records have problems; a damaged ``splits.json``
    beside the files is reported with its line.  Each problem names ``file:line``, the field
    and the fix.  An empty list means the gold set loads.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text('{"sentence_id": 1}' + chr(10))
    >>> _ = (folder / "splits.json").write_text("{")
    >>> [p.split(": ")[0].rsplit("/", 1)[1] for p in check_annotations(folder)][-1]
    'splits.json:1'
    """
    return check_gold_set(paths, corpus=corpus, codebook=codebook)[1]


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
    paths = _paths(paths)
    codebook = codebook or load_codebook()
    sentences, problems = _gather(paths, corpus, codebook, every_problem=False)
    if problems:
        raise AnnotationError(problems)
    if splits is None:
        candidate = next((p / SPLITS_FILE for p in paths if p.is_dir() and (p / SPLITS_FILE).exists()),
                         None)
        splits = candidate
    if isinstance(splits, (str, os.PathLike)):
        splits = read_splits(splits)
    return GoldSet(sentences, splits or {}, codebook)
