import json
import shutil

import numpy as np
import pytest

import framing
from framing.registry import ModelRefused, list_models, load_artifact, resolve

from conftest import DATA


def test_round_trip_identical_predict_proba(tiny_model):
    clf, root, folder = tiny_model
    loaded, metadata = load_artifact(folder)
    texts = ["NATO surrounds Russia.", "It rained."]
    np.testing.assert_array_equal(loaded.predict_proba(texts), clf.predict_proba(texts))
    assert metadata["frames"] == list(framing.load_codebook().frame_ids)
    assert len(metadata["model_sha256"]) == 64 and metadata["libraries"]["scikit-learn"]


def test_caller_metadata_cannot_override_the_integrity_fields(tiny_model, tmp_path):
    import hashlib

    from framing.registry import save_model

    clf, _, _ = tiny_model
    folder = save_model(clf, "tiny", "0.2.0", root=tmp_path, metadata={
        "model_sha256": "0" * 64, "frames": ["x"], "codebook_version": "99", "description": "kept"})
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["model_sha256"] == hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
    assert metadata["frames"] == list(framing.load_codebook().frame_ids) and metadata["description"] == "kept"
    load_artifact(folder)


def test_tampered_file_is_refused_before_loading(tiny_model, tmp_path):
    _, _, folder = tiny_model
    copy = tmp_path / "tiny" / "0.1.0"
    shutil.copytree(folder, copy)
    with open(copy / "model.skops", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelRefused, match="SHA-256 .* does not match the metadata"):
        load_artifact(copy)


def test_wrong_codebook_version_refused(tiny_model, tmp_path):
    _, _, folder = tiny_model
    copy = tmp_path / "m"
    shutil.copytree(folder, copy)
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["codebook_version"] = 99
    (copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ModelRefused, match="trained with codebook v99"):
        load_artifact(copy)


def test_foreign_type_refused(tmp_path):
    import hashlib

    import skops.io as sio
    from sklearn.ensemble import RandomForestClassifier

    folder = tmp_path / "evil"
    folder.mkdir()
    sio.dump(RandomForestClassifier(), folder / "model.skops")
    digest = hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
    codebook = framing.load_codebook()
    (folder / "metadata.json").write_text(json.dumps({
        "model_sha256": digest, "codebook_version": codebook.version, "frames": list(codebook.frame_ids)}))
    with pytest.raises(ModelRefused, match="untrusted type.*RandomForestClassifier"):
        load_artifact(folder)


def test_old_artifact_keeps_loading_with_identical_predictions():
    expected = json.loads((DATA / "artifacts" / "tiny_expected.json").read_text())
    model = framing.load(DATA / "artifacts" / "tiny" / "0.1.0")
    np.testing.assert_allclose(model.predict_proba(expected["texts"]), np.array(expected["proba"]), atol=1e-10)


def test_references_and_listing(tiny_model):
    _, root, folder = tiny_model
    assert list_models(root) == ["tiny@0.1.0"]
    assert resolve("tiny", root) == folder and resolve("tiny@0.1.0", root) == folder
    assert resolve(None, root) == folder
    with pytest.raises(framing.ModelNotFound, match="no version '9.9.9'"):
        resolve("tiny@9.9.9", root)


def test_shipped_default_loads_and_tags():
    model = framing.load()
    assert model.frames == list(framing.load_codebook().frame_ids)
    assert "frames@1.0.0" in framing.list_models()
    tags = model.tag(["The CSTO will not allow colour revolutions.", "The meeting was held on Monday."])
    assert "colour_revolution" in tags[0] and tags[1] == []


# Issue #13, row 7 ------------------------------------------------------------------------


def _registry_copy(tiny_model, tmp_path):
    _, _, folder = tiny_model
    root = tmp_path / "models"
    shutil.copytree(folder, root / "tiny" / "0.1.0")
    (root / "registry.json").write_text(json.dumps({"default": "tiny@0.1.0"}))
    return root, root / "tiny" / "0.1.0"


@pytest.mark.parametrize("content, message", [
    ("{not json", "registry.json: not valid JSON (Expecting property name"),
    ("[]", "registry.json: names no default model (found [])"),
    ("{}", "registry.json: names no default model (found {})"),
])
def test_damaged_registry_index_is_one_line_naming_the_fix(tiny_model, tmp_path, monkeypatch, capsys, content,
                                                            message):
    from framing.cli import main

    root, _ = _registry_copy(tiny_model, tmp_path)
    (root / "registry.json").write_text(content)
    monkeypatch.setenv("FRAMING_MODELS", str(root))
    framing.scoring.forget_loaded_models()
    assert main(["tag", "-"]) == 1
    err = capsys.readouterr().err
    assert message in err and '{"default": "name@version"}' in err and err.count("\n") == 1
    assert "is missing" not in err


@pytest.mark.parametrize("edit, message", [
    (lambda m: [], "metadata.json: must be a JSON object of model metadata, found a list"),
    (lambda m: {**m, "artifact_format": "1"}, "field 'artifact_format' is \"1\", not a number"),
    (None, "metadata.json is missing; a model folder needs model.skops and metadata.json"),
    (lambda m: {**m, "thresholds": [0.01] * len(m["thresholds"])}, "do not match metadata_sha256"),
    (lambda m: {**m, "name": "other"}, "do not match metadata_sha256"),
    (lambda m: {**m, "codebook_sha256": "0" * 64}, "do not match metadata_sha256"),
])
def test_damaged_or_edited_metadata_is_refused_naming_the_file(tiny_model, tmp_path, edit, message):
    root, folder = _registry_copy(tiny_model, tmp_path)
    path = folder / "metadata.json"
    if edit is None:
        path.unlink()
    else:
        path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    for ref in (folder, "tiny@0.1.0"):
        with pytest.raises(ModelRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_artifact(ref, root=root)


@pytest.mark.parametrize("edit, message", [
    (lambda m: {**m, "thresholds": [0.01] * len(m["thresholds"])}, "field 'thresholds' differs from the thresholds"),
    (lambda m: {**m, "name": "other"}, "names other@0.1.0 but sits in tiny/0.1.0"),
    (lambda m: {**m, "codebook_sha256": "0" * 64}, "codebook_sha256 000000000000… is not the SHA-256"),
])
def test_older_metadata_without_its_hash_is_checked_where_it_can_be(tiny_model, tmp_path, edit, message):
    root, folder = _registry_copy(tiny_model, tmp_path)
    path = folder / "metadata.json"
    older = json.loads(path.read_text())
    older.pop("metadata_sha256")
    path.write_text(json.dumps(older))
    load_artifact("tiny@0.1.0", root=root)  # an older artifact format still loads
    path.write_text(json.dumps(edit(older)))
    with pytest.raises(ModelRefused, match=message):
        load_artifact("tiny@0.1.0", root=root)


def test_shipped_models_have_no_metadata_hash_and_still_load():
    from conftest import ROOT

    for ref in ("frames@1.0.0", "frames-word@1.0.0"):
        assert "metadata_sha256" not in json.loads((ROOT / "models" / ref.replace("@", "/") / "metadata.json")
                                                  .read_text())
        assert framing.load(ref).reference == ref


def test_a_folder_that_is_not_a_model_is_named(tmp_path):
    import pytest

    from framing.registry import ModelNotFound, resolve

    with pytest.raises(ModelNotFound, match="a folder without model.skops and metadata.json"):
        resolve(tmp_path)
    with pytest.raises(ModelNotFound, match="no such model folder"):
        resolve(tmp_path / "missing")
