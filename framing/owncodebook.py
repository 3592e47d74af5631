"""A researcher's own codebook: read a JSON or YAML file into a :class:`~framing.codebook.Codebook`.

File format (JSON or YAML, the same fields)::

    name: energy frames            # optional
    version: 1                     # required: an integer or a string such as "1.2"
    families: [economy, security]  # optional; without it every frame is its own family
    document_kinds: [news, factcheck]   # optional; default: the built-in kinds
    frames:
      - id: energy_blackmail       # lower-case letters, digits and _
        family: economy            # required when there are two or more families
        name: Energy blackmail
        definition: a state uses gas or oil supplies as a political weapon
        examples: ["They will turn off the gas unless we obey."]   # optional

The built-in codebook (``framing/codebook.json``) stays the default everywhere.  A model
trained on another codebook stores it (content hash, version, frame order and the whole
content) in its metadata, so it loads and tags on any machine without the file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .codebook import Codebook, load_codebook
from .errors import InputError

__all__ = ["CodebookError", "read_codebook", "normalise_codebook", "codebook_from_data", "resolve_codebook"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(InputError):
    """A codebook file that cannot be used; the message names the file, the field and the fix."""


def read_codebook(path: str | os.PathLike) -> Codebook:
    """Read and check a codebook file (``.json``, ``.yaml`` or ``.yml``).

    Parameters
    ----------
    path : str or path-like
        The codebook file.

    Returns
    -------
    Codebook
        Its ``content_sha256`` identifies the content whatever the file format.

    Raises
    ------
    CodebookError
        Unreadable file, or a field that is missing or wrong (file, field and fix named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cb.yaml"
    >>> _ = path.write_text("version: 1\\nframes:\\n  - {id: a, name: A, definition: first}\\n"
    ...                     "  - {id: b, name: B, definition: second}\\n")
    >>> read_codebook(path).frame_ids
    ('a', 'b')
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CodebookError(f"{path}: cannot read the codebook ({error.strerror or error}); "
                            "check the path given to --codebook") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(raw.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise CodebookError(f"{path}: not valid YAML ({error}); fix the syntax") from None
    elif path.suffix.lower() == ".json":
        try:
            data = json.loads(raw.decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CodebookError(f"{path}: not valid JSON ({error}); fix the syntax") from None
    else:
        raise CodebookError(f"{path}: unknown codebook format {path.suffix!r}; use .json, .yaml or .yml")
    return codebook_from_data(normalise_codebook(data, str(path)))


def normalise_codebook(data: Any, source: str = "codebook") -> dict[str, Any]:
    """Check a codebook's fields and return them in the form :class:`Codebook` takes.

    Examples
    --------
    >>> data = normalise_codebook({"version": 2, "frames": [{"id": "a", "name": "A", "definition": "d"}]})
    >>> data["families"], data["frames"][0]["family"]
    (['a'], 'a')
    """
    where = source
    if not isinstance(data, dict):
        raise CodebookError(f"{where}: the top level must be a mapping with 'version' and 'frames'")
    if "version" not in data or data["version"] in (None, ""):
        raise CodebookError(f"{where}: field 'version' is missing; add e.g. 'version: 1'")
    frames = data.get("frames")
    if not isinstance(frames, list) or not frames:
        raise CodebookError(f"{where}: field 'frames' must be a non-empty list of frames "
                            "(each with id, name, definition)")
    families = data.get("families")
    if families is not None and (not isinstance(families, list)
                                 or not all(isinstance(f, str) and f for f in families)):
        raise CodebookError(f"{where}: field 'families' must be a list of family ids")
    kinds = data.get("document_kinds", list(load_codebook().document_kinds))
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise CodebookError(f"{where}: field 'document_kinds' must be a list of strings")
    out_frames = []
    seen: set[str] = set()
    for number, frame in enumerate(frames, start=1):
        at = f"{where}: frames[{number}]"
        if not isinstance(frame, dict):
            raise CodebookError(f"{at}: must be a mapping with id, name and definition")
        for field in ("id", "name", "definition"):
            if not isinstance(frame.get(field), str) or not frame[field].strip():
                raise CodebookError(f"{at}: field {field!r} is missing or empty; add it (text)")
        frame_id = frame["id"]
        if not _ID.match(frame_id):
            raise CodebookError(f"{at}: id {frame_id!r} must be lower-case letters, digits and _ "
                                "(starting with a letter), e.g. 'energy_blackmail'")
        if frame_id in seen:
            raise CodebookError(f"{at}: id {frame_id!r} is defined twice; give each frame its own id")
        seen.add(frame_id)
        examples = frame.get("examples", [])
        if isinstance(examples, str):
            examples = [examples]
        if "example" in frame and isinstance(frame["example"], str):
            examples = [frame["example"], *examples]
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise CodebookError(f"{at}: field 'examples' must be a list of sentences")
        family = frame.get("family")
        if families:
            if family is None and len(families) == 1:
                family = families[0]
            if family not in families:
                raise CodebookError(f"{at}: field 'family' is {family!r}; use one of {', '.join(families)}")
        elif family is not None:
            raise CodebookError(f"{at}: names family {family!r} but the codebook lists no 'families'; "
                                "add a 'families' list")
        out_frames.append({"id": frame_id, "family": family or frame_id, "name": frame["name"].strip(),
                           "definition": frame["definition"].strip(),
                           "example": examples[0] if examples else "", "examples": list(examples)})
    return {
        "name": str(data.get("name", "")),
        "version": data["version"],
        "families": list(families) if families else [f["id"] for f in out_frames],
        "document_kinds": list(kinds),
        "rules": dict(data.get("rules", {})),
        "frames": out_frames,
    }


def codebook_from_data(data: dict[str, Any]) -> Codebook:
    """A :class:`Codebook` from normalised data (as stored in a model's metadata).

    Examples
    --------
    >>> cb = codebook_from_data(normalise_codebook({"version": 1, "frames": [
    ...     {"id": "a", "name": "A", "definition": "d"}]}))
    >>> len(cb.content_sha256)
    64
    """
    frames = [{**f, "examples": tuple(f.get("examples", ()))} for f in data["frames"]]
    codebook = Codebook({**data, "frames": frames})
    codebook.data = data  # the hash is over the stored (JSON) form
    return codebook


def resolve_codebook(codebook: Codebook | str | os.PathLike | dict | None) -> Codebook:
    """``None`` → the built-in codebook; a path → :func:`read_codebook`; a dict → its codebook.

    Examples
    --------
    >>> resolve_codebook(None).frame_ids[0]
    'colour_revolution'
    """
    if codebook is None:
        return load_codebook()
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, dict):
        return codebook_from_data(normalise_codebook(codebook))
    return read_codebook(codebook)


def is_builtin(codebook: Codebook) -> bool:
    """True for the codebook shipped with the package.

    Examples
    --------
    >>> is_builtin(load_codebook())
    True
    """
    return codebook is load_codebook()
