import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
CORPUS = CORPUS_DIR / "euvsdisinfo_cases_2015_2017.jsonl"


def require_corpus():
    """Skip where the third-party corpus is absent, except in CI, where it must be there."""
    import os

    if not CORPUS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the corpus beside the checkout ({CORPUS_DIR})")
        pytest.skip("corpus file not present")
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_records():
    """The labelled seed sentences (they carry their text), a small real data set."""
    return [json.loads(line) for line in (ROOT / "annotations" / "seeds.jsonl").read_text().splitlines()]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, seed_records):
    """A small word-only model trained on the seed sentences, saved in a temporary registry."""
    from framing.model import FrameClassifier
    from framing.registry import save_model

    texts = [r["text"] for r in seed_records]
    frames = [r["frames"] for r in seed_records]
    groups = [r["doc_id"] for r in seed_records]
    clf = FrameClassifier(char_ngram_range=None, min_df=1, cv=3).fit(texts, frames, groups=groups)
    root = tmp_path_factory.mktemp("registry")
    folder = save_model(clf, "tiny", "0.1.0", root=root, metadata={"training": {
        "train_documents": sorted(set(groups)), "dev_documents": []}}, make_default=True)
    return clf, root, folder


@pytest.fixture()
def registry(tiny_model, monkeypatch):
    """The tiny model as the default of a temporary registry."""
    from framing.scoring import forget_loaded_models

    _, root, _ = tiny_model
    monkeypatch.setenv("FRAMING_MODELS", str(root))
    forget_loaded_models()
    yield root
    forget_loaded_models()
