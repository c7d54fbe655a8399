"""Every week reads in the same order and says only what its code does (issue 28, no execution).

Order: title "Week NN — …" with the concept figure -> setup -> the **Profiles** callout -> numbered sections ->
what to conclude -> questions -> references -> "Check against the expected results" -> the check cell.
"""
import ast
import json
import re

import nbformat
import pytest

from tests.nbtools import REPO_ROOT, solution_path

WEEKS = sorted(p.name for p in REPO_ROOT.glob("week[0-9][0-9]_*") if p.is_dir())


def _cells(week):
    return nbformat.read(solution_path(week), as_version=4).cells


def _first(cells, predicate, what, week, last=False):
    hits = [i for i, c in enumerate(cells) if predicate(c)]
    assert hits, f"{week}: no {what}"
    return hits[-1] if last else hits[0]


@pytest.mark.parametrize("week", WEEKS)
def test_week_follows_the_common_order(week):
    cells = _cells(week)
    md = lambda pattern: lambda c: c.cell_type == "markdown" and re.search(pattern, c.source, re.M)  # noqa: E731
    assert re.match(rf"# Week {week[4:6]} — \S", cells[0].source), "the title reads '# Week NN — …'"
    order = [
        ("the Colab setup note", _first(cells, md(r"^\*\*Setup\.\*\*"), "setup note", week)),
        ("the profiles callout", _first(cells, md(r"\A\*\*Profiles"), "markdown cell opening with **Profiles", week)),
        ("the config cell", _first(cells, lambda c: c.cell_type == "code" and "utils.make_config(" in c.source, "config", week)),
        ("section 1", _first(cells, md(r"^## 1\. "), "'## 1.' section", week)),
        ("what to conclude", _first(cells, md(r"^## \d+\. What to conclude"), "'## N. What to conclude'", week)),
        ("the questions", _first(cells, md(r"Questions to think about"), "questions", week)),
        ("the references", _first(cells, md(r"^\*\*References\.\*\*"), "**References.**", week, last=True)),
        ("the check heading", _first(cells, md(r"\A## Check against the expected results"), "check heading", week)),
    ]
    positions = [i for _, i in order]
    assert positions == sorted(positions), f"{week}: out of order: {order}"
    assert order[-1][1] == len(cells) - 2 and "utils.check_metrics(" in cells[-1].source, \
        "the check heading is followed by the check cell, which ends the notebook"
    profile_notes = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("**Profiles")]
    assert len(profile_notes) == 1, f"{week}: one profiles callout, found cells {profile_notes}"


def _bound_at_top(tree):
    """Names a cell binds at module level (not inside its functions, classes or comprehensions)."""
    names = set()

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in tree.body:
        visit(stmt)
    return names


@pytest.mark.parametrize("week", WEEKS)
def test_check_cells_leave_no_names_behind(week):
    """A check cell (✅) deletes what it binds, there or in a later check cell, so its stand-ins cannot leak."""
    checks = [ast.parse(c.source) for c in _cells(week) if c.cell_type == "code" and "✅" in c.source]
    deleted = {t.id for tree in checks for node in ast.walk(tree) if isinstance(node, ast.Delete)
               for t in ast.walk(node) if isinstance(t, ast.Name)}
    leaked = sorted(set().union(*(_bound_at_top(t) for t in checks)) - deleted) if checks else []
    assert not leaked, f"{week}: check cells leave these names in the notebook: {leaked}"


def _metric_names(week):
    data = json.loads((REPO_ROOT / week / "expected_metrics.json").read_text())
    return {k for profile in ("smoke", "full") for k in data.get(profile, {}) if not k.startswith("_")}


COURSE_NAMES = {"best_model_min_val_loss"}  # the course's own variables, quoted where the text explains a choice
ALL_METRICS = set().union(*(_metric_names(w) for w in WEEKS))
METRIC_ENDINGS = {m.rsplit("_", 1)[-1] for m in ALL_METRICS}


def mentioned_unknown_metrics(week, cells=None):
    """Metric-like names in backticks in the markdown that the notebook neither produces nor expects."""
    cells = cells if cells is not None else _cells(week)
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code))
    mine = _metric_names(week)
    unknown = set()
    for cell in (c for c in cells if c.cell_type == "markdown"):
        for tok in re.findall(r"`([a-z][a-z0-9]*(?:_[a-z0-9*{}]+)+)`", cell.source):
            if tok.rsplit("_", 1)[-1] not in METRIC_ENDINGS or tok in COURSE_NAMES:
                continue
            if "*" in tok or "{" in tok:  # a family such as `finetune_*_acc`
                pattern = re.compile(re.sub(r"\\\*|\\\{[^}]*\\\}", "[a-z0-9_]+", re.escape(tok)))
                if not any(pattern.fullmatch(m) for m in mine):
                    unknown.add(tok)
            elif tok not in mine and tok not in words:
                unknown.add(tok)
    return sorted(unknown)


@pytest.mark.parametrize("week", WEEKS)
def test_markdown_names_only_metrics_the_notebook_has(week):
    assert not mentioned_unknown_metrics(week), f"{week}: the text names metrics the notebook never produces"


def test_the_metric_name_check_catches_a_stale_name():
    cells = _cells("week08_masked_modeling")
    cells.append(nbformat.v4.new_markdown_cell("Compare `knn_gpu_acc`, `finetune_*_gpu_acc` and `probe_gain`."))
    assert mentioned_unknown_metrics("week08_masked_modeling", cells) == ["finetune_*_gpu_acc", "knn_gpu_acc"]
