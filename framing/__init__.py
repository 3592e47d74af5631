"""framing: find rhetorical frames in news and opinion writing, sentence by sentence.

The public names are imported on first use (PEP 562), so ``import framing`` and the
command line start without loading scikit-learn until a model is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    "AnnotationError": "annotations",
    "CorpusMissingError": "corpus",
    "GoldSet": "goldset",
    "LabelledSentence": "goldset",
    "load_annotations": "annotations",
    "validate_annotations": "annotations",
    "Codebook": "codebook",
    "Frame": "codebook",
    "UnknownFrameError": "codebook",
    "load_codebook": "codebook",
    "FramingError": "errors",
    "InputError": "errors",
    "FrameClassifier": "model",
    "Article": "readers",
    "ReadError": "readers",
    "read_articles": "readers",
    "ModelNotFound": "registry",
    "ModelRefused": "registry",
    "list_models": "registry",
    "Tagger": "scoring",
    "load": "scoring",
    "score_articles": "batch",
    "Sentence": "segmentation",
    "split_sentences": "segmentation",
    "rank_documents": "worklist",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from .annotations import AnnotationError, load_annotations, validate_annotations
    from .goldset import GoldSet, LabelledSentence
    from .corpus import CorpusMissingError
    from .batch import score_articles
    from .codebook import Codebook, Frame, UnknownFrameError, load_codebook
    from .errors import FramingError, InputError
    from .model import FrameClassifier
    from .readers import Article, ReadError, read_articles
    from .registry import ModelNotFound, ModelRefused, list_models
    from .scoring import Tagger, load
    from .segmentation import Sentence, split_sentences
    from .worklist import rank_documents
