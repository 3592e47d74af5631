"""The frame taxonomy, loaded from the versioned data file ``codebook.json``.

The codebook is the single source of truth for frame ids, their order (which is
also the column order of every score matrix), families and definitions.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

from .errors import InputError

__all__ = ["Frame", "Codebook", "UnknownFrameError", "load_codebook", "content_sha256"]


class UnknownFrameError(InputError):
    """Raised for a frame id that the codebook does not define."""


@dataclass(frozen=True)
class Frame:
    """One frame of the codebook."""

    id: str
    family: str
    name: str
    definition: str
    example: str = ""
    examples: tuple[str, ...] = ()


class Codebook:
    """The frame taxonomy: frame ids in a fixed order, families and definitions.

    Examples
    --------
    >>> from framing import load_codebook
    >>> cb = load_codebook()
    >>> cb.frame_ids[0]
    'colour_revolution'
    >>> cb.family_of("nato_encirclement")
    'western_militarism'
    """

    def __init__(self, data: dict, raw: bytes = b""):
        self.version: int | str = _version(data["version"])
        self.name: str = str(data.get("name", ""))
        self.families: tuple[str, ...] = tuple(data["families"])
        self.rules: dict[str, str] = dict(data.get("rules", {}))
        self.document_kinds: tuple[str, ...] = tuple(data["document_kinds"])
        # Document kinds whose text rebuts frames (fact-checks): benchmarks measure false alarms there.
        self.rebuttal_kinds: tuple[str, ...] = tuple(data.get("rebuttal_kinds", ("disproof", "factcheck")))
        # The oldest version with the same frame ids: models trained since then stay valid.  Only an
        # integer version has a "since" (the built-in codebook); a string version such as "1.2" has None.
        since = _version(data.get("frames_unchanged_since", self.version))
        self.frames_unchanged_since: int | None = since if isinstance(since, int) else None
        self.frames: tuple[Frame, ...] = tuple(Frame(**f) for f in data["frames"])
        self.frame_ids: tuple[str, ...] = tuple(f.id for f in self.frames)
        self._by_id = {f.id: f for f in self.frames}
        self.data: dict = data
        self.sha256: str = hashlib.sha256(raw).hexdigest() if raw else ""
        for frame in self.frames:
            if frame.family not in self.families:
                raise InputError(f"frame {frame.id!r} names unknown family {frame.family!r}")
        if len(self._by_id) != len(self.frames):
            raise InputError("codebook defines a frame id twice")

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the codebook's content (canonical JSON), whatever file format it came from."""
        return content_sha256(self.data)

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"Codebook(version={self.version}, frames={len(self)}, families={len(self.families)})"

    def frame(self, frame_id: str) -> Frame:
        """Return the frame with this id, or raise :class:`UnknownFrameError`."""
        try:
            return self._by_id[frame_id]
        except (KeyError, TypeError):
            raise UnknownFrameError(self.unknown_message(frame_id)) from None

    def unknown_message(self, frame_id: object) -> str:
        near = difflib.get_close_matches(str(frame_id), self.frame_ids, n=1, cutoff=0.5)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        return (
            f"unknown frame id {frame_id!r}.{hint} "
            f"Valid ids (codebook v{self.version}): {', '.join(self.frame_ids)}"
        )

    def validate(self, frame_ids: Iterable[str]) -> list[str]:
        """Check every id and return them in codebook order, without duplicates."""
        given = set()
        for frame_id in frame_ids:
            self.frame(frame_id)
            given.add(frame_id)
        return [f for f in self.frame_ids if f in given]

    def index(self, frame_id: str) -> int:
        """Column index of a frame id."""
        return self.frame_ids.index(self.frame(frame_id).id)

    def family_of(self, frame_id: str) -> str:
        """Family id of a frame id."""
        return self.frame(frame_id).family

    def frames_in(self, family: str) -> list[str]:
        """Frame ids of one family, in codebook order."""
        if family not in self.families:
            raise UnknownFrameError(
                f"unknown family {family!r}. Valid families: {', '.join(self.families)}"
            )
        return [f.id for f in self.frames if f.family == family]

    def to_indicator(self, labels: Sequence[Iterable[str]]):
        """Turn lists of frame ids into a 0/1 numpy matrix in codebook order."""
        import numpy as np

        matrix = np.zeros((len(labels), len(self)), dtype=np.int64)
        for row, frame_ids in enumerate(labels):
            for frame_id in frame_ids:
                matrix[row, self.index(frame_id)] = 1
        return matrix

    def family_indicator(self, indicator):
        """Collapse a frame indicator/score matrix to families (max over member frames)."""
        import numpy as np

        indicator = np.asarray(indicator)
        columns = [
            indicator[:, [self.frame_ids.index(f) for f in self.frames_in(family)]].max(axis=1)
            for family in self.families
        ]
        return np.stack(columns, axis=1)


def content_sha256(data: dict) -> str:
    """SHA-256 of a codebook's data as canonical JSON (sorted keys, no spaces, UTF-8).

    Examples
    --------
    >>> content_sha256({"version": 1}) == content_sha256({"version": 1})
    True
    """
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _version(value) -> int | str:
    """Codebook version: an integer when it looks like one (the built-in codebook), else a string."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


@lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    """Load the codebook shipped inside the package."""
    raw = resources.files("framing").joinpath("codebook.json").read_bytes()
    return Codebook(json.loads(raw), raw)
