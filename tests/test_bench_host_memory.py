"""The host-memory benchmark cannot rot: every week has a row whose marker, stand-ins and extra loads still fit
its notebook.

``benchmarks/bench_host_memory.py`` writes full-size stand-ins (about 11 GB), far too much for a test, so this
checks statically what would break it: a week without a row, a stop marker no longer in the notebook, a stand-in
without a writer, or a ``LOADS`` snippet reading a name that the cells it runs after do not define.
"""
import ast
import builtins

import nbformat
import pytest

from tests.nbtools import REPO_ROOT, import_benchmark


@pytest.fixture(scope="module")
def bench():
    """The benchmark script, imported as a module."""
    return import_benchmark("bench_host_memory")


def cells_run(bench, week: str) -> list[str]:
    """The code cells the benchmark runs for ``week``: from the setup cell up to (not including) its marker."""
    folder, _, marker = bench.WEEKS[week]
    cells = [c.source for c in nbformat.read(REPO_ROOT / folder / f"{folder}.ipynb", as_version=4).cells
             if c.cell_type == "code"]
    for i, source in enumerate(cells):
        if i > 0 and ((marker and marker in source) or (not marker and bench.MODEL_CELL.search(source))):
            return cells[:i]
    raise AssertionError(f"week {week}: the stop marker {marker!r} is in no code cell of {folder}")


def bound_names(source: str) -> set[str]:
    """Names a piece of code binds at its top level or anywhere: assignments, imports, defs, classes, loop targets."""
    names = set()
    for node in ast.walk(ast.parse(source.replace("\n%", "\n#%"))):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def test_every_week_has_a_row_with_writers_for_its_stand_ins(bench):
    from utils.run import list_weeks

    assert {w[4:6] for w in list_weeks()} == set(bench.WEEKS), "a week without a host-memory row"
    for week, (folder, needs, _) in bench.WEEKS.items():
        assert (REPO_ROOT / folder).is_dir(), folder
        assert set(needs) <= set(bench.FULL_SIZE), f"week {week}: no writer for {set(needs) - set(bench.FULL_SIZE)}"
    assert set(bench.LOADS) <= set(bench.WEEKS)


def test_each_marker_stops_after_the_setup_cell(bench):
    for week in bench.WEEKS:
        assert len(cells_run(bench, week)) >= 2, f"week {week} would run only its setup cell"


def test_loads_read_only_names_their_cells_define(bench):
    for week, loads in bench.LOADS.items():
        defined = set(dir(builtins)) | {"__name__"}
        for source in cells_run(bench, week):
            defined |= bound_names(source)
        for label, code in loads.items():
            read = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            missing = read - defined - bound_names(code)
            assert not missing, f"week {week} {label!r} reads {missing}, which its notebook's cells do not define"
