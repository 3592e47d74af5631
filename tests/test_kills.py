"""Issue #13: `framing score` killed for real (SIGKILL) in a subprocess."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from framing.cli import main

from conftest import ROOT

ARTICLE = ("NATO surrounds Russia from all sides. The meeting was on Monday.\n\n"
           "The CSTO will not allow colour revolutions. Lunch was served.")


def _env(registry):
    return {**os.environ, "PYTHONPATH": str(ROOT), "FRAMING_MODELS": str(registry)}


def _source(path, n):
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Item {i}. " + (ARTICLE if i % 3 else "Quiet.")})
                            + "\n" for i in range(n)))
    return path


def _start(registry, argv):
    return subprocess.Popen([sys.executable, "-m", "framing.cli", "score", *argv], env=_env(registry),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _rows(path, fmt):
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    if fmt == "csv":
        import csv

        return list(csv.DictReader(open(path, newline="")))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def test_workers_end_with_a_killed_parent(registry, tmp_path):
    psutil = pytest.importorskip("psutil")
    source = _source(tmp_path / "in.jsonl", 20000)
    out = tmp_path / "out.jsonl"
    proc = _start(registry, [str(source), "-o", str(out), "--jobs", "2", "--chunk-size", "20", "--level",
                             "sentence"])
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 60
    children = []
    while time.time() < deadline and proc.poll() is None:
        children = parent.children(recursive=True)
        if len(children) >= 2 and out.exists() and out.stat().st_size > 0:
            break
        time.sleep(0.1)
    assert proc.poll() is None, f"the run ended before the kill: {proc.stderr.read().decode()}"
    assert len(children) >= 2, "no worker processes seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"still alive 5 s after the parent was killed: {[p.cmdline()[:3] for p in alive]}"


N_FAULT = 1500
COMBOS = [(fmt, level) for fmt in ("jsonl", "csv", "parquet") for level in ("sentence", "article")]


@pytest.mark.parametrize("fmt, level", COMBOS)
def test_sigkill_at_random_points_then_resume_gives_every_id_once(registry, tmp_path, fmt, level):
    """Kill a real run twice at random moments, resume each time, and compare with a clean run."""
    source = _source(tmp_path / "in.jsonl", N_FAULT)
    command = [str(source), "--level", level, "--chunk-size", "5"]
    full = tmp_path / f"full.{fmt}"
    assert main(["score", *command, "-o", str(full)]) == 0
    out = tmp_path / f"out.{fmt}"
    rng = random.Random(f"{fmt}-{level}")
    kills = 0
    for attempt in range(2):
        proc = _start(registry, command + ["-o", str(out)] + (["--resume"] if attempt else []))
        started = time.time()
        while not (out.exists() or (tmp_path / f"out.{fmt}.parts").exists()) and proc.poll() is None \
                and time.time() - started < 30:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    assert main(["score", *command, "-o", str(out), "--resume"]) == 0
    assert kills >= 1, "every run finished before its kill: make the input bigger"
    expected, got = _rows(full, fmt), _rows(out, fmt)
    key = "id" if level == "article" else "article_id"
    assert sorted({r[key] for r in got}) == sorted({f"a{i}" for i in range(N_FAULT)})
    assert got == expected  # each article once, in input order, with the scores of a clean run
    # no progress file or parts left; the empty lock files stay (see framing.runfiles.OutputLock)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.jsonl", full.name, out.name, f"{full.name}.lock",
                                                                 f"{out.name}.lock"])
