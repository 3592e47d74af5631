import json

import numpy as np

from framing.cli import main
from framing.worklist import corpus_documents, rank_documents


class _Fixed:
    """A stand-in model: probability 0.5 (at threshold) for sentences saying 'maybe'."""

    thresholds_ = np.array([0.5, 0.5])

    def predict_proba(self, sentences):
        return np.array([[0.5 if "maybe" in s else 0.01, 0.9 if "sure" in s else 0.0] for s in sentences])


def test_uncertain_and_dense_documents_come_first():
    ranked = rank_documents(_Fixed(), [("plain", ["Nothing.", "Nothing."]), ("unsure", ["maybe so."]),
                                       ("dense", ["sure.", "sure."]), ("empty", [])])
    assert [d.doc_id for d in ranked] == ["unsure", "dense", "plain"]
    assert ranked[0].uncertainty == 1.0 and abs(ranked[1].density - 0.91) < 1e-9


def test_queue_leaves_out_labelled_documents_and_gives_no_labels(registry, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"doc_id": f"d{i}", "title": f"T{i}.", "text": "NATO surrounds Russia. It rained."})
                              + "\n" for i in range(4)))
    labelled = tmp_path / "ann"
    labelled.mkdir()
    (labelled / "a.jsonl").write_text(json.dumps({"doc_id": "d0"}) + "\n")
    out = tmp_path / "queue.tsv"
    assert main(["annotations", "queue", str(corpus), "--annotations", str(labelled), "-o", str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0] == ["doc_id", "priority", "uncertainty", "density", "sentences"]
    assert sorted(r[0] for r in rows[1:]) == ["d1", "d2", "d3"] and all(r[4] == "3" for r in rows[1:])
    assert not any("frames" in line for line in out.read_text().splitlines())


def test_corpus_documents_reads_claim_and_disproof_fields(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"case_id": "e1", "title": "x", "summary": "A claim.", "disproof": "It is false. Really."}) + "\n")
    assert list(corpus_documents(path)) == [("e1", ["A claim.", "It is false.", "Really."])]


def test_one_string_instead_of_a_sentence_list_is_refused():
    import pytest

    from framing.errors import InputError

    with pytest.raises(InputError, match="list of strings, not one string"):
        rank_documents(_Fixed(), [("d1", "NATO keeps surrounding Russia.")])
