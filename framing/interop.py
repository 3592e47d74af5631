"""Label Studio and doccano: import their exports, export labels for them, a labelling config.

framing's side is a JSONL file of labelled sentences, one object per line::

    {"id": 7, "text": "…", "frames": ["energy_weapon"], "annotator": "ana", "doc": "d1"}

``id`` and any other keys (here ``doc``) are optional and travel through both tools.  One
line is one annotator's labelling; the same text labelled by two people is two lines.

**Label Studio** (JSON export, a list of tasks): each task's ``data`` holds the text (key
``text``) and the other keys; each ``annotations[]`` entry is one annotator's labelling, its
``result`` a list of ``{"type": "choices", "from_name": "frames", "to_name": "text",
"value": {"choices": [...]}}`` items (an empty result means "no frame"); ``completed_by`` is
the user id, or ``{"id", "email", …}`` when expanded.  Cancelled annotations and tasks
without annotations are skipped.  The export writes the expanded form with the annotator as
``email``; Label Studio imports such annotations for project members with that email.

**doccano** (text classification, JSONL export): ``{"id": 1, "text": "…", "label": [...]}``
plus the example's metadata.  A project without collaborative annotation exports a zip of
one ``<username>.jsonl`` per member; the file name is the annotator.  The export writes a zip
of that form, or a single ``.jsonl`` that keeps the annotator as a metadata field.

Choices may be frame ids or frame names of the codebook; they are stored as ids.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import quoteattr

from .codebook import Codebook
from .owncodebook import resolve_codebook
from .errors import InputError

__all__ = ["InteropError", "label_config", "read_label_studio", "write_label_studio", "read_doccano",
           "write_doccano", "read_records", "write_records", "FORMATS"]

FORMATS = ("label-studio", "doccano")
_CORE = ("id", "text", "frames", "annotator")


class InteropError(InputError):
    """An annotation file that cannot be converted; names the file, the task or line, and the fix."""


def label_config(codebook: Codebook | str | os.PathLike | None = None, *, from_name: str = "frames",
                 to_name: str = "text") -> str:
    """A Label Studio labelling config (XML) with one multiple-choice checkbox per frame.

    Annotators see each frame's name; results carry the frame id (``alias``); the definition
    is the hover hint.

    Examples
    --------
    >>> config = label_config()
    >>> '<Choice value="Colour revolution" alias="colour_revolution"' in config
    True
    """
    codebook = resolve_codebook(codebook)
    title = f"{codebook.name or 'codebook'} v{codebook.version}"
    lines = ["<View>",
             f"  <Header value={quoteattr('Which frames does this sentence advance? (' + title + ')')}/>",
             f"  <Text name={quoteattr(to_name)} value={quoteattr('$' + to_name)}/>",
             f"  <Choices name={quoteattr(from_name)} toName={quoteattr(to_name)} choice=\"multiple\" "
             "showInline=\"false\">"]
    for family in codebook.families:
        for frame_id in codebook.frames_in(family):
            frame = codebook.frame(frame_id)
            lines.append(f"    <Choice value={quoteattr(frame.name)} alias={quoteattr(frame.id)} "
                         f"hint={quoteattr(f'{family}: {frame.definition}')}/>")
    lines += ["  </Choices>", "</View>", ""]
    return "\n".join(lines)


def _frame_ids(values: Any, codebook: Codebook, where: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InteropError(f"{where}: labels must be a list of strings, got {values!r}; export a "
                           "text-classification project (choices / categories), not spans")
    by_name = {f.name.lower(): f.id for f in codebook.frames}
    ids = []
    for value in values:
        frame_id = value if value in codebook.frame_ids else by_name.get(value.strip().lower())
        if frame_id is None:
            raise InteropError(f"{where}: label {value!r} is neither a frame id nor a frame name of "
                               f"{codebook.name or 'the codebook'} v{codebook.version} "
                               f"({', '.join(codebook.frame_ids)}); rename it in the tool or pass --codebook")
        if frame_id not in ids:
            ids.append(frame_id)
    return ids


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InteropError(f"{path}: cannot read it as JSON ({error}); pass the tool's JSON export") from None


def read_label_studio(path: str | os.PathLike, codebook: Codebook | str | os.PathLike | None = None, *,
                      text_key: str = "text", from_name: str | None = None) -> list[dict[str, Any]]:
    """Labelled records from a Label Studio JSON export (one per non-cancelled annotation).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.json"
    >>> _ = path.write_text(json.dumps([{"id": 3, "data": {"text": "NATO surrounds Russia."},
    ...     "annotations": [{"completed_by": 1, "was_cancelled": False, "result": [{"type": "choices",
    ...     "from_name": "frames", "to_name": "text", "value": {"choices": ["nato_encirclement"]}}]}]}]))
    >>> read_label_studio(path)
    [{'id': 3, 'text': 'NATO surrounds Russia.', 'frames': ['nato_encirclement'], 'annotator': '1'}]
    """
    path, codebook = Path(path), resolve_codebook(codebook)
    tasks = _load_json(path)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InteropError(f"{path}: expected a list of tasks; export the project as JSON")
    records = []
    for number, task in enumerate(tasks, start=1):
        where = f"{path}: task {number}" + (f" (id {task['id']})" if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise InteropError(f"{where}: has no 'data' object; export the project as JSON (not JSON_MIN)")
        data = task["data"]
        text = data.get(text_key)
        if not isinstance(text, str) or not text.strip():
            raise InteropError(f"{where}: data has no text under {text_key!r} (keys: {', '.join(data) or 'none'}); "
                               "pass --text-key with the key of your Text tag's $value")
        extra = {k: v for k, v in data.items() if k != text_key and k not in _CORE}
        for index, annotation in enumerate(task.get("annotations") or [], start=1):
            if annotation.get("was_cancelled"):
                continue
            at = f"{where}, annotation {index}"
            frames: list[str] = []
            for item in annotation.get("result") or []:
                if item.get("type") == "choices" and from_name in (None, item.get("from_name")):
                    for frame_id in _frame_ids(item.get("value", {}).get("choices"), codebook, at):
                        if frame_id not in frames:
                            frames.append(frame_id)
            record = {"text": text, "frames": codebook.validate(frames),
                      "annotator": _annotator(annotation.get("completed_by")), **extra}
            if "id" in task:
                record = {"id": task["id"], **record}
            records.append(record)
    return records


def _annotator(completed_by: Any) -> str | None:
    if isinstance(completed_by, dict):
        value = completed_by.get("email") or completed_by.get("id")
        return None if value is None else str(value)
    return None if completed_by is None else str(completed_by)


def write_label_studio(records: Iterable[dict[str, Any]], path: str | os.PathLike, *,
                       from_name: str = "frames", to_name: str = "text") -> int:
    """Write records as Label Studio tasks (records sharing an ``id`` become one task); return the count.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tasks.json"
    >>> write_label_studio([{"text": "It rained.", "frames": [], "annotator": "ana"}], path)
    1
    """
    tasks: list[dict[str, Any]] = []
    by_id: dict[Any, dict[str, Any]] = {}
    users: dict[str, int] = {}
    for record in records:
        extra = {k: v for k, v in record.items() if k not in _CORE}
        if record.get("id") is not None and record["id"] in by_id:
            task = by_id[record["id"]]
        else:
            task = ({"id": record["id"]} if record.get("id") is not None else {})
            task.update({"data": {to_name: record["text"], **extra}, "annotations": []})
            tasks.append(task)
            if record.get("id") is not None:
                by_id[record["id"]] = task
        result = [{"id": f"t{len(tasks)}a{len(task['annotations']) + 1}", "type": "choices",
                   "from_name": from_name, "to_name": to_name, "origin": "manual",
                   "value": {"choices": list(record["frames"])}}] if record["frames"] else []
        annotation = {"result": result, "was_cancelled": False, "ground_truth": False}
        annotator = record.get("annotator")
        if annotator is not None:
            users.setdefault(annotator, len(users) + 1)
            annotation["completed_by"] = {"id": users[annotator], "email": annotator,
                                          "first_name": "", "last_name": ""}
        task["annotations"].append(annotation)
    Path(path).write_text(json.dumps(tasks, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(tasks)


def read_doccano(path: str | os.PathLike, codebook: Codebook | str | os.PathLike | None = None, *,
                 annotator: str | None = None) -> list[dict[str, Any]]:
    """Labelled records from a doccano text-classification export (``.jsonl`` or the per-user ``.zip``).

    The annotator is the record's ``annotator`` field, else the member's name in a zip
    (``all.jsonl`` of a collaborative project has none), else ``annotator``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "admin.jsonl"
    >>> _ = path.write_text('{"id": 1, "text": "It rained.", "label": []}\\n')
    >>> read_doccano(path, annotator="admin")
    [{'id': 1, 'text': 'It rained.', 'frames': [], 'annotator': 'admin'}]
    """
    path, codebook = Path(path), resolve_codebook(codebook)
    if path.suffix.lower() == ".zip":
        records = []
        try:
            with zipfile.ZipFile(path) as archive:
                for member in sorted(n for n in archive.namelist() if n.endswith(".jsonl")):
                    stem = Path(member).stem
                    lines = archive.read(member).decode("utf-8").splitlines()
                    records += _doccano_lines(lines, f"{path}!{member}", codebook,
                                              None if stem == "all" else stem)
        except zipfile.BadZipFile as error:
            raise InteropError(f"{path}: not a zip file ({error}); pass doccano's export as downloaded") from None
        return records
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InteropError(f"{path}: cannot read it ({error}); pass doccano's JSONL export") from None
    return _doccano_lines(lines, str(path), codebook, annotator)


def _text_objects(lines: list[str], source: str, json_fix: str, text_fix: str) -> Iterator[tuple[str, dict]]:
    """``(FILE:LINE, object)`` for each non-blank JSON line holding a non-empty ``text``."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InteropError(f"{where}: not valid JSON ({error.msg}); {json_fix}") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise InteropError(f"{where}: {text_fix}")
        yield where, item


