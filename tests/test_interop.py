"""Label Studio and doccano: real export shapes import; export -> import is lossless; label config."""

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from framing.cli import main
from framing.interop import (InteropError, label_config, read_doccano, read_label_studio, read_records,
                             write_doccano, write_label_studio, write_records)

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "interop"
CODEBOOK = HERE.parent / "docs" / "tutorial" / "codebook.yaml"
VALVES = "The valves were closed the morning after the referendum."


def _doccano_zip(tmp_path):
    """The zip doccano downloads for a project without collaborative annotation: one file per member."""
    path = tmp_path / "doccano.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member in sorted((DATA / "doccano_export").iterdir()):
            archive.write(member, member.name)
    return path


def test_label_studio_export_imports():
    records = read_label_studio(DATA / "label_studio_export.json", CODEBOOK)
    assert records == [
        {"id": 101, "text": VALVES, "frames": ["energy_weapon"], "annotator": "1", "doc": "n1"},
        {"id": 101, "text": VALVES, "frames": ["energy_weapon", "sanctions_backfire"], "annotator": "2", "doc": "n1"},
        {"id": 102, "text": "The harbour reopened after the storm.", "frames": [], "annotator": "lena@example.org",
         "doc": "n1"},  # empty result: no frame; the cancelled annotation is skipped
        {"id": 103, "text": "Our embargo ruined our own exporters first.", "frames": ["sanctions_backfire"],
         "annotator": "2", "doc": "n2"},  # a choice given by frame name is stored as its id
    ]  # task 104 has no annotation yet: skipped


def test_doccano_per_user_zip_and_collaborative_file_import(tmp_path):
    records = read_doccano(_doccano_zip(tmp_path), CODEBOOK)
    assert [(r["id"], r["annotator"], r["frames"]) for r in records] == [
        (7, "admin", ["energy_weapon"]), (8, "admin", []), (9, "admin", ["sanctions_backfire"]),
        (7, "lena", ["energy_weapon", "sanctions_backfire"]), (8, "lena", []), (9, "lena", [])]
    assert "Comments" not in records[0] and records[0]["text"] == VALVES
    single = read_doccano(DATA / "doccano_all.jsonl", CODEBOOK)
    assert [r["annotator"] for r in single] == [None] * 3
    assert read_doccano(DATA / "doccano_all.jsonl", CODEBOOK, annotator="team")[0]["annotator"] == "team"


@pytest.mark.parametrize("suffix", ["ls.json", "doccano.jsonl", "doccano.zip"])
def test_export_then_import_is_lossless(tmp_path, suffix):
    records = read_label_studio(DATA / "label_studio_export.json", CODEBOOK)
    records.append({"text": "No id, no annotator.", "frames": [], "annotator": None, "doc": "n3"})
    out = tmp_path / suffix
    if suffix.startswith("ls"):
        write_label_studio(records, out)
        back = read_label_studio(out, CODEBOOK)
    else:
        write_doccano(records, out)
        back = read_doccano(out, CODEBOOK)
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731 - a zip groups lines by annotator
    assert sorted(back, key=key) == sorted(records, key=key)
    if suffix != "doccano.zip":
        assert back == records


def test_label_studio_export_has_the_tool_shape(tmp_path):
    write_label_studio(read_label_studio(DATA / "label_studio_export.json", CODEBOOK), tmp_path / "t.json")
    tasks = json.loads((tmp_path / "t.json").read_text())
    assert len(tasks) == 3 and len(tasks[0]["annotations"]) == 2  # the two labellings of task 101
    result = tasks[0]["annotations"][1]["result"][0]
    assert result["type"] == "choices" and result["from_name"] == "frames" and result["to_name"] == "text"
    assert result["value"] == {"choices": ["energy_weapon", "sanctions_backfire"]}
    assert tasks[1]["annotations"][0]["result"] == [] and tasks[0]["data"]["doc"] == "n1"


def test_label_config_is_valid_xml_with_every_frame():
    root = ET.fromstring(label_config(CODEBOOK))
    choices = root.find("Choices")
    assert choices.get("toName") == root.find("Text").get("name") and choices.get("choice") == "multiple"
    assert [c.get("alias") for c in choices] == ["energy_weapon", "sanctions_backfire"]
    assert [c.get("value") for c in choices] == ["Energy as a weapon", "Sanctions backfire"]
    assert len(ET.fromstring(label_config()).find("Choices")) == 13


def test_unknown_choice_span_export_and_missing_text_key_are_refused(tmp_path):
    with pytest.raises(InteropError, match=r"task 1 \(id 101\), annotation 1: label 'energy_weapon' is neither"):
        read_label_studio(DATA / "label_studio_export.json")  # built-in codebook lacks the tutorial frames
    with pytest.raises(InteropError, match=r"data has no text under 'sentence'.*pass --text-key"):
        read_label_studio(DATA / "label_studio_export.json", CODEBOOK, text_key="sentence")
    spans = tmp_path / "spans.jsonl"
    spans.write_text('{"id": 1, "text": "Gas was cut.", "label": [[0, 3, "energy_weapon"]]}\n')
    with pytest.raises(InteropError, match=rf"{spans}:1: labels must be a list of strings.*text-classification"):
        read_doccano(spans, CODEBOOK)


def test_cli_import_export_and_label_config(tmp_path, capsys):
    out = tmp_path / "labels.jsonl"
    assert main(["annotations", "import", "--format", "label-studio", str(DATA / "label_studio_export.json"),
                 "--codebook", str(CODEBOOK), "-o", str(out)]) == 0
    assert len(read_records(out, CODEBOOK)) == 4
    assert main(["annotations", "export", "--format", "doccano", "--data", str(out), "--codebook", str(CODEBOOK),
                 "-o", str(tmp_path / "d.jsonl")]) == 0
    assert read_doccano(tmp_path / "d.jsonl", CODEBOOK) == read_records(out, CODEBOOK)
    capsys.readouterr()
    assert main(["annotations", "label-config", "--codebook", str(CODEBOOK)]) == 0
    assert 'alias="sanctions_backfire"' in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("[{\"data\": {}}]")
    assert main(["annotations", "import", "--format", "label-studio", str(bad), "-o", str(out)]) == 2
    assert "task 1: data has no text under 'text'" in capsys.readouterr().err


def test_records_round_trip_and_checks(tmp_path):
    path = tmp_path / "r.jsonl"
    write_records([{"text": "a", "frames": ["sanctions_backfire", "energy_weapon"], "annotator": "x"}], path)
    assert read_records(path, CODEBOOK)[0]["frames"] == ["energy_weapon", "sanctions_backfire"]
    path.write_text('{"text": "", "frames": []}\n')
    with pytest.raises(InteropError, match=rf"{path}:1: field 'text' is missing or empty"):
        read_records(path, CODEBOOK)
