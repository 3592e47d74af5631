import ast
import re
import subprocess
import sys

import framing
from framing.cli import _COMMANDS

from conftest import ROOT

PACKAGE = ROOT / "framing"

# The one-way order of the modules: a module may import only modules listed before it.
LAYERS = [
    "errors", "codebook", "owncodebook", "interop", "labels", "segmentation", "cleaning", "html_input", "language",
    "articles", "longtext", "tables", "readers", "corpus", "splits", "goldset", "annotations", "userdata", "agreement",
    "evaluation", "calibration", "pieces", "featurisers", "model", "documents", "context", "registry", "worklist",
    "records", "streaming", "scoring", "runfiles", "writers", "workers",
    "batch", "scorefiles", "views", "trends", "trends_report", "integrations.dask", "reports", "training", "usertraining", "benchmark", "userbench", "cli_own", "cli",
]


def _modules():
    return sorted(str(p.relative_to(PACKAGE).with_suffix("")).replace("/", ".")
                  for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def _imports(module: str) -> list[str]:
    """Every framing module a module imports, in any form (``from . import x`` included)."""
    path = PACKAGE / (module.replace(".", "/") + ".py")
    package = module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if package else []
                base = [b for b in base if b]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [".".join(base + [a.name]) for a in node.names
                                                      if not a.name.startswith("__")]
                found.extend(n for n in names if n)
            elif node.module and node.module.startswith("framing."):
                found.append(node.module.removeprefix("framing."))
        elif isinstance(node, ast.Import):
            found.extend(a.name.removeprefix("framing.") for a in node.names if a.name.startswith("framing."))
    return found


def test_public_api_is_pinned():
    assert sorted(framing.__all__) == sorted([
        "__version__", "Article", "AnnotationError", "Codebook", "CorpusMissingError", "Frame",
        "FrameClassifier", "FramingError", "GoldSet", "InputError", "LabelledSentence", "ModelNotFound",
        "ModelRefused", "ReadError", "Sentence", "Tagger", "UnknownFrameError", "list_models", "load",
        "load_annotations", "load_codebook", "rank_documents", "read_articles", "score_articles",
        "split_sentences", "validate_annotations"])
    assert all(hasattr(framing, name) for name in framing.__all__)


def test_every_module_has_a_place_in_the_data_flow():
    assert sorted(LAYERS) == _modules()


def test_module_data_flow_never_reaches_back():
    for i, module in enumerate(LAYERS):
        for imported in _imports(module):
            assert imported in LAYERS[:i], f"{module} imports {imported}, which is not below it"


def test_the_import_scan_sees_every_import_form(tmp_path):
    assert "records" in _imports("batch") or "records" in _imports("scoring")
    assert "errors" in _imports("cli")  # imported inside a function


def test_no_module_uses_another_modules_private_names():
    pattern = re.compile(r"from \.+([\w.]*) import ([^\n(]*(?:\([^)]*\))?)")
    for module in _modules():
        source = (PACKAGE / (module.replace(".", "/") + ".py")).read_text()
        for match in pattern.finditer(source):
            names = re.findall(r"\b(_\w+)", match.group(2))
            assert not [n for n in names if not n.startswith("__")], (module, match.group(0))


def test_tests_use_only_their_own_modules_private_names():
    for path in (ROOT / "tests").glob("test_*.py"):
        own = path.stem.removeprefix("test_")
        source = path.read_text()
        for module, name in re.findall(r"from framing\.([\w.]+) import .*?\b(_[a-z]\w*)", source):
            assert module == own, (path.name, module, name)
        for module, name in re.findall(r"framing\.([a-z]\w*)\.(_[a-z]\w*)", source):
            assert module == own, (path.name, module, name)


def test_every_module_is_under_400_lines():
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text().splitlines()) < 400, path.name


def test_command_line_start_loads_no_numerical_stack():
    code = "import sys, framing.cli; print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for command in _COMMANDS:
        assert re.search(rf"framing {command}\b", readme), f"`framing {command}` is not in the README"


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r"python -m pytest[^\n`]*", readme).group(0)
    assert command in ci


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "framing.cli", "models"], capture_output=True, text=True)
    default = framing.registry.default_reference()
    assert out.returncode == 0 and f"{default}  (default)" in out.stdout


def test_type_checking_imports_match_the_lazy_exports():
    import framing

    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    block = next(node for node in tree.body
                 if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING")
    imported = {alias.name: node.module for node in block.body for alias in node.names}
    assert imported == framing._EXPORTS
