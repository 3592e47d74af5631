"""Issue #13, output side: nothing lost, nothing silently wrong (`framing score`)."""

import csv
import json

import pytest

import framing
from framing.cli import main
from framing.writers import _ParquetWriter, _StreamWriter

ARTICLE = ("NATO surrounds Russia from all sides. The meeting was on Monday.\n\n"
           "The CSTO will not allow colour revolutions. Lunch was served.")


def _source(tmp_path, n=12, name="in.jsonl", extra=None):
    path = tmp_path / name
    rows = [{"id": f"a{i}", "text": ARTICLE if i % 2 else "Quiet day. Nothing at all."} for i in range(n)]
    for i, fields in (extra or {}).items():
        rows[i].update(fields)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _interrupted(monkeypatch, argv):
    """A run that never completes: it keeps its progress file and Parquet parts, like a kill."""
    with monkeypatch.context() as patch:
        patch.setattr(_StreamWriter, "close", _StreamWriter.abort)
        patch.setattr(_ParquetWriter, "close", _ParquetWriter.abort)
        assert main(argv) == 0


# Row 2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("change, flag, expected", [
    (["--level", "article"], "--level 'sentence', this run has 'article'", "sentence"),
    (["--format", "csv"], "--format 'jsonl', this run has 'csv'", "sentence"),
    ([], "the inputs (paths, sizes, times)", "input"),
])
def test_resume_refuses_a_changed_job_with_both_values(registry, tmp_path, monkeypatch, capsys, change, flag,
                                                       expected):
    source = _source(tmp_path)
    out = tmp_path / "out.jsonl"
    command = ["score", str(source), "-o", str(out), "--chunk-size", "3"]
    _interrupted(monkeypatch, command + ["--level", "sentence"])
    before = out.read_bytes()
    if expected == "input":
        _source(tmp_path, n=13)
    argv = command + ["--level", "sentence", "--resume"]
    argv = [a for a in argv if a not in ("--level", "sentence")] + (change or ["--level", "sentence"])
    if change and change[0] == "--format":
        argv += ["--level", "sentence"]
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"{out} was started with {flag}" in err and "--overwrite" in err and err.count("\n") == 1
    assert out.read_bytes() == before


def test_records_carry_the_model_in_every_format(registry, tmp_path):
    import pyarrow.parquet as pq

    rows = [r for _, rs in framing.score_articles([framing.Article("a", ARTICLE)], level="sentence") for r in rs]
    assert {r["model"] for r in rows} == {"tiny@0.1.0"}
    assert framing.load().tag_article(ARTICLE)["article"]["model"] == "tiny@0.1.0"
    source = _source(tmp_path, n=3)
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"o.{fmt}"
        assert main(["score", str(source), "-o", str(out), "--level", "paragraph"]) == 0
        if fmt == "jsonl":
            models = [json.loads(line)["model"] for line in out.read_text().splitlines()]
        elif fmt == "csv":
            models = [r["model"] for r in csv.DictReader(open(out))]
        else:
            models = pq.read_table(out).column("model").to_pylist()
        assert models and set(models) == {"tiny@0.1.0"}


# Row 3 -----------------------------------------------------------------------------------


