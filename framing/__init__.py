"""framing: find rhetorical frames in news and opinion writing, sentence by sentence."""

from __future__ import annotations

__version__ = "0.1.0"

from .annotations import (AnnotationError, CorpusMissingError, GoldSet, LabelledSentence,
                          load_annotations, validate_annotations)
from .codebook import Codebook, Frame, UnknownFrameError, load_codebook
from .model import FrameClassifier
from .readers import Article, ReadError, read_articles
from .registry import ModelNotFound, ModelRefused, list_models
from .scoring import Tagger, load, score_articles
from .segmentation import Sentence, split_sentences

__all__ = [
    "__version__",
    "Article",
    "AnnotationError",
    "Codebook",
    "CorpusMissingError",
    "Frame",
    "FrameClassifier",
    "GoldSet",
    "LabelledSentence",
    "ModelNotFound",
    "ModelRefused",
    "ReadError",
    "Sentence",
    "Tagger",
    "UnknownFrameError",
    "list_models",
    "load",
    "load_annotations",
    "load_codebook",
    "read_articles",
    "score_articles",
    "split_sentences",
    "validate_annotations",
]
