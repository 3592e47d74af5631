import json

import pytest

from framing.corpus import Corpus, CorpusMissingError, document_id, find_corpus, sentence_hash


def test_documents_are_keyed_by_case_id_doc_id_or_id(tmp_path):
    (tmp_path / "mine.jsonl").write_text("\n".join(json.dumps(r) for r in (
        {"case_id": "c1", "summary": "A."}, {"doc_id": "d1", "text": "B."}, {"id": 7, "text": "C."})) + "\n")
    docs = Corpus(tmp_path).documents("mine")
    assert sorted(docs) == ["7", "c1", "d1"]
    assert document_id({"doc_id": "x", "id": "y"}) == "x"


def test_every_missing_collection_is_named(tmp_path):
    with pytest.raises(CorpusMissingError, match="a.jsonl, b.jsonl, which are not in"):
        Corpus(tmp_path).require(["b", "a"])


def test_a_file_stands_for_the_default_collection_and_its_folder_for_the_rest(tmp_path, monkeypatch):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"case_id": "c1", "summary": "A."}) + "\n")
    corpus = Corpus(find_corpus(cases))
    assert "c1" in corpus.documents("euvsdisinfo_cases_2015_2017")
    monkeypatch.setenv("FRAMING_CORPUS", str(tmp_path / "missing"))
    with pytest.raises(CorpusMissingError, match="FRAMING_CORPUS"):
        find_corpus()


def test_hash_is_of_the_utf8_text():
    import hashlib

    assert sentence_hash("é") == hashlib.sha256("é".encode("utf-8")).hexdigest()
    assert sentence_hash("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"
    assert sentence_hash("é") != hashlib.sha256("é".encode("latin-1")).hexdigest()
    assert sentence_hash("é") != sentence_hash("e") and len(sentence_hash("x")) == 64
