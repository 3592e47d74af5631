import re
import subprocess
import sys

import framing
from framing.cli import _COMMANDS

from conftest import ROOT


def test_public_api_is_pinned():
    assert sorted(framing.__all__) == sorted([
        "__version__", "Article", "AnnotationError", "Codebook", "CorpusMissingError", "Frame",
        "FrameClassifier", "GoldSet", "LabelledSentence", "ModelNotFound", "ModelRefused", "ReadError",
        "Sentence", "Tagger", "UnknownFrameError", "list_models", "load", "load_annotations",
        "load_codebook", "read_articles", "score_articles", "split_sentences", "validate_annotations"])
    assert all(hasattr(framing, name) for name in framing.__all__)


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for command in _COMMANDS:
        assert re.search(rf"framing {command}\b", readme), f"`framing {command}` is not in the README"


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"python -m pytest[^\n`]*", readme).group(0)
    assert command in ci


def test_module_data_flow_never_reaches_back():
    order = ["codebook", "owncodebook", "segmentation", "readers", "annotations", "userdata", "agreement",
             "model", "registry", "scoring", "writers", "evaluation", "training", "usertraining", "benchmark",
             "userbench", "interop", "cli_own", "cli"]
    for i, module in enumerate(order):
        source = (ROOT / "framing" / f"{module}.py").read_text()
        for later in order[i + 1:]:
            assert not re.search(rf"from \.{later} import|import framing\.{later}", source), (module, later)


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "framing.cli", "models"], capture_output=True, text=True)
    assert out.returncode == 0 and "frames@1.0.0  (default)" in out.stdout
