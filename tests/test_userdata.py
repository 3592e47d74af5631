"""Reading and checking a user's labelled sentences; training on them from files, pandas and datasets."""

import json
from pathlib import Path

import pandas as pd
import pytest

from framing.cli import main
from framing.userdata import UserDataError, check_trainable, read_labelled, text_fingerprints
from framing.usertraining import train_on_data

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial"
CODEBOOK = TUTORIAL / "codebook.yaml"
FAST = {"char_ngram_range": None, "min_df": 1, "cv": 3}


def _rows():
    return pd.read_csv(TUTORIAL / "labels.csv", keep_default_na=False)


def _write_csv(tmp_path, frame, name="labels.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_every_supported_source_gives_the_same_rows(tmp_path):
    import datasets

    expected = read_labelled(TUTORIAL / "labels.csv", group_field="doc", codebook=CODEBOOK)
    frame = _rows()
    as_lists = frame.assign(frames=[[f] if f else [] for f in frame["frames"]])
    tsv = tmp_path / "labels.tsv"
    frame.to_csv(tsv, sep="\t", index=False)
    jsonl = tmp_path / "labels.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in as_lists.to_dict(orient="records")))
    parquet = tmp_path / "labels.parquet"
    as_lists.to_parquet(parquet)
    saved = tmp_path / "saved"
    datasets.Dataset.from_pandas(as_lists).save_to_disk(str(saved))
    sources = [tsv, jsonl, parquet, saved, as_lists, datasets.Dataset.from_pandas(as_lists),
               frame.assign(frames=[json.dumps([f] if f else []) for f in frame["frames"]])]
    for source in sources:
        data = read_labelled(source, group_field="doc", codebook=CODEBOOK)
        assert (data.texts, data.frames, data.groups) == (expected.texts, expected.frames, expected.groups), source


def test_semicolon_separated_frames_and_sha256(tmp_path):
    frame = _rows()
    frame.loc[0, "frames"] = "energy_weapon; sanctions_backfire"
    path = _write_csv(tmp_path, frame)
    data = read_labelled(path, codebook=CODEBOOK)
    assert data.frames[0] == ["energy_weapon", "sanctions_backfire"]
    import hashlib

    assert data.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data.describe()["positives"] == {"energy_weapon": 6, "sanctions_backfire": 7}


def test_unknown_frame_id_names_file_line_field_and_fix(tmp_path):
    frame = _rows()
    frame.loc[3, "frames"] = "energy_weapn"
    frame.loc[5, "frames"] = "energy_weapon,sanctions_backfire"
    path = _write_csv(tmp_path, frame)
    with pytest.raises(UserDataError) as error:
        read_labelled(path, codebook=CODEBOOK)
    first, second = error.value.problems
    assert first.startswith(f"{path}:5: field 'frames': unknown frame id 'energy_weapn'. Did you mean 'energy_weapon'?")
    assert "Fix: correct the label" in first
    assert second.startswith(f"{path}:7:") and "separate frames with ';'" in second


def test_empty_text_is_reported_with_its_line(tmp_path):
    frame = _rows()
    frame.loc[2, "text"] = "   "
    path = _write_csv(tmp_path, frame)
    with pytest.raises(UserDataError, match=rf"{path}:4: field 'text' is empty; write the sentence or delete the row"):
        read_labelled(path, codebook=CODEBOOK)


def test_frame_with_too_few_positives_is_reported_before_training(tmp_path):
    frame = _rows()
    keep = frame["frames"] != "sanctions_backfire"
    frame = pd.concat([frame[keep], frame[~keep].head(2)])
    path = _write_csv(tmp_path, frame)
    with pytest.raises(UserDataError, match=r"frame 'sanctions_backfire' has 2 positive row\(s\) \(at .*labels.csv:\d+, "
                                            r".*min_positives=3.*Fix: label more sentences"):
        train_on_data(path, codebook=CODEBOOK, params=FAST, root=tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_missing_group_column_is_reported(tmp_path):
    with pytest.raises(UserDataError, match=r"labels.csv: field 'document' \(--group-field\) is not a column; "
                                            r"columns are: text, frames, doc. Fix: pass --group-field"):
        read_labelled(TUTORIAL / "labels.csv", group_field="document", codebook=CODEBOOK)


def test_empty_group_value_and_unknown_kind_are_reported(tmp_path):
    frame = _rows().assign(kind="news")
    frame.loc[1, "doc"] = ""
    frame.loc[2, "kind"] = "blog"
    path = _write_csv(tmp_path, frame)
    with pytest.raises(UserDataError) as error:
        read_labelled(path, group_field="doc", kind_field="kind", codebook=CODEBOOK)
    assert error.value.problems[0].startswith(f"{path}:3: field 'doc' is empty")
    assert error.value.problems[1].startswith(f"{path}:4: field 'kind' has 'blog'; use one of")


def test_bad_jsonl_line_and_too_few_documents(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"text": "a", "frames": []}\n{broken\n')
    with pytest.raises(UserDataError, match=rf"{path}:2: not valid JSON"):
        read_labelled(path, codebook=CODEBOOK)
    data = read_labelled(TUTORIAL / "labels.csv", group_field="doc", codebook=CODEBOOK)
    with pytest.raises(UserDataError, match="6 document\\(s\\) in the group field but cv=10"):
        check_trainable(data, cv=10)


def test_malformed_json_file_names_file_line_and_fix(tmp_path, capsys, monkeypatch):
    import hashlib

    path = tmp_path / "labels.json"
    path.write_text('[\n  {"text": "a", "frames": []},\n  {"text": "b", "frames": [}\n]\n')
    with pytest.raises(UserDataError, match=rf"{path}:3: not valid JSON \(.*column 28\); fix the syntax") as error:
        read_labelled(path, codebook=CODEBOOK)
    assert len(error.value.problems) == 1 and "write one object per line as .jsonl" in error.value.problems[0]
    monkeypatch.setenv("FRAMING_MODELS", str(tmp_path / "models"))
    code = main(["train", "--data", str(path), "--codebook", str(CODEBOOK), "--name", "x", "--version", "0.1.0"])
    err = capsys.readouterr().err
    assert code == 2 and f"{path}:3: not valid JSON" in err and "Traceback" not in err
    binary = tmp_path / "labels.jsonl"
    binary.write_bytes(b'{"text": "a", "frames": []}\n{"text": "\xff", "frames": []}\n')
    with pytest.raises(UserDataError, match=rf"{binary}:2: not UTF-8 text .*; save the file as UTF-8"):
        read_labelled(binary, codebook=CODEBOOK)
    rows = _rows()
    for good in (tmp_path / "good.json", tmp_path / "good.jsonl"):
        records = [{"text": t, "frames": f.split(";") if f else []} for t, f in zip(rows["text"], rows["frames"])]
        good.write_text(json.dumps(records) if good.suffix == ".json"
                        else "".join(json.dumps(r) + "\n" for r in records))
        data = read_labelled(good, codebook=CODEBOOK)
        assert data.sha256 == hashlib.sha256(good.read_bytes()).hexdigest() and len(data) == len(rows)


def test_train_from_dataframe_and_dataset(tmp_path):
    import datasets

    frame = _rows()
    clf, folder = train_on_data(frame, group_field="doc", codebook=CODEBOOK, params=FAST, name="df",
                                version="0.1.0", root=tmp_path)
    clf2, _ = train_on_data(datasets.Dataset.from_pandas(frame), group_field="doc", codebook=CODEBOOK,
                            params=FAST, name="ds", version="0.1.0", root=tmp_path)
    assert list(clf.frames_) == ["energy_weapon", "sanctions_backfire"]
    assert (clf.coef_ == clf2.coef_).all()
    data = json.loads((folder / "metadata.json").read_text())["training"]["data"]
    assert data["file"] == "DataFrame" and data["rows"] == 20
    card = (folder / "README.md").read_text()
    assert ("## Out-of-fold quality (thresholds tuned on these same predictions: optimistic; "
            "not a held-out test)") in card


def test_rebuttal_weight_weighs_frame_free_rows_of_a_rebuttal_kind(tmp_path):
    from framing.model import FrameClassifier

    frame = _rows().assign(kind=lambda f: ["factcheck" if i % 4 == 0 else "news" for i in range(len(f))])
    data = read_labelled(frame, group_field="doc", kind_field="kind", codebook=CODEBOOK)
    clf, _ = train_on_data(data, params=FAST, rebuttal_weight=3.0, name="w", version="0.1.0", root=tmp_path)
    weights = [3.0 if kind == "factcheck" and not frames else 1.0 for kind, frames in zip(data.kinds, data.frames)]
    assert weights.count(3.0) >= 1 and weights.count(1.0) >= 1
    expected = FrameClassifier(codebook=data.codebook.data, **FAST).fit(
        data.texts, data.frames, groups=data.groups, sample_weight=weights)
    assert (clf.coef_ == expected.coef_).all()
    unweighted, _ = train_on_data(data, params=FAST, name="w", version="0.2.0", root=tmp_path)
    assert not (unweighted.coef_ == clf.coef_).all()


def test_fingerprints_fold_case_spacing_and_punctuation():
    assert text_fingerprints(["Gas was cut!"]) == text_fingerprints(["gas  was cut"])
    assert text_fingerprints(["Gas was cut"]) != text_fingerprints(["Gas was not cut"])


def test_cli_train_reports_bad_data_in_one_line_per_problem(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FRAMING_MODELS", str(tmp_path))
    code = main(["train", "--data", str(TUTORIAL / "labels.csv"), "--name", "x", "--version", "0.1.0"])
    err = capsys.readouterr().err
    assert code == 2 and "12 problem(s)" in err and "labels.csv:2: field 'frames': unknown frame id" in err
    assert "Traceback" not in err
    code = main(["train", "--data", str(TUTORIAL / "labels.csv"), "--group-field", "doc", "--codebook",
                 str(CODEBOOK), "--name", "x", "--version", "0.1.0", "--params", json.dumps(FAST)])
    out = capsys.readouterr().out
    assert code == 0 and "positives: energy_weapon 6, sanctions_backfire 6" in out
    assert (tmp_path / "x" / "0.1.0" / "model.skops").exists()
