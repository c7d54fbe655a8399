"""Student versions: the generator's rules, and every committed exercise in sync with its solution."""
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.nbtools import QUIET_KERNEL
from utils.exercises import (BEGIN, END, END_CODE, START_CODE, blank_cell, exercise_path, make_exercise, render,
                             solution_notebooks)

SOLUTIONS = solution_notebooks()
IDS = [p.parent.name for p in SOLUTIONS]


def test_blank_cell_keeps_indentation_and_counts_lines():
    source = "\n".join([
        "class Loss:",
        "    def forward(self, x):",
        f"        {BEGIN}",
        "        # a comment is not a line of code",
        "        y = x * 2",
        "",
        "        return y + 1",
        f"        {END}",
    ])
    out, blocks = blank_cell(source, 0, "code")
    lines = out.split("\n")
    assert lines[:2] == ["class Loss:", "    def forward(self, x):"]
    assert lines[2] == f"        {START_CODE} (≈ 2 lines of code)" and lines[3] == ""
    assert lines[4].startswith("        raise NotImplementedError(") and "Loss.forward" in lines[4]
    assert lines[5] == f"        {END_CODE}" and len(lines) == 6
    assert len(blocks) == 1 and blocks[0].lines[1].strip() == "y = x * 2"
    compile(out, "<exercise>", "exec")


def test_blank_cell_top_level_names_assigned_variable_and_hides_markdown():
    out, _ = blank_cell(f"{BEGIN}\nmodel, opt = make()\n{END}\nprint(model)", 0, "code")
    assert "`model,opt`" in out and out.endswith("print(model)")
    md, blocks = blank_cell(f"Why?\n{BEGIN}\nBecause of the bottleneck.\n{END}", 0, "markdown")
    assert "bottleneck" not in md and "Your answer" in md and len(blocks) == 1


@pytest.mark.parametrize("source", [f"{BEGIN}\nx = 1", f"x = 1\n{END}", f"{BEGIN}\n{BEGIN}\n{END}", f"{BEGIN}\n\n{END}"])
def test_bad_markers_are_rejected(source):
    with pytest.raises(ValueError):
        blank_cell(source, 3, "code")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_solution_has_enough_blocks_and_exercise_in_sync(solution):
    student, blocks = make_exercise(solution)
    assert sum(b.cell_type == "code" for b in blocks) >= 3, "at least 3 solution blocks per week"
    target = exercise_path(solution)
    assert target.exists(), f"{target.name} missing: run `python -m utils.exercises`"
    assert target.read_text() == render(student), f"{target.name} is out of sync: run `python -m utils.exercises`"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_no_solution_line_leaks_into_exercise(solution):
    _, blocks = make_exercise(solution)
    exercise = nbformat.read(exercise_path(solution), as_version=4)
    text = "\n".join(c.source for c in exercise.cells)
    assert BEGIN not in text and END not in text
    exercise_lines = {line.strip() for line in text.split("\n")}
    leaked = sorted({line.strip() for b in blocks for line in b.lines
                     if len(line.strip()) >= 20 and line.strip() in exercise_lines})
    assert not leaked, f"solution lines visible in {exercise_path(solution).name}: {leaked}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=IDS)
def test_exercise_stops_at_first_blank_with_not_implemented(solution, monkeypatch):
    """Run the student version until it stops: the first error must be the first blank's NotImplementedError."""
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    nb = nbformat.read(exercise_path(solution), as_version=4)
    first_blank = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and START_CODE in c.source)
    # execute only up to the check cell that follows the first blank (everything after is never reached)
    check = next(i for i in range(first_blank + 1, len(nb.cells)) if nb.cells[i].cell_type == "code")
    nb.cells = nb.cells[: check + 1]
    with pytest.raises(CellExecutionError) as err:
        NotebookClient(nb, timeout=600, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(solution.parent)}}).execute()
    assert err.value.ename == "NotImplementedError", f"stopped with {err.value.ename}, not at the first blank"
