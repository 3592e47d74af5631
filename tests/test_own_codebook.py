"""A researcher's own codebook: train on a 2-frame codebook, score, bench two versions."""

import json
import shutil
from pathlib import Path

import pytest

import framing
from framing.owncodebook import CodebookError, read_codebook
from framing.registry import ModelRefused, load_artifact
from framing.userbench import run_user_benchmark
from framing.usertraining import train_on_data

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial"
FAST = {"char_ngram_range": None, "min_df": 1, "cv": 3}


@pytest.fixture(scope="module")
def own_registry(tmp_path_factory):
    root = tmp_path_factory.mktemp("own-models")
    for version, params in (("0.1.0", FAST), ("0.2.0", {**FAST, "C": 1.0})):
        train_on_data(TUTORIAL / "labels.csv", group_field="doc", codebook=TUTORIAL / "codebook.yaml",
                      name="energy", version=version, params=params, root=root)
    return root


def test_yaml_and_json_codebooks_have_the_same_content_hash(tmp_path):
    import yaml

    from_yaml = read_codebook(TUTORIAL / "codebook.yaml")
    (tmp_path / "cb.json").write_text(json.dumps(yaml.safe_load((TUTORIAL / "codebook.yaml").read_text())))
    assert read_codebook(tmp_path / "cb.json").content_sha256 == from_yaml.content_sha256
    assert from_yaml.frame_ids == ("energy_weapon", "sanctions_backfire")
    assert from_yaml.family_of("sanctions_backfire") == "sanctions_debate"
    assert from_yaml.frame("energy_weapon").examples[0].startswith("The pipeline went quiet")


@pytest.mark.parametrize("text, message", [
    ("frames: []\n", "field 'version' is missing"),
    ("version: 1\nframes: []\n", "field 'frames' must be a non-empty list"),
    ("version: 1\nframes:\n  - {id: a, name: A}\n", r"frames\[1\]: field 'definition' is missing"),
    ("version: 1\nframes:\n  - {id: A-1, name: A, definition: d}\n", "must be lower-case"),
    ("version: 1\nframes:\n  - {id: a, name: A, definition: d}\n  - {id: a, name: B, definition: e}\n",
     "defined twice"),
    ("version: 1\nfamilies: [x, y]\nframes:\n  - {id: a, name: A, definition: d, family: z}\n",
     "field 'family' is 'z'; use one of x, y"),
    ("version: 1\nframes: [\n", "not valid YAML"),
])
def test_bad_codebook_names_file_field_and_fix(tmp_path, text, message):
    path = tmp_path / "cb.yaml"
    path.write_text(text)
    with pytest.raises(CodebookError, match=message) as error:
        read_codebook(path)
    assert str(path) in str(error.value)


def test_string_version_codebook_is_read_trained_and_loaded(tmp_path):
    from framing.owncodebook import codebook_from_data, normalise_codebook

    data = {"version": "1.2", "frames": [{"id": "a", "name": "A", "definition": "first"}]}
    from_data = codebook_from_data(normalise_codebook(data))
    assert from_data.version == "1.2" and from_data.frames_unchanged_since is None
    assert codebook_from_data(normalise_codebook({**data, "version": 3})).frames_unchanged_since == 3
    path = tmp_path / "cb.yaml"
    path.write_text((TUTORIAL / "codebook.yaml").read_text().replace("version: 1\n", 'version: "1.2"\n'))
    codebook = read_codebook(path)
    assert codebook.version == "1.2" and codebook.frames_unchanged_since is None
    train_on_data(TUTORIAL / "labels.csv", group_field="doc", codebook=path, name="energy", version="0.1.0",
                  params=FAST, root=tmp_path / "models")
    model = framing.load(tmp_path / "models" / "energy" / "0.1.0")
    assert model.metadata["codebook_version"] == "1.2"
    assert model.metadata["codebook_sha256"] == codebook.content_sha256
    assert model.frames == ["energy_weapon", "sanctions_backfire"]


def test_model_on_own_codebook_loads_tags_and_reports_own_ids(own_registry):
    model = framing.load(own_registry / "energy" / "0.1.0")
    assert model.frames == ["energy_weapon", "sanctions_backfire"]
    assert model.families == ["economic_pressure", "sanctions_debate"]
    result = model.tag_article((TUTORIAL / "article.txt").read_text())
    assert set(result["article"]["scores"]) == {"energy_weapon", "sanctions_backfire"}
    assert "energy_weapon" in result["article"]["frames"]
    assert set(result["article"]["families"]) <= {"economic_pressure", "sanctions_debate"}
    assert all(set(s["scores"]) == set(model.frames) for s in result["sentences"])
    assert "energy_weapon" in model.explain("The gas was cut to punish the vote.", "energy_weapon")
    metadata = model.metadata
    assert metadata["codebook_version"] == 1 and metadata["frames"] == model.frames
    assert metadata["codebook_sha256"] == read_codebook(TUTORIAL / "codebook.yaml").content_sha256