def _doccano_lines(lines: list[str], source: str, codebook: Codebook, default: str | None) -> list[dict]:
    records = []
    for where, item in _text_objects(lines, source, "export the project as JSONL",
                                     "no 'text'; export a text-classification project as JSONL"):
        labels = item.get("label", item.get("cats", []))
        extra = {k: v for k, v in item.items() if k not in (*_CORE, "label", "cats", "Comments")}
        record = {"text": item["text"], "frames": codebook.validate(_frame_ids(labels, codebook, where)),
                  "annotator": item.get("annotator", default), **extra}
        records.append({"id": item["id"], **record} if "id" in item else record)
    return records


def write_doccano(records: Iterable[dict[str, Any]], path: str | os.PathLike) -> int:
    """Write records for doccano: a ``.zip`` of one ``<annotator>.jsonl`` each, or one ``.jsonl``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "doccano.jsonl"
    >>> write_doccano([{"text": "It rained.", "frames": [], "annotator": "ana"}], path)
    1
    """
    path = Path(path)
    lines_by_user: dict[str, list[str]] = {}
    in_order: list[str] = []
    for record in records:
        line = {**({"id": record["id"]} if record.get("id") is not None else {}), "text": record["text"],
                **{k: v for k, v in record.items() if k not in _CORE}, "label": list(record["frames"])}
        annotator = record.get("annotator")
        if path.suffix.lower() != ".zip" and annotator is not None:
            line["annotator"] = annotator
        in_order.append(json.dumps(line, ensure_ascii=False))
        lines_by_user.setdefault("all" if annotator is None else annotator, []).append(in_order[-1])
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for user, lines in lines_by_user.items():
                archive.writestr(f"{user}.jsonl", "\n".join(lines) + "\n")
    else:
        path.write_text("".join(line + "\n" for line in in_order), encoding="utf-8")
    return len(in_order)


def write_records(records: Iterable[dict[str, Any]], path: str | os.PathLike) -> int:
    """Write framing's labelled-sentence JSONL; return the number of lines.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> write_records([{"text": "a", "frames": []}], pathlib.Path(tempfile.mkdtemp()) / "x.jsonl")
    1
    """
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def read_records(path: str | os.PathLike, codebook: Codebook | str | os.PathLike | None = None) -> list[dict]:
    """Read framing's labelled-sentence JSONL, checking text and frames of every line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = write_records([{"text": "a", "frames": ["media_war"], "annotator": "b"}], path)
    >>> read_records(path)[0]["frames"]
    ['media_war']
    """
    path, codebook = Path(path), resolve_codebook(codebook)
    if not path.is_file():
        raise InteropError(f"{path}: no such file; give the labelled JSONL written by `framing annotations import`")
    records = []
    for where, record in _text_objects(path.read_text(encoding="utf-8").splitlines(), str(path),
                                       "write one object per line", "field 'text' is missing or empty; write the sentence"):
        record["frames"] = codebook.validate(_frame_ids(record.get("frames", []), codebook, f"{where}: field 'frames'"))
        records.append(record)
    return records
