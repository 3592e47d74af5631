import json

import pytest

from framing import AnnotationError, CorpusMissingError, load_annotations, validate_annotations
from framing.goldset import normalise_text
from framing.cli import main

from conftest import ROOT, require_corpus


def _good():
    return {"sentence_id": "d1:0", "doc_id": "d1", "position": 0, "source": "test", "kind": "opinion",
            "text": "NATO surrounds Russia.", "frames": ["nato_encirclement"], "annotator": "a1"}


def test_broken_file_reports_every_problem_with_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    bad_frame = {**_good(), "sentence_id": "d1:1", "frames": ["nato_encirclment"]}
    no_doc = {k: v for k, v in _good().items() if k != "doc_id"} | {"sentence_id": "d1:2"}
    bad_kind = {**_good(), "sentence_id": "d1:3", "kind": "blog"}
    path.write_text("\n".join([json.dumps(_good()), json.dumps(bad_frame), "{not json", json.dumps(no_doc),
                               json.dumps(bad_kind), json.dumps(_good())]) + "\n")
    _, problems = validate_annotations([path])
    text = "\n".join(problems)
    assert f"{path}:2: field 'frames': unknown frame id 'nato_encirclment'. Did you mean 'nato_encirclement'" in text
    assert f"{path}:3: invalid JSON" in text
    assert f"{path}:4: field 'doc_id' is missing" in text
    assert f"{path}:5: field 'kind' has 'blog'; use one of" in text
    assert f"{path}:6: sentence_id 'd1:0' already used at {path}:1" in text
    with pytest.raises(AnnotationError):  # never loads half-way
        load_annotations(path)


def test_cli_validate_exits_nonzero_with_file_line(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({**_good(), "frames": ["nope"]}) + "\n")
    assert main(["annotations", "validate", str(path)]) == 1
    assert f"{path}:1: field 'frames': unknown frame id 'nope'" in capsys.readouterr().err


def test_committed_annotations_validate_and_hashes_match_corpus():
    require_corpus()
    gold = load_annotations(ROOT / "annotations")
    assert len(gold) >= 3000
    standoff = [s for s in gold.sentences if s.is_standoff]
    assert standoff and all(s.text for s in standoff)  # every hash verified during the join


def test_no_sentence_text_in_two_splits():
    require_corpus()
    gold = load_annotations(ROOT / "annotations")
    seen = {}
    for split in ("train", "dev", "test"):
        keys = {normalise_text(s.text) for s in gold.select(split)}
        for other, other_keys in seen.items():
            assert not keys & other_keys, f"{split} shares sentences with {other}"
        seen[split] = keys
    assert set(gold.splits.values()) == {"train", "dev", "test"}


def test_every_seed_sentence_is_labelled(seed_records):
    from conftest import SEEDS
    from framing import read_articles, split_sentences

    expected = sum(len(split_sentences(a.text)) for a in read_articles(SEEDS))
    assert len(seed_records) == expected


def test_missing_corpus_names_the_file(tmp_path, monkeypatch):
    record = {**_good(), "field": "summary", "start": 0, "end": 4, "sha256": "0" * 64}
    del record["text"]
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    monkeypatch.setenv("FRAMING_CORPUS", str(tmp_path / "nowhere.jsonl"))
    with pytest.raises(CorpusMissingError, match="nowhere.jsonl.*FRAMING_CORPUS"):
        load_annotations(tmp_path / "a.jsonl")
    empty = tmp_path / "corpus"
    empty.mkdir()
    monkeypatch.setenv("FRAMING_CORPUS", str(empty))
    with pytest.raises(CorpusMissingError, match="euvsdisinfo_cases_2015_2017.jsonl.*FRAMING_CORPUS"):
        load_annotations(tmp_path / "a.jsonl")
    (tmp_path / "a.jsonl").write_text(json.dumps({**record, "collection": "my_articles"}) + "\n")
    with pytest.raises(CorpusMissingError, match="my_articles.jsonl, which is not in"):
        load_annotations(tmp_path / "a.jsonl")


def test_tampered_corpus_text_fails_hash(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"case_id": "d1", "summary": "Changed text here."}) + "\n")
    record = {**_good(), "field": "summary", "start": 0, "end": 7,
              "sha256": __import__("hashlib").sha256(b"Origina").hexdigest()}
    del record["text"]
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    with pytest.raises(AnnotationError, match="does not match its sha256"):
        load_annotations(tmp_path / "a.jsonl", corpus=corpus)


def test_dataset_export_uses_codebook_class_labels(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps(_good()) + "\n")
    ds = load_annotations(tmp_path / "a.jsonl").to_dataset()
    names = ds.features["frames"].feature.names
    assert names[3] == "nato_encirclement" and ds[0]["frames"] == [3]


def test_stats_counts(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps(_good()) + "\n" +
                                      json.dumps({**_good(), "sentence_id": "d1:1", "frames": []}) + "\n")
    stats = load_annotations(tmp_path / "a.jsonl", splits={"d1": "dev"}).stats()
    assert stats["per_frame"]["nato_encirclement"] == {"dev": 1, "total": 1}
    assert stats["per_kind"] == {"opinion": 2} and stats["per_split"] == {"dev": 2}


