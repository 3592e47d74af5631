import json
import os

import pytest

import framing
from framing import Article
from framing.cli import main

ARTICLE = ("NATO surrounds Russia from all sides. The meeting was on Monday.\n\n"
           "The CSTO will not allow colour revolutions. Lunch was served.")


def test_levels_of_score_articles(registry):
    articles = [Article("a1", ARTICLE), Article("a2", "Nothing here.")]
    by_level = {level: list(framing.score_articles(articles, level=level)) for level in ("sentence", "paragraph", "article")}
    assert [len(r) for _, r in by_level["sentence"]] == [4, 1]
    assert [len(r) for _, r in by_level["paragraph"]] == [2, 1]
    assert [r[0]["id"] for _, r in by_level["article"]] == ["a1", "a2"]
    assert by_level["article"][0][1][0]["sentences"] == 4


def test_dataset_in_dataset_out(registry):
    import datasets

    ds = datasets.Dataset.from_dict({"id": ["x", "y"], "text": [ARTICLE, "Plain."]})
    out = framing.score_articles(ds, level="sentence")
    assert isinstance(out, datasets.Dataset) and out.num_rows == 5
    assert "score_nato_encirclement" in out.column_names


def test_parallel_equals_serial(registry, tmp_path):
    articles = [Article(f"a{i}", ARTICLE if i % 2 else "Quiet day. Nothing.") for i in range(20)]
    serial = list(framing.score_articles(articles, level="sentence", chunk_size=3))
    parallel = list(framing.score_articles(articles, level="sentence", chunk_size=3, jobs=2))
    assert serial == parallel


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_cli_parallel_output_is_byte_identical_to_serial(registry, tmp_path, suffix):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": ARTICLE if i % 3 else "Quiet day."}) + "\n"
                              for i in range(25)))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.{suffix}"
        assert main(["score", str(source), "-o", str(out), "--level", "paragraph", "--chunk-size", "4",
                     "--jobs", jobs]) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") > 25


def test_chunks_close_at_the_character_budget():
    from framing.batch import _chunks

    articles = [Article(f"a{i}", "x" * 400) for i in range(10)]
    sizes = [len(c) for c in _chunks(articles, size=4, skip={"a0"}, max_chars=1000)]
    assert sizes == [3, 3, 3]


def _rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_cli_score_formats_and_error_file(registry, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE)
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bin")
    (folder / "empty.txt").write_text("")
    errors = tmp_path / "errors.jsonl"
    out = tmp_path / "out.jsonl"
    assert main(["score", str(folder), "-o", str(out), "--errors", str(errors), "--level", "sentence"]) == 0
    assert {r["article_id"] for r in _rows(out)} == {"good"}
    assert sorted(e["source"].rsplit("/", 1)[1] for e in _rows(errors)) == ["bad.txt", "empty.txt"]
    for fmt in ("csv", "parquet"):
        target = tmp_path / f"out.{fmt}"
        assert main(["score", str(folder / "good.txt"), "-o", str(target), "--level", "article"]) == 0
        if fmt == "csv":
            import csv

            rows = list(csv.DictReader(open(target)))
        else:
            import pyarrow.parquet as pq

            rows = pq.read_table(target).to_pylist()
        assert len(rows) == 1 and rows[0]["id"] == "good" and "score_media_war" in rows[0]


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.37, 0.5, 0.93])
def test_resume_after_kill_with_truncated_last_line(registry, tmp_path, suffix, fraction, monkeypatch):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": ARTICLE}) + "\n" for i in range(30)))
    command = ["score", str(source), "--level", "sentence", "--chunk-size", "4"]
    full = tmp_path / f"full.{suffix}"
    assert main(command + ["-o", str(full)]) == 0
    out = tmp_path / f"out.{suffix}"
    from framing.writers import _StreamWriter

    with monkeypatch.context() as patch:  # a run that never completes keeps its progress file
        patch.setattr(_StreamWriter, "close", _StreamWriter.abort)
        assert main(command + ["-o", str(out)]) == 0
    # A kill leaves any prefix of the output (here mid-line), the progress lines whose data had
    # been flushed by then, and possibly a torn progress line.
    data = out.read_bytes()
    cut = int(len(data) * fraction) + (3 if fraction else 0)
    out.write_bytes(data[:cut])
    progress = tmp_path / f"out.{suffix}.progress"
    lines = progress.read_text().splitlines()
    kept = [line for line in lines if json.loads(line).get("offset", 0) <= cut]
    torn = lines[len(kept)][:17] if len(kept) < len(lines) else ""
    progress.write_text("".join(line + "\n" for line in kept) + torn)
    assert main(command + ["-o", str(out), "--resume"]) == 0
    assert out.read_bytes() == full.read_bytes()


def test_progress_records_chunks_with_their_offsets(registry, tmp_path, monkeypatch):
    from framing.writers import _StreamWriter

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": ARTICLE}) + "\n" for i in range(10)))
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(_StreamWriter, "close", _StreamWriter.abort)  # keep the progress file
    assert main(["score", str(source), "-o", str(out), "--level", "article", "--chunk-size", "4"]) == 0
    job, *entries = [json.loads(line) for line in (tmp_path / "out.jsonl.progress").read_text().splitlines()]
    assert job["job"]["level"] == "article" and job["job"]["model"] == "tiny@0.1.0"
    assert [e["ids"] for e in entries] == [["a0", "a1", "a2", "a3"], ["a4", "a5", "a6", "a7"], ["a8", "a9"]]
    lines = out.read_bytes().splitlines(keepends=True)
    assert [e["offset"] for e in entries] == [sum(map(len, lines[:n])) for n in (4, 8, 10)]


def test_resume_parquet(registry, tmp_path):
    import pyarrow.parquet as pq

    from framing.writers import open_writer

    source = [Article(f"a{i}", ARTICLE) for i in range(6)]
    writer = open_writer(str(tmp_path / "o.parquet"))
    for article_id, records in list(framing.score_articles(source, level="sentence"))[:3]:
        writer.write(article_id, records)  # one finished part per chunk (here per article)
    parts = tmp_path / "o.parquet.parts"
    (parts / "part-000003.tmp").write_bytes(b"PAR1 half written")  # the part being written when the kill came
    resumed = open_writer(str(tmp_path / "o.parquet"), resume=True)
    assert not (parts / "part-000003.tmp").exists()
    assert resumed.done == {"a0", "a1", "a2"}
    for article_id, records in framing.score_articles(source, level="sentence", skip=resumed.done):
        resumed.write(article_id, records)
    resumed.close()
    ids = [r["article_id"] for r in pq.read_table(tmp_path / "o.parquet").to_pylist()]
    assert ids == [f"a{i}" for i in range(6) for _ in range(4)]


@pytest.mark.skipif(os.environ.get("FRAMING_SKIP_DASK") == "1", reason="dask path disabled")
def test_dask_local_cluster_matches_local_run(registry):
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    from framing.integrations.dask import articles_to_bag, score_bag

    articles = [Article(f"a{i}", ARTICLE if i % 2 else "Quiet day.") for i in range(8)]
    local = [r for _, rows in framing.score_articles(articles, level="sentence") for r in rows]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster):
        distributed = score_bag(articles_to_bag(articles, npartitions=3), level="sentence").compute()
    assert distributed == local
