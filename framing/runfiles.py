"""The files around a ``framing score`` output: the job it belongs to, its lock, and the
checks made before it is opened.

``OUT.progress`` starts with a ``{"job": …}`` line (model reference and SHA-256, level,
format, fields and a fingerprint of the inputs).  ``--resume`` refuses a job that differs.
``OUT.lock`` is held (``filelock``) for the whole run, so a second run on the same output
is refused instead of interleaving with the first.  The progress file is removed when a run
completes; the lock file stays (it is empty; the lock is the kernel's, held only while a run is
alive), because deleting a lock file lets two later runs lock two different files of that name.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

from .errors import InputError, RefusedError

__all__ = ["input_fingerprint", "job_description", "check_job", "read_job", "OutputLock",
           "check_inputs_exist", "check_output_free", "sidecars"]


def sidecars(output: str) -> dict[str, Path]:
    """The files a run keeps beside ``output``.

    Examples
    --------
    >>> sorted(sidecars("out.jsonl"))
    ['lock', 'parts', 'progress']
    >>> str(sidecars("out.jsonl")["lock"])
    'out.jsonl.lock'
    """
    return {"progress": Path(f"{output}.progress"), "lock": Path(f"{output}.lock"),
            "parts": Path(f"{output}.parts")}


def input_fingerprint(inputs: Sequence[str]) -> str:
    """SHA-256 over every input file's path, size and modification time (folders walked).

    Standard input (``-``) and non-path inputs count by name only.

    Examples
    --------
    >>> input_fingerprint(["-"]) == input_fingerprint(["-"])
    True
    >>> input_fingerprint(["-"]) == input_fingerprint(["a.txt"])
    False
    """
    digest = hashlib.sha256()
    for item in inputs:
        path = Path(str(item))
        files = [path]
        if str(item) != "-" and path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            try:
                stat = file.stat()
                entry = f"{file.resolve()}\t{stat.st_size}\t{stat.st_mtime_ns}\n"
            except OSError:
                entry = f"{item}\n"
            digest.update(entry.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def job_description(inputs: Sequence[str], *, model, level: str, fmt: str, text_field, id_field,
                    evidence: int, clean: bool = True) -> dict[str, Any]:
    """What an output holds: resuming it with anything else would mix two jobs in one file."""
    return {"model": model.reference, "model_sha256": model.metadata.get("model_sha256"), "level": level,
            "format": fmt, "text_field": text_field, "id_field": id_field, "evidence": evidence,
            "clean": clean, "inputs": input_fingerprint(inputs)}


def read_job(progress: Path) -> dict[str, Any] | None:
    """The ``job`` line of a progress file, or None (no file, or an older file without one)."""
    if not progress.exists():
        return None
    with open(progress, "rb") as handle:
        first = handle.readline()
    try:
        entry = json.loads(first)
    except json.JSONDecodeError:
        return None
    return entry.get("job") if isinstance(entry, dict) else None


_FLAGS = {"model": "--model", "model_sha256": "--model (same reference, different file)",
          "level": "--level", "format": "--format", "text_field": "--text-field",
          "id_field": "--id-field", "evidence": "evidence", "clean": "--no-clean",
          "inputs": "the inputs (paths, sizes, times)"}


def check_job(output: str, recorded: dict[str, Any] | None, job: dict[str, Any]) -> None:
    """Refuse to resume ``output`` with a job other than the one it was started with.

    Examples
    --------
    >>> check_job("o.jsonl", {"level": "article"}, {"level": "article"})
    >>> check_job("o.jsonl", {"level": "article"}, {"level": "sentence"})
    Traceback (most recent call last):
    ...
    framing.errors.RefusedError: o.jsonl was started with --level 'article', this run has 'sentence'; resume with the same options, or start again with --overwrite
    """
    if recorded is None:
        raise RefusedError(f"{output}: there is nothing to resume ({output}.progress is missing: a run that "
                           "finished removes it, and older outputs have none); the output is kept as it is — "
                           "start again with --overwrite to score it anew")
    changed = [k for k in job if recorded.get(k) != job[k]]
    if changed:
        what = "; ".join(f"{_FLAGS.get(k, k)} {recorded.get(k)!r}, this run has {job[k]!r}" for k in changed)
        raise RefusedError(f"{output} was started with {what}; resume with the same options, "
                           "or start again with --overwrite")


def check_errors_path(errors: str | os.PathLike | None) -> None:
    """The ``--errors`` file can be written: its folder exists and it is not itself a folder.

    Examples
    --------
    >>> check_errors_path("no/such/folder/errors.jsonl")
    Traceback (most recent call last):
    ...
    framing.errors.InputError: --errors no/such/folder/errors.jsonl: the folder no/such/folder does not exist
    """
    if errors is None:
        return
    path = Path(errors)
    if path.is_dir():
        raise InputError(f"--errors {path}: is a folder; name a file such as {path / 'errors.jsonl'}")
    if not path.parent.is_dir():
        raise InputError(f"--errors {path}: the folder {path.parent} does not exist")


def check_inputs_exist(inputs: Sequence[Any]) -> None:
    """Every path input exists (``-`` is standard input).

    Examples
    --------
    >>> check_inputs_exist(["no/such/file.txt"])
    Traceback (most recent call last):
    ...
    framing.errors.InputError: no/such/file.txt: no such file or folder; check the input path
    """
    for item in inputs:
        if isinstance(item, (str, os.PathLike)) and str(item) != "-" and not Path(item).exists():
            raise InputError(f"{item}: no such file or folder; check the input path")


def check_output_free(output: str, *, resume: bool, overwrite: bool) -> None:
    """An existing output is replaced only with ``overwrite`` and continued only with ``resume``."""
    if resume and overwrite:
        raise InputError("--resume and --overwrite contradict each other; pass one")
    files = sidecars(output)
    exists = Path(output).exists() or files["parts"].exists()
    if exists and not (resume or overwrite):
        raise InputError(f"{output} exists; pass --overwrite or --resume")
    if Path(output).is_dir():
        raise InputError(f"{output} is a folder; -o needs a file name")


class OutputLock:
    """An exclusive lock on ``OUT.lock`` for the duration of a run.

    The file is never deleted: a run that opened it just before another deleted it would lock
    the deleted file while a third run locked a new one (filelock keeps Unix lock files for this
    reason).  A run that dies releases its lock with it, so a left-over file blocks nothing.

    Examples
    --------
    >>> import tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "o.jsonl")
    >>> with OutputLock(out):
    ...     OutputLock(out).acquire()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    framing.errors.RefusedError: ...o.jsonl.lock is held by another framing run writing ...o.jsonl; wait for it to finish
    """

    def __init__(self, output: str):
        from filelock import FileLock

        self.output = output
        self.path = sidecars(output)["lock"]
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self) -> "OutputLock":
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            raise RefusedError(f"{self.path} is held by another framing run writing {self.output}; wait for "
                               "it to finish") from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
