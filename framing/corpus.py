"""Third-party corpus files that stand-off labels point into, found without copying them.

A stand-off label names its ``collection`` (a corpus file's name without ``.jsonl``), the
document id, the field, ``[start, end)`` offsets and the SHA-256 of the sentence text.
Records without ``collection`` are EUvsDisinfo cases (the first corpus), so older
annotation files keep working unchanged.  Corpus files are JSON Lines; a document's id is
its ``case_id``, ``doc_id`` or ``id`` field.

The corpus folder is an explicit argument, else ``$FRAMING_CORPUS`` (a folder, or one of its
files), else ``../shared/corpus`` under the working directory (the development layout).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from .errors import FramingError, InputError

__all__ = ["CORPUS_ENV", "DEFAULT_COLLECTION", "CorpusMissingError", "Corpus", "find_corpus",
           "sentence_hash", "document_id"]

CORPUS_ENV = "FRAMING_CORPUS"
DEFAULT_COLLECTION = "euvsdisinfo_cases_2015_2017"
ID_FIELDS = ("case_id", "doc_id", "id")


class CorpusMissingError(FramingError, FileNotFoundError):
    """Stand-off labels need a corpus file, and it was not found."""


def sentence_hash(text: str) -> str:
    """SHA-256 of a sentence's UTF-8 text: the stand-off check value.

    Examples
    --------
    >>> sentence_hash("NATO")[:12]
    'ace0fc1bd762'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(record: dict) -> str | None:
    """A corpus document's id: its first present ``case_id``, ``doc_id`` or ``id``."""
    return next((str(record[k]) for k in ID_FIELDS if record.get(k) is not None), None)


def find_corpus(corpus: str | os.PathLike | None = None) -> Path:
    """The corpus location: ``corpus``, else ``$FRAMING_CORPUS``, else ``./../shared/corpus``.

    A folder holds the corpus files; a file is read for labels without a ``collection``
    (EUvsDisinfo cases), and its folder for the others.
    """
    if corpus is not None:
        candidates = [Path(corpus)]
    elif os.environ.get(CORPUS_ENV):
        candidates = [Path(os.environ[CORPUS_ENV])]
    else:
        candidates = [Path.cwd().parent / "shared" / "corpus"]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise CorpusMissingError(
        f"the corpus folder is needed to join stand-off labels and was not found (looked at: "
        f"{', '.join(map(str, candidates))}). Pass its path (--corpus) or set ${CORPUS_ENV}.")


class Corpus:
    """The corpus files of one folder (or one file and its folder), each read once, on first use."""

    def __init__(self, location: str | os.PathLike):
        location = Path(location)
        self.folder = location.parent if location.is_file() else location
        self._default_file = location if location.is_file() else None
        self._documents: dict[str, dict[str, dict]] = {}

    def path(self, collection: str) -> Path:
        if collection == DEFAULT_COLLECTION and self._default_file is not None:
            return self._default_file
        return self.folder / f"{collection}.jsonl"

    def require(self, collections: Iterable[str]) -> None:
        """Raise :class:`CorpusMissingError` naming every needed file that is absent."""
        missing = sorted({c for c in collections if not self.path(c).is_file()})
        if missing:
            raise CorpusMissingError(
                f"stand-off labels point into {', '.join(f'{c}.jsonl' for c in missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not in {self.folder}; put the file(s) there "
                f"or pass --corpus / ${CORPUS_ENV}")

    def documents(self, collection: str) -> dict[str, dict]:
        """``doc_id -> record`` of one corpus file."""
        if collection not in self._documents:
            self.require([collection])
            self._documents[collection] = {document_id(r): r for r in _read_jsonl(self.path(collection))}
        return self._documents[collection]


def _read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{path}:{number}: invalid JSON ({error.msg} at column {error.colno})") \
                        from None
                if isinstance(record, dict) and document_id(record) is not None:
                    yield record
