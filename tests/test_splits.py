import json

import numpy as np
import pytest

from framing.errors import InputError
from framing.splits import make_splits, read_splits, write_splits


def _indicator(rows):
    return np.array([[1 if "covert_plot" in r else 0] for r in rows])


def test_splits_are_by_document_and_cover_all():
    documents = {f"d{i}": (["covert_plot"] if i % 3 == 0 else []) for i in range(60)}
    splits = make_splits(documents, _indicator, random_state=0)
    assert len(splits) == 60 and set(splits.values()) == {"train", "dev", "test"}
    assert 36 <= list(splits.values()).count("train") <= 48
    positives = {s for d, s in splits.items() if int(d[1:]) % 3 == 0}
    assert positives == {"train", "dev", "test"}


def test_existing_documents_keep_their_split():
    documents = {f"d{i}": (["covert_plot"] if i % 3 == 0 else []) for i in range(60)}
    keep = {f"d{i}": "test" for i in range(10)}
    splits = make_splits(documents, _indicator, keep=keep, random_state=1)
    assert all(splits[d] == "test" for d in keep)
    new = [splits[d] for d in documents if d not in keep]
    assert set(new) == {"train", "dev", "test"} and len(new) == 50


def test_splits_file_round_trip_and_damage(tmp_path):
    path = tmp_path / "splits.json"
    write_splits(path, {"a": "train", "b": "dev"}, seed=0)
    assert read_splits(path) == {"a": "train", "b": "dev"}
    path.write_text(json.dumps({"documents": {"a": "training"}}))
    with pytest.raises(InputError, match="unknown split name.*'a': 'training'"):
        read_splits(path)
    path.write_text("{not json")
    with pytest.raises(InputError, match="splits.json:1: not a splits file: invalid JSON"):
        read_splits(path)