def test_edited_stored_codebook_is_refused(own_registry, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(own_registry / "energy" / "0.1.0", copy)
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["codebook"]["frames"][0]["family"] = "sanctions_debate"
    (copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ModelRefused, match="does not match codebook_sha256"):
        load_artifact(copy)


def test_model_card_states_the_data_it_saw(own_registry):
    import hashlib

    card = (own_registry / "energy" / "0.1.0" / "README.md").read_text()
    digest = hashlib.sha256((TUTORIAL / "labels.csv").read_bytes()).hexdigest()
    assert "`labels.csv`" in card and digest in card and "rows: 20" in card
    assert "| `energy_weapon` | 6 |" in card and "| `sanctions_backfire` | 6 |" in card
    training = json.loads((own_registry / "energy" / "0.1.0" / "metadata.json").read_text())["training"]
    assert training["data"]["positives"] == {"energy_weapon": 6, "sanctions_backfire": 6}
    assert len(training["text_fingerprints"]) == 20


def test_bench_two_versions_on_a_user_file(own_registry, monkeypatch, tmp_path):
    monkeypatch.setenv("FRAMING_MODELS", str(own_registry))
    report = run_user_benchmark(["energy@0.1.0", "energy@0.2.0"], TUTORIAL / "heldout.csv", group_field="doc",
                                resamples=20, speed_sentences=200, output=tmp_path)
    assert report["documents"] == 5 and report["suites"] == ["sentences", "calibration", "speed"]
    sentences = report["models"]["energy@0.1.0"]["sentences"]
    assert set(sentences["per_frame"]) == {"energy_weapon", "sanctions_backfire"}
    assert sentences["intervals"]["micro_f1"]["low"] <= sentences["micro_f1"] <= 1
    assert "energy@0.2.0 - energy@0.1.0" in report["differences"]
    markdown = (tmp_path / "report.md").read_text()
    assert "labelled file `heldout.csv`" in markdown and "| `sanctions_backfire` | 3 |" in markdown


def test_bench_refuses_a_file_overlapping_training_texts(own_registry, monkeypatch, tmp_path):
    from framing.benchmark import TrainingOverlapError

    monkeypatch.setenv("FRAMING_MODELS", str(own_registry))
    mixed = tmp_path / "mixed.csv"
    lines = (TUTORIAL / "heldout.csv").read_text().splitlines()
    trained = (TUTORIAL / "labels.csv").read_text().splitlines()[1:3]
    upper = [t.replace(t.split('",')[0], t.split('",')[0].upper()) for t in trained]  # case is folded
    mixed.write_text("\n".join(lines + upper) + "\n")
    with pytest.raises(TrainingOverlapError, match=r"trained or tuned on 2 of the 12 sentences.*mixed.csv:12"):
        run_user_benchmark(["energy@0.1.0"], mixed, resamples=5, speed_sentences=10)


@pytest.mark.parametrize("module", ["owncodebook", "userdata", "usertraining", "userbench", "interop", "codebook"])
def test_docstring_examples_run(module, tmp_path, monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(importlib.import_module(f"framing.{module}"), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_bench_with_a_kind_column_adds_the_rebuttal_suite(own_registry, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("FRAMING_MODELS", str(own_registry))
    held = pd.read_csv(TUTORIAL / "heldout.csv", keep_default_na=False)
    held["kind"] = ["factcheck" if not f else "news" for f in held["frames"]]
    report = run_user_benchmark(["energy@0.1.0", "energy@0.2.0"], held, group_field="doc", kind_field="kind",
                                suites=["sentences", "rebuttals"], resamples=10)
    rebuttals = report["models"]["energy@0.1.0"]["rebuttals"]
    assert rebuttals["n"] == 4 and rebuttals["interval"]["low"] <= rebuttals["interval"]["high"]
    assert "rebuttal_false_alarms" in report["differences"]["energy@0.2.0 - energy@0.1.0"]
    with pytest.raises(ValueError, match="rebuttals suite needs the document kind"):
        run_user_benchmark(["energy@0.1.0"], held, suites=["rebuttals"])


def test_overlap_cannot_be_ruled_out_without_fingerprints():
    import pandas as pd

    from framing.benchmark import TrainingOverlapError
    from framing.userbench import check_no_text_overlap, training_fingerprints
    from framing.userdata import read_labelled

    data = read_labelled(pd.DataFrame({"text": ["It rained."], "frames": [""]}))
    assert training_fingerprints({"training": {}}) is None
    with pytest.raises(TrainingOverlapError, match="overlap with this file cannot be ruled out"):
        check_no_text_overlap(data, None, "old@1.0.0")


def test_tag_article_takes_the_document_kinds_of_the_models_own_codebook(tmp_path):
    import yaml

    data = yaml.safe_load((TUTORIAL / "codebook.yaml").read_text())
    data["document_kinds"] = ["news", "review"]
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(yaml.safe_dump(data))
    train_on_data(TUTORIAL / "labels.csv", group_field="doc", codebook=codebook, name="kinds", version="0.1.0",
                  params=FAST, root=tmp_path / "models")
    tagger = framing.load(tmp_path / "models" / "kinds" / "0.1.0")
    assert list(tagger.codebook.document_kinds) == ["news", "review"]
    tagged = tagger.tag_article("The pipeline went quiet in winter.", kind="review")
    assert len(tagged["sentences"]) == 1
    with pytest.raises(framing.InputError, match="kind='opinion'; use one of news, review"):
        tagger.tag_article("The pipeline went quiet in winter.", kind="opinion")
