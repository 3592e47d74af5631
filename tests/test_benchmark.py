import json

import pytest

from framing.benchmark import TrainingOverlapError, check_no_overlap, run_benchmark

from conftest import ROOT, require_corpus


def test_refuses_suite_overlapping_training_documents():
    with pytest.raises(TrainingOverlapError, match="trained or tuned on 1 document"):
        check_no_overlap({"training": {"train_documents": ["d1", "d2"]}}, ["d2", "d9"], "m@1")
    check_no_overlap({"training": {"train_documents": ["d1"]}}, ["d2"], "m@1")
    for unknown in ({}, {"training": {}}, {"training": {"train_documents": []}}):
        with pytest.raises(TrainingOverlapError, match="no training document ids"):
            check_no_overlap(unknown, ["d2"], "m@1")


def test_benchmark_refuses_model_trained_on_test(tiny_model, monkeypatch):
    require_corpus()
    _, root, _ = tiny_model  # trained on every seed article, some of which are in the test split
    monkeypatch.setenv("FRAMING_MODELS", str(root))
    with pytest.raises(TrainingOverlapError, match="tiny@0.1.0 was trained or tuned on"):
        run_benchmark(["tiny@0.1.0"], suites=["sentences"], annotations=ROOT / "annotations", resamples=10)


def test_benchmark_shipped_model_small_run(tmp_path):
    require_corpus()
    report = run_benchmark(["frames-word@1.0.0"], suites=["sentences", "rebuttals", "articles", "calibration"],
                           annotations=ROOT / "annotations", resamples=20, output=tmp_path)
    assert set(report["models"]) == {"frames-word@1.0.0", "baseline:majority", "baseline:keyword"}
    assert report["models"]["baseline:majority"]["sentences"]["micro_f1"] == 0
    s = report["models"]["frames-word@1.0.0"]["sentences"]["intervals"]["micro_f1"]
    assert s["low"] <= s["value"] <= s["high"]
    assert "baseline:majority - frames-word@1.0.0" in report["differences"]
    assert (tmp_path / "report.md").exists() and json.loads((tmp_path / "report.json").read_text())["split"] == "test"
