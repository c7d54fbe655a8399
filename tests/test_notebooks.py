"""Repository-level checks on the notebooks: layout, no stored outputs, expectations present."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from utils.expectations import load_expected
from utils.run import list_weeks

REPO_ROOT = Path(__file__).resolve().parent.parent
WEEKS = list_weeks()
ALL_NOTEBOOKS = sorted(REPO_ROOT.glob("week*/*.ipynb"))


def test_weeks_exist():
    assert "week01_autoencoder" in WEEKS


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("week", WEEKS)
def test_week_follows_conventions(week):
    nb = nbformat.read(REPO_ROOT / week / f"{week}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert f'WEEK, REPO_URL = "{week}"' in code[0], "first code cell must be the standard setup cell"
    imports_torch = re.search(r"^\s*(import|from)\s+(torch|utils)\b", code[0], re.M)
    assert 'os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")' in code[0] and not imports_torch, \
        "the setup cell must set OMP_WAIT_POLICY before anything imports torch (busy-machine slowdown)"
    assert any("utils.profile_banner(PROFILE)" in c for c in code), "the notebook must print the profile banner"
    assert any("utils.make_config(" in c for c in code), "one config cell with utils.make_config"
    assert "utils.check_metrics(" in code[-1], "the last code cell must check the expected metrics"
    assert re.search(r"utils\.check_metrics\([^\n]*\);", code[-1]), "end the check with `;`: its table is printed, its rows not echoed"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for profile in ("smoke", "full"):
        assert load_expected(REPO_ROOT / week / "expected_metrics.json", profile), f"no {profile} expectations"


def test_expected_metrics_are_valid_json():
    for path in REPO_ROOT.glob("week*/expected_metrics.json"):
        data = json.loads(path.read_text())
        assert {"smoke", "full"} <= set(data), f"{path} needs smoke and full sections"


PROFILE_BRANCH = re.compile(r"\bPROFILE\s*(==|!=)|\bPROFILE\s+(not\s+)?in\b|\bcfg\.profile\s*(==|!=)")
MODULE_BASES = {"Module", "Dataset", "IterableDataset"}


def _documented_without_shapes(source: str) -> list[str]:
    """Losses, heads, models and datasets defined in a cell whose docstrings never give shapes."""
    import ast
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
            is_method_code = bases & MODULE_BASES or node.name.endswith(("Loss", "Head"))
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            is_method_code = node.name.lower().endswith(("loss", "losses"))
        else:
            continue
        docs = [ast.get_docstring(n) or "" for n in ast.walk(node)
                if isinstance(n, (ast.ClassDef, ast.FunctionDef))]
        if is_method_code and not any("Shape" in d or "shape" in d for d in docs):
            missing.append(node.name)
    return missing


def _is_one_class(source: str, max_lines: int = 45) -> bool:
    """A cell that is one class definition of at most ``max_lines`` lines (splitting it would cut one concept in two)."""
    import ast
    body = ast.parse(source).body
    return len(body) == 1 and isinstance(body[0], ast.ClassDef) and len(source.strip().splitlines()) <= max_lines


def _branches_on_config(source: str) -> bool:
    """Whether a cell's own flow (not the functions it defines) branches on a ``cfg.*`` value, i.e. on the profile."""
    import ast

    def reads_cfg(test: ast.AST) -> bool:
        return any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "cfg"
                   for n in ast.walk(test))

    def visit(node: ast.AST) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(node, (ast.If, ast.IfExp, ast.While)) and reads_cfg(node.test):
            return True
        return any(visit(child) for child in ast.iter_child_nodes(node))

    return visit(ast.parse(source))


@pytest.mark.parametrize("week", WEEKS)
def test_week_reads_like_a_lecture(week):
    """Short code cells (a class may take ~45 lines), at most two profile branches (``PROFILE`` or ``cfg.*`` in the
    flow), the concept figure first, shapes documented."""
    nb = nbformat.read(REPO_ROOT / week / f"{week}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    long_cells = {i: len(c.splitlines()) for i, c in enumerate(code) if len(c.splitlines()) > 30 and not _is_one_class(c)}
    assert not long_cells, f"code cells over 30 lines (code cell index: lines): {long_cells}"
    branches = [i for i, c in enumerate(code) if PROFILE_BRANCH.search(c) or _branches_on_config(c)]
    assert len(branches) <= 2, f"code cells {branches} branch on the profile; put the difference behind the config or a loader"
    assert "](figures/concept.png)" in nb.cells[0].source, \
        "the first markdown cell shows the committed concept figure (it renders before anything runs)"
    undocumented = [name for c in code for name in _documented_without_shapes(c)]
    assert not undocumented, f"document what forward takes and returns, with shapes: {undocumented}"


def test_config_branches_count_as_profile_branches():
    assert _branches_on_config("if cfg.encoder == 'x':\n    y = 1")
    assert _branches_on_config("y = 1 if cfg.pretrained else 2")
    assert not _branches_on_config("def load(cfg):\n    if cfg.pretrained:\n        return 1")
    assert _is_one_class("class A:\n" + "    x = 1\n" * 40) and not _is_one_class("class A:\n" + "    x = 1\n" * 50)
