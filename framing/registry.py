"""Versioned model artifacts on disk: ``models/<name>/<version>/``.

Each version holds ``model.skops`` (written with ``skops.io``, never pickle), ``metadata.json``
(versions, codebook version and hash, frame order, thresholds, training-data hash and
counts, library versions, metrics, and the SHA-256 of ``model.skops``) and a generated
model card ``README.md``.  Loading checks the file hash first, then the codebook, then the
types the file would build against :data:`TRUSTED_TYPES`; only then is anything built.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .codebook import load_codebook
from .errors import FramingError, InputError, RefusedError
from .owncodebook import CodebookError, codebook_from_data

__all__ = ["ModelRefused", "ModelNotFound", "list_models", "resolve", "save_model", "load_artifact",
           "TRUSTED_TYPES", "ARTIFACT_FORMAT", "metadata_sha256", "DESCRIBING", "model_codebook"]

MODELS_ENV = "FRAMING_MODELS"
MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
INDEX_FILE = "registry.json"
ARTIFACT_FORMAT = 1
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")

# Every type a FrameClassifier artifact may contain.  Kept here, in code: the list a file asks
# for is never trusted.
TRUSTED_TYPES = [
    "framing.model.FrameClassifier",
    "framing.context.ContextFrameClassifier",
    "framing.pieces.PieceVectorizer",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "numpy.ndarray",
    "builtins.object",
    "builtins.tuple",
    "builtins.slice",
    "builtins.frozenset",
    "builtins.set",
    "builtins.str",
    "numpy.str_",
    "numpy.bool_",
    "numpy.bool",
    "builtins.bool",
    "builtins.int",
    "builtins.float",
    "builtins.NoneType",
    "builtins.dict",
    "builtins.list",
    "numpy.random._generator.Generator",
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
]


class ModelRefused(RefusedError, RuntimeError):
    """A model artifact failed an integrity, type or codebook check and was not loaded."""


class ModelNotFound(FramingError, LookupError):
    """No model matches the reference."""


def models_root() -> Path:
    """Where the registry lives: ``$FRAMING_MODELS``, else the shipped ``framing.models`` package."""
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    from importlib import resources

    return Path(str(resources.files("framing.models")))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


_INDEX_FIX = ('it must be {"default": "name@version"} naming an installed model; fix it, or run '
              '`framing train ... --default`')


def default_reference(root: Path | None = None) -> str | None:
    """The default model named in ``registry.json``; None when the file is absent.

    A damaged file is refused with its name and the fix.
    """
    root = root or models_root()
    index = root / INDEX_FILE
    if not index.exists():
        return None
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelRefused(f"{index}: not valid JSON ({error}); {_INDEX_FIX}") from None
    if not isinstance(data, dict) or not isinstance(data.get("default"), str) or not data["default"]:
        raise ModelRefused(f"{index}: names no default model (found {json.dumps(data)[:60]}); {_INDEX_FIX}")
    return data["default"]


# The metadata fields that describe the model file and how it labels: ``metadata_sha256`` is
# the SHA-256 of their canonical JSON, so editing any of them is detected on load.
DESCRIBING = ("name", "version", "artifact_format", "codebook_version", "codebook_sha256", "codebook",
              "frames", "thresholds", "params", "model_sha256")


def metadata_sha256(metadata: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the metadata fields in :data:`DESCRIBING`.

    Examples
    --------
    >>> a = metadata_sha256({"name": "m", "version": "1.0.0", "metrics": {"f1": 0.5}})
    >>> a == metadata_sha256({"version": "1.0.0", "name": "m"}), a == metadata_sha256({"name": "n"})
    (True, False)
    """
    described = {k: metadata[k] for k in DESCRIBING if k in metadata}
    canonical = json.dumps(described, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _sha256(canonical.encode("utf-8"))


def list_models(root: str | os.PathLike | None = None) -> list[str]:
    """Installed model references ``name@version``, sorted by name then version."""
    root = Path(root) if root else models_root()
    refs = []
    if root.is_dir():
        for metadata in sorted(root.glob(f"*/*/{METADATA_FILE}")):
            refs.append(f"{metadata.parent.parent.name}@{metadata.parent.name}")
    return sorted(refs, key=lambda r: (r.split("@")[0], _version_key(r.split("@")[1])
                                       if _VERSION.match(r.split("@")[1]) else (0,)))


def resolve(ref: str | os.PathLike | None = None, root: str | os.PathLike | None = None) -> Path:
    """Turn ``None`` (the default), ``"name"`` (its newest version), ``"name@version"`` or a path
    into the artifact's folder."""
    root = Path(root) if root else models_root()
    if ref is None:
        ref = default_reference(root)
        if ref is None:
            raise ModelNotFound(f"no default model: {root / INDEX_FILE} is missing. "
                                "Train one with `framing train`.")
    path = Path(ref)
    if path.is_dir() and (path / METADATA_FILE).exists():
        return path
    if path.is_dir() and (path / MODEL_FILE).exists():
        raise ModelRefused(f"{path / METADATA_FILE} is missing; a model folder needs {MODEL_FILE} and "
                           f"{METADATA_FILE}: restore it from where the model came from, or retrain")
    if path.name == MODEL_FILE and path.exists():
        return path.parent
    if path.is_dir() or len(path.parts) > 1:
        problem = f"a folder without {MODEL_FILE} and {METADATA_FILE}" if path.is_dir() else "no such model folder"
        raise ModelNotFound(f"{path}: {problem}; give a model version folder (models/NAME/VERSION) or a "
                            f"name such as {', '.join(list_models(root)[:2]) or 'frames@2.0.0'}")
    ref = str(ref)
    name, _, version = ref.partition("@")
    candidates = [r for r in list_models(root) if r.split("@")[0] == name]
    if version and f"{name}@{version}" not in candidates:
        if (root / name / version / MODEL_FILE).exists():
            raise ModelRefused(f"{root / name / version / METADATA_FILE} is missing; a model folder needs "
                               f"{MODEL_FILE} and {METADATA_FILE}: restore it, or retrain {name}@{version}")
    if not candidates:
        raise ModelNotFound(f"no model {ref!r} in {root}; installed: {', '.join(list_models(root)) or 'none'}")
    if version:
        if f"{name}@{version}" not in candidates:
            raise ModelNotFound(f"no version {version!r} of {name!r}; installed: {', '.join(candidates)}")
        return root / name / version
    return root / name / candidates[-1].split("@")[1]


def library_versions() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn
    import skops

    from . import __version__

    return {"framing": __version__, "python": platform.python_version(), "numpy": numpy.__version__,
            "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "skops": skops.__version__}


def save_model(estimator, name: str, version: str, *, metadata: dict[str, Any] | None = None,
               root: str | os.PathLike | None = None, card: str | None = None,
               make_default: bool = False) -> Path:
    """Write ``estimator`` as ``<root>/<name>/<version>/`` with metadata and a model card."""
    import skops.io as sio

    if not _VERSION.match(version):
        raise InputError(f"version {version!r} must look like 1.0.0")
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", name):
        raise InputError(f"name {name!r}: use lower-case letters, digits, - and _")
    root = Path(root) if root else models_root()
    folder = root / name / version
    folder.mkdir(parents=True, exist_ok=True)
    data = sio.dumps(estimator)
    (folder / MODEL_FILE).write_bytes(data)
    own = getattr(estimator, "codebook", None)  # the data of a researcher's own codebook, or None
    codebook = load_codebook() if own is None else codebook_from_data(own)
    record = {
        **(metadata or {}),  # the fields below describe the file itself and cannot be overridden
        "name": name,
        "version": version,
        "artifact_format": ARTIFACT_FORMAT,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "codebook_version": codebook.version,
        "codebook_sha256": codebook.sha256 if own is None else codebook.content_sha256,
        "frames": [str(f) for f in estimator.frames_],
        "thresholds": [float(t) for t in estimator.thresholds_],
        "params": {k: (list(v) if isinstance(v, tuple) else v)
                   for k, v in estimator.get_params().items()},
        "libraries": library_versions(),
        "model_sha256": _sha256(data),
    }
    record.pop("codebook", None)
    record.pop("metadata_sha256", None)
    if own is not None:  # stored whole: the model loads and reports families without the file
        record["codebook"] = own
    record["metadata_sha256"] = metadata_sha256(record)
    (folder / METADATA_FILE).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    if card is not None:
        (folder / "README.md").write_text(card)
    if make_default:
        (root / INDEX_FILE).write_text(json.dumps({"default": f"{name}@{version}"}, indent=1) + "\n")
    return folder


def _types_in(data: bytes, model_path: Path) -> set[str]:
    """Every ``module.Class`` the skops file would build, read from its schema without building."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
        raise ModelRefused(f"{model_path}: not a skops model file ({error})") from None
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def load_artifact(ref: str | os.PathLike | None = None, root: str | os.PathLike | None = None):
    """Check and load a model artifact; return ``(estimator, metadata)``.

    Raises
    ------
    ModelRefused
        The file's SHA-256 differs from its metadata, the metadata names another codebook
        version, or the file would build a type outside :data:`TRUSTED_TYPES`.
    ModelNotFound
        No such model.
    """
    import skops.io as sio

    folder = resolve(ref, root)
    metadata_path = folder / METADATA_FILE
    metadata = _read_metadata(metadata_path)
    model_path = folder / MODEL_FILE
    if not model_path.exists():
        raise ModelRefused(f"{model_path}: model file is missing; restore it beside {METADATA_FILE}, or retrain")
    data = model_path.read_bytes()  # hashed, inspected and loaded from this one read
    actual = _sha256(data)
    if actual != metadata.get("model_sha256"):
        raise ModelRefused(f"{model_path}: SHA-256 {actual[:12]}… does not match the metadata "
                           f"({str(metadata.get('model_sha256'))[:12]}…); the file was changed or corrupted")
    if metadata.get("artifact_format", 1) > ARTIFACT_FORMAT:
        raise ModelRefused(f"{folder}: artifact format {metadata['artifact_format']} is newer than this "
                           f"framing reads ({ARTIFACT_FORMAT}); upgrade framing")
    if metadata.get("codebook") is not None:
        _check_own_codebook(metadata, folder)
    else:
        _check_builtin_codebook(metadata, folder)
    untrusted = sorted((_types_in(data, model_path) | set(sio.get_untrusted_types(data=data)))
                       - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelRefused(f"{model_path}: refuses to load untrusted type(s): {', '.join(untrusted)}")
    estimator = sio.loads(data, trusted=TRUSTED_TYPES)
    from .context import ContextFrameClassifier
    from .model import FrameClassifier

    if not isinstance(estimator, (FrameClassifier, ContextFrameClassifier)):
        raise ModelRefused(f"{model_path}: holds a {type(estimator).__name__}, not a framing estimator")
    if getattr(estimator, "codebook", None) != metadata.get("codebook"):
        raise ModelRefused(f"{model_path}: the codebook inside the model differs from its metadata")
    _check_described(metadata, metadata_path, estimator,
                     registered=folder.parent.parent.resolve() == Path(root or models_root()).resolve())
    return estimator, metadata


_FIELD_TYPES = {"name": str, "version": str, "model_sha256": str, "artifact_format": int,
                "frames": list, "thresholds": list}
_RESTORE = "restore the file from where the model came from, or retrain the model"


def _read_metadata(path: Path) -> dict[str, Any]:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelRefused(f"{path}: not valid JSON ({error}); {_RESTORE}") from None
    except OSError as error:
        raise ModelRefused(f"{path}: cannot be read ({error.strerror}); {_RESTORE}") from None
    if not isinstance(metadata, dict):
        raise ModelRefused(f"{path}: must be a JSON object of model metadata, found a "
                           f"{type(metadata).__name__}; {_RESTORE}")
    for field, kind in _FIELD_TYPES.items():
        if field not in metadata and field != "model_sha256":
            continue
        value = metadata.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ModelRefused(f"{path}: field {field!r} is {json.dumps(value)}, not a "
                               f"{'number' if kind is int else kind.__name__}; {_RESTORE}")
    return metadata


def _check_described(metadata: dict[str, Any], path: Path, estimator, *, registered: bool) -> None:
    """The metadata fields that describe the model have not been edited.

    With ``metadata_sha256`` (models saved since it was added) every field in
    :data:`DESCRIBING` is covered.  Older metadata without it is checked where it can be:
    frames and thresholds against the model file, and name and version against the folder.
    """
    recorded = metadata.get("metadata_sha256")
    if recorded is not None:
        if recorded != metadata_sha256(metadata):
            raise ModelRefused(f"{path}: its fields ({', '.join(k for k in DESCRIBING if k in metadata)}) "
                               f"do not match metadata_sha256 {str(recorded)[:12]}…; the metadata was edited. "
                               f"{_RESTORE[0].upper()}{_RESTORE[1:]}")
    if "frames" in metadata and [str(f) for f in estimator.frames_] != metadata["frames"]:
        raise ModelRefused(f"{path}: field 'frames' differs from the frames in {MODEL_FILE}; {_RESTORE}")
    if "thresholds" in metadata and [float(t) for t in estimator.thresholds_] != metadata["thresholds"]:
        raise ModelRefused(f"{path}: field 'thresholds' differs from the thresholds in {MODEL_FILE}; "
                           f"{_RESTORE}")
    codebook = load_codebook()
    if metadata.get("codebook") is None and metadata.get("codebook_version") == codebook.version \
            and metadata.get("codebook_sha256") != codebook.sha256:
        raise ModelRefused(f"{path}: codebook_sha256 {str(metadata.get('codebook_sha256'))[:12]}… is not the "
                           f"SHA-256 of codebook v{codebook.version} ({codebook.sha256[:12]}…); the metadata "
                           "was edited or the codebook changed without a new version: retrain")
    if registered and (metadata.get("name"), metadata.get("version")) != (path.parent.parent.name,
                                                                          path.parent.name):
        raise ModelRefused(f"{path}: names {metadata['name']}@{metadata['version']} but sits in "
                           f"{path.parent.parent.name}/{path.parent.name}; {_RESTORE}")


def model_codebook(metadata: dict[str, Any]):
    """The codebook a model was trained with: its own (stored in its metadata) or the built-in one."""
    own = metadata.get("codebook")
    return load_codebook() if own is None else codebook_from_data(own)


def _check_own_codebook(metadata: dict[str, Any], folder: Path) -> None:
    """A model trained on a researcher's own codebook: check the stored codebook against its hash."""
    try:
        codebook = codebook_from_data(metadata["codebook"])
    except (CodebookError, KeyError, TypeError, ValueError) as error:
        raise ModelRefused(f"{folder}: its stored codebook is unreadable ({error})") from None
    if codebook.content_sha256 != metadata.get("codebook_sha256"):
        raise ModelRefused(f"{folder}: its stored codebook does not match codebook_sha256 "
                           f"({str(metadata.get('codebook_sha256'))[:12]}…); the metadata was edited")
    if list(metadata.get("frames", [])) != list(codebook.frame_ids):
        raise ModelRefused(f"{folder}: its frames differ from its own codebook's frame ids")


def _check_builtin_codebook(metadata: dict[str, Any], folder: Path) -> None:
    codebook = load_codebook()
    trained_with = metadata.get("codebook_version")
    if not isinstance(trained_with, int) or not codebook.frames_unchanged_since <= trained_with <= codebook.version:
        raise ModelRefused(f"{folder}: trained with codebook v{trained_with}, this framing has codebook "
                           f"v{codebook.version} (same frames since v{codebook.frames_unchanged_since}); "
                           "retrain with `framing train`")
    if list(metadata.get("frames", [])) != [f for f in codebook.frame_ids]:
        raise ModelRefused(f"{folder}: its frames differ from codebook v{codebook.version}'s frame ids")