def test_second_run_on_a_locked_output_is_refused_naming_the_lock(registry, tmp_path, capsys):
    from framing.runfiles import OutputLock

    source = _source(tmp_path, n=3)
    out = tmp_path / "out.jsonl"
    with OutputLock(str(out)):  # the first run, still writing
        assert main(["score", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out}.lock is held by another framing run writing {out}" in err
    assert not out.exists()
    assert main(["score", str(source), "-o", str(out)]) == 0  # released: the next run goes ahead
    assert not (tmp_path / "out.jsonl.progress").exists()
    assert (tmp_path / "out.jsonl.lock").exists()  # kept: deleting it would let two runs lock two files
    assert main(["score", str(source), "-o", str(out), "--overwrite"]) == 0  # a left-over lock file blocks nothing


# Row 4 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, message", [
    (["MISSING"], "no such file or folder; check the input path"),
    (["--jobs", "0"], "jobs=0: use a positive number"),
    (["--chunk-size", "0"], "chunk_size=0: use a positive number"),
    ([], "exists; pass --overwrite or --resume"),
])
def test_an_existing_output_is_never_truncated_by_a_refused_run(registry, tmp_path, capsys, argv, message):
    source = _source(tmp_path, n=3)
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    argv = [str(tmp_path / "missing.txt") if a == "MISSING" else a for a in argv]
    inputs = argv if argv and argv[0].endswith("missing.txt") else [str(source)] + argv
    assert main(["score", *inputs, "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert out.read_text() == "precious\n"


def test_overwrite_replaces_and_nothing_scored_exits_nonzero(registry, tmp_path, capsys):
    source = _source(tmp_path, n=3)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert main(["score", str(source), "-o", str(out), "--overwrite"]) == 0
    assert len(out.read_text().splitlines()) == 3
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    target = tmp_path / "none.jsonl"
    assert main(["score", str(empty), "-o", str(target)]) == 2
    assert "nothing could be scored: 1 input(s) skipped" in capsys.readouterr().err
    assert not target.exists()


# Row 5 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["predict_proba", "predict", "tag"])
def test_tagger_refuses_one_string_naming_the_fix(registry, method):
    model = framing.load()
    with pytest.raises(TypeError, match=rf"wrap it in a list: {method}\(\[text\]\)"):
        getattr(model, method)("NATO surrounds Russia.")
    with pytest.raises(framing.InputError):
        getattr(model, method)("NATO surrounds Russia.")
    assert len(getattr(model, method)(["NATO surrounds Russia."])) == 1


def test_long_input_is_scored_in_bounded_batches(registry, monkeypatch):
    import numpy as np

    import framing.scoring as scoring

    model = framing.load()
    texts = [f"NATO surrounds Russia {i}." for i in range(25)]
    whole = model.predict_proba(texts)
    sizes = []
    original = model.estimator.predict_proba
    monkeypatch.setattr(scoring, "MAX_BATCH", 10)
    monkeypatch.setattr(model.estimator, "predict_proba", lambda t: sizes.append(len(t)) or original(t))
    assert np.array_equal(model.predict_proba(texts), whole) and sizes == [10, 10, 5]


# Row 6 -----------------------------------------------------------------------------------


def test_csv_refuses_a_column_that_appears_late_naming_article_and_column(registry, tmp_path, capsys):
    source = _source(tmp_path, n=8, extra={5: {"region": "north"}})
    out = tmp_path / "o.csv"
    assert main(["score", str(source), "-o", str(out), "--chunk-size", "2"]) == 2
    err = capsys.readouterr().err
    assert "article 'a5' has column(s) region that the CSV header" in err and "JSONL or Parquet" in err


def test_parquet_unifies_late_and_null_columns(registry, tmp_path):
    import pyarrow.parquet as pq

    source = _source(tmp_path, n=8, extra={5: {"region": "north", "url": "https://x.example/5"}})
    out = tmp_path / "o.parquet"
    assert main(["score", str(source), "-o", str(out), "--chunk-size", "2"]) == 0
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == [f"a{i}" for i in range(8)]
    assert [r["region"] for r in rows] == [None] * 5 + ["north"] + [None] * 2
    assert rows[5]["url"] == "https://x.example/5" and rows[0]["url"] is None


def test_parquet_refuses_a_column_changing_type_before_the_end(registry, tmp_path, capsys):
    source = _source(tmp_path, n=8, extra={1: {"n": 3}, 5: {"n": [1, 2]}})
    source.write_text(source.read_text().replace('"n": [1, 2]', '"n": {"a": 1}'))
    out = tmp_path / "o.parquet"
    rc = main(["score", str(source), "-o", str(out), "--chunk-size", "2"])
    err = capsys.readouterr().err
    assert rc == 0, err  # a non-scalar column value is dropped by the reader: nothing to refuse
    source.write_text(source.read_text().replace('{"a": 1}', '"three"'))
    assert main(["score", str(source), "-o", str(out), "--chunk-size", "2", "--overwrite"]) == 1
    err = capsys.readouterr().err
    assert "article 'a4': its columns do not fit the Parquet schema" in err and "one type" in err
    assert not out.exists() and (tmp_path / "o.parquet.parts").is_dir()


# Row 8 -----------------------------------------------------------------------------------


def test_duplicate_ids_are_reported_and_resume_loses_nothing(registry, tmp_path, monkeypatch):
    source = _source(tmp_path, n=10)
    lines = source.read_text().splitlines()
    lines.insert(7, json.dumps({"id": "a2", "text": "A second a2."}))
    source.write_text("\n".join(lines) + "\n")
    errors, out, full = tmp_path / "errors.jsonl", tmp_path / "out.jsonl", tmp_path / "full.jsonl"
    command = ["score", str(source), "--level", "article", "--chunk-size", "3", "--errors", str(errors)]
    assert main(command + ["-o", str(full)]) == 0
    assert [json.loads(line)["id"] for line in full.read_text().splitlines()] == [f"a{i}" for i in range(10)]
    reported = [json.loads(line) for line in errors.read_text().splitlines()]
    # within one file the reader reports it (file and line); across inputs the batch does
    assert len(reported) == 1 and reported[0]["id"] == "a2" and reported[0]["line"] == 8
    assert "'a2' already used at line 3" in reported[0]["reason"]
    _interrupted(monkeypatch, command + ["-o", str(out)])
    data = out.read_bytes()
    out.write_bytes(data[: len(data) // 2])  # killed half-way
    assert main(command + ["-o", str(out), "--resume"]) == 0
    assert out.read_bytes() == full.read_bytes()
    assert len(errors.read_text().splitlines()) == 1  # appended on resume, never twice


def test_errors_file_is_fresh_for_a_new_run(registry, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE)
    (folder / "empty.txt").write_text("")
    errors = tmp_path / "errors.jsonl"
    for _ in range(2):
        assert main(["score", str(folder), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errors),
                     "--overwrite"]) == 0
    assert len(errors.read_text().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.jsonl", "in", "o.jsonl", "o.jsonl.lock"]


# Row 9 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["sentence", "article"])
def test_ctrl_c_stops_cleanly_keeps_parts_and_resume_continues(registry, tmp_path, monkeypatch, capsys, level):
    import pyarrow.parquet as pq

    source = _source(tmp_path, n=12)
    full, out = tmp_path / "full.parquet", tmp_path / "out.parquet"
    command = ["score", str(source), "--level", level, "--chunk-size", "2"]
    assert main(command + ["-o", str(full)]) == 0
    capsys.readouterr()
    original = _ParquetWriter.write_chunk
    calls = []

    def interrupted(self, chunk):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        original(self, chunk)

    with monkeypatch.context() as patch:
        patch.setattr(_ParquetWriter, "write_chunk", interrupted)
        assert main(command + ["-o", str(out)]) == 130
    err = capsys.readouterr().err
    assert err == "framing: interrupted; what was written is kept; add --resume to continue it\n"
    assert not out.exists() and len(list((tmp_path / "out.parquet.parts").glob("part-*.parquet"))) == 3
    assert main(command + ["-o", str(out), "--resume"]) == 0
    assert "resumed after 6" in capsys.readouterr().err
    assert pq.read_table(out).to_pylist() == pq.read_table(full).to_pylist()
    assert not (tmp_path / "out.parquet.parts").exists() and not (tmp_path / "out.parquet.progress").exists()


def test_bench_needs_an_output_folder(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["bench", "--models", "frames@1.0.0"])
    assert stop.value.code == 2 and "-o/--output" in capsys.readouterr().err