def test_near_duplicate_across_splits_is_kept_only_in_the_earliest_split(tmp_path):
    def record(doc, i, text, kind="opinion"):
        return {**_good(), "sentence_id": f"{doc}:{i}", "doc_id": doc, "position": i, "text": text, "kind": kind}

    rows = [record("test_doc", 0, "Nato surrounds   Russia!"),        # repeats the train lead, in test
            record("test_doc", 1, "Only in test."),
            record("train_doc", 0, "NATO surrounds Russia.", kind="claim"),
            record("train_doc", 1, "Only in train."),
            record("dev_doc", 0, "“NATO” surrounds Russia"),
            record("dev_doc", 1, "Only in train.")]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    gold = load_annotations(tmp_path / "a.jsonl",
                            splits={"train_doc": "train", "dev_doc": "dev", "test_doc": "test"})
    assert [s.sentence_id for s in gold.select("train")] == ["train_doc:0", "train_doc:1"]
    assert gold.select("dev") == [] and [s.sentence_id for s in gold.select("test")] == ["test_doc:1"]
    # a kind filter never lets the other copy of a filtered-out text back in
    assert [s.sentence_id for s in gold.select("test", kinds=["opinion"])] == ["test_doc:1"]
    assert [s.sentence_id for s in gold.select(kinds=["opinion"])] == ["test_doc:1", "train_doc:1"]
    exported = gold.to_dataset()
    assert sorted(zip(exported["sentence_id"], exported["split"])) == [
        ("test_doc:1", "test"), ("train_doc:0", "train"), ("train_doc:1", "train")]
    assert len(gold.select(dedupe=False)) == 6


def _one_case_corpus(tmp_path, hashed):
    """A corpus folder with one EUvsDisinfo case ("A claim."), an empty annotations folder, and a
    stand-off record pointing at the claim with the hash of ``hashed``."""
    from framing.corpus import DEFAULT_COLLECTION, sentence_hash

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{DEFAULT_COLLECTION}.jsonl").write_text(json.dumps({"case_id": "c1", "summary": "A claim."}) + "\n")
    folder = tmp_path / "annotations"
    folder.mkdir()
    standoff = {**{k: v for k, v in _good().items() if k != "text"}, "sentence_id": "c1:0", "doc_id": "c1",
                "field": "summary", "start": 0, "end": 8, "sha256": sentence_hash(hashed)}
    return corpus, folder, standoff


def test_validate_reports_every_problem_of_a_damaged_copy_in_one_pass(tmp_path, capsys):
    """Issue #13 row 17: record, JSON, stand-off hash and splits.json problems together."""
    from framing.corpus import DEFAULT_COLLECTION

    corpus, folder, standoff = _one_case_corpus(tmp_path, hashed="Another.")
    bad_frame = {**_good(), "sentence_id": "d1:1", "frames": ["nope"]}
    (folder / "a.jsonl").write_text("\n".join([json.dumps(_good()), '{"sentence_id": "d1:2", "doc_id" "d1"}',
                                               json.dumps(standoff), json.dumps(bad_frame)]) + "\n")
    (folder / "splits.json").write_text('{"documents": {\n"d1": "train",\n"c1": "tset"\n}}\n')
    assert main(["annotations", "validate", str(folder), "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    path = folder / "a.jsonl"
    assert f"{path}:2: invalid JSON (Expecting ':' delimiter at column 34, near" in err
    assert f"{path}:4: field 'frames': unknown frame id 'nope'" in err
    assert f"{path}:3: text at {DEFAULT_COLLECTION}/c1/summary[0:8] does not match its sha256" in err
    assert f"{folder / 'splits.json'}:3: unknown split name 'c1': 'tset'; use one of train, dev, test" in err
    assert "framing: 4 problem(s) found" in err
    (folder / "splits.json").write_text('{"documents": {\n"d1": "train",\n')
    assert main(["annotations", "validate", str(folder), "--corpus", str(corpus)]) == 1
    assert f"{folder / 'splits.json'}:3: not a splits file: invalid JSON" in capsys.readouterr().err


def test_validate_and_load_agree_on_a_record_with_both_text_and_offsets(tmp_path, capsys, monkeypatch):
    """A record with its own text and stand-off offsets is checked against its text, never the corpus."""
    from framing.annotations import check_annotations
    from framing.corpus import sentence_hash

    record = {**_good(), "field": "summary", "start": 0, "end": 22, "sha256": sentence_hash(_good()["text"])}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    monkeypatch.setenv("FRAMING_CORPUS", str(tmp_path / "nowhere"))
    assert load_annotations(tmp_path / "a.jsonl").sentences[0].text == "NATO surrounds Russia."
    assert check_annotations(tmp_path / "a.jsonl") == []
    assert main(["annotations", "validate", str(tmp_path / "a.jsonl")]) == 0
    assert capsys.readouterr().out == "ok: 1 sentences in 1 documents\n"


def test_cli_validate_reads_records_and_corpus_once(tmp_path, capsys, monkeypatch):
    import framing.annotations as annotations

    corpus, folder, standoff = _one_case_corpus(tmp_path, hashed="A claim.")
    (folder / "a.jsonl").write_text(json.dumps(_good()) + "\n" + json.dumps(standoff) + "\n")
    (folder / "splits.json").write_text('{"documents": {\n"d1": "train",\n"c1": "test"\n}}\n')
    calls = []
    for name in ("validate_annotations", "Corpus"):
        original = getattr(annotations, name)
        monkeypatch.setattr(annotations, name,
                            lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    assert main(["annotations", "validate", str(folder), "--corpus", str(corpus)]) == 0
    assert capsys.readouterr().out == "ok: 2 sentences in 2 documents\n"
    assert calls == ["validate_annotations", "Corpus"]
    gold, problems = annotations.check_gold_set(folder, corpus=corpus)
    loaded = load_annotations(folder, corpus=corpus)
    assert problems == [] and gold.splits == loaded.splits == {"d1": "train", "c1": "test"}
    assert [(s.sentence_id, s.text) for s in gold.sentences] == [(s.sentence_id, s.text) for s in loaded.sentences]
