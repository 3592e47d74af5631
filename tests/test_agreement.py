import json

import pytest

from framing import load_annotations
from framing.agreement import agreement


def _records(pairs):
    rows = []
    for i, (a, b) in enumerate(pairs):
        rows.append({"sentence_id": f"d{i}:0", "doc_id": f"d{i}", "position": 0, "source": "t",
                     "kind": "claim", "text": f"Sentence {i}.", "frames": a, "annotator": "adjudicated",
                     "labels": [{"annotator": "a1", "frames": a}, {"annotator": "b1", "frames": b}]})
    return rows


def test_agreement_perfect_and_known_kappa(tmp_path):
    # covert_plot: A = 1,1,0,0 ; B = 1,0,0,0 -> po = .75, pe = .5*.25 + .5*.75 = .5, kappa = .5
    pairs = [(["covert_plot"], ["covert_plot"]), (["covert_plot"], []), ([], []), (["media_war"], ["media_war"])]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records(pairs)) + "\n")
    result = agreement(load_annotations(path))
    assert result["sentences"] == 4 and result["exact_match"] == 0.75
    assert result["per_frame"]["covert_plot"]["kappa"] == pytest.approx(0.5)
    assert result["per_frame"]["media_war"]["kappa"] == pytest.approx(1.0)
    assert result["per_frame"]["biolabs"]["alpha"] is None
