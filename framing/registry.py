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

__all__ = ["ModelRefused", "ModelNotFound", "list_models", "resolve", "save_model", "load_artifact",
           "TRUSTED_TYPES", "ARTIFACT_FORMAT"]

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


def default_reference(root: Path | None = None) -> str | None:
    root = root or models_root()
    index = root / INDEX_FILE
    if index.exists():
        return json.loads(index.read_text()).get("default")
    return None


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
    if path.name == MODEL_FILE and path.exists():
        return path.parent
    ref = str(ref)
    name, _, version = ref.partition("@")
    candidates = [r for r in list_models(root) if r.split("@")[0] == name]
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
    codebook = load_codebook() if own is None else _own_codebook(own)
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
    if own is not None:  # stored whole: the model loads and reports families without the file
        record["codebook"] = own
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
    try:
        metadata = json.loads(metadata_path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ModelRefused(f"{metadata_path}: unreadable metadata ({error})") from None
    model_path = folder / MODEL_FILE
    if not model_path.exists():
        raise ModelRefused(f"{model_path}: model file is missing")
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
    return estimator, metadata


def _own_codebook(data: dict):
    from .owncodebook import codebook_from_data

    return codebook_from_data(data)


def _check_own_codebook(metadata: dict[str, Any], folder: Path) -> None:
    """A model trained on a researcher's own codebook: check the stored codebook against its hash."""
    from .owncodebook import CodebookError

    try:
        codebook = _own_codebook(metadata["codebook"])
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
