import framing
from framing.cli import main

ARTICLE = ("NATO surrounds Russia from all sides. The meeting was on Monday.\n\n"
           "The CSTO will not allow colour revolutions. Lunch was served.")


def test_tag_article_rolls_up_with_max_and_evidence(registry):
    model = framing.load()
    result = model.tag_article(ARTICLE)
    sentences = result["sentences"]
    assert [s["sentence"] for s in sentences] == [0, 1, 2, 3]
    assert all(ARTICLE[s["start"]:s["end"]] == s["text"] for s in sentences)
    article = result["article"]
    for frame in model.frames:
        assert article["scores"][frame] == max(s["scores"][frame] for s in sentences)
    assert set(article["frames"]) == {f for s in sentences for f in s["frames"]}
    for frame, evidence in article["evidence"].items():
        assert evidence and all(e["score"] >= model.thresholds[model.frames.index(frame)] for e in evidence)


def test_cli_tag_prints_frames(registry, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    assert main(["tag", str(path), "--all"]) == 0
    out = capsys.readouterr().out
    assert "NATO surrounds Russia from all sides." in out and "# article frames:" in out


def test_cli_errors_are_one_line(registry, capsys):
    assert main(["tag", "/nonexistent/file.txt"]) == 2
    assert capsys.readouterr().err.strip() == "framing: error: /nonexistent/file.txt: no such file or folder"
    assert main(["score", "x.txt", "--model", "nope"]) == 2
    assert "no model 'nope'" in capsys.readouterr().err


def test_context_scores_do_not_depend_on_how_documents_are_batched(monkeypatch):
    import numpy as np

    import framing.scoring as scoring
    from framing.readers import read_articles
    from conftest import SEEDS

    model = framing.load("frames@2.0.0")
    articles = list(read_articles(SEEDS))[:4]
    whole = [r for records in model.score_batch(articles, level="sentence") for r in records]
    monkeypatch.setattr(scoring, "MAX_BATCH", 7)
    batched = [r for records in model.score_batch(articles, level="sentence") for r in records]
    assert len(whole) == len(batched) > 7
    np.testing.assert_allclose([list(r["scores"].values()) for r in whole],
                               [list(r["scores"].values()) for r in batched], atol=1e-9)
    assert list(scoring._document_batches(["a"] * 3 + ["b"] * 2 + ["c"] * 4, 5)) == [(0, 5), (5, 9)]


def test_unknown_kind_and_empty_text_are_clear_errors(registry):
    import pytest

    from framing.errors import InputError

    model = framing.load()
    with pytest.raises(InputError, match="kind='blog'; use one of"):
        model.tag_article("NATO keeps expanding.", kind="blog")
    with pytest.raises(framing.ReadError, match="empty input"):
        model.tag_article("   ")
