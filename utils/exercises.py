"""Generate student versions from solution notebooks: ``python -m utils.exercises [week ...|all] [--check]``.

Solution code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines becomes a blank::

    ### START CODE HERE ### (≈ N lines of code)

    raise NotImplementedError("Implement ...")
    ### END CODE HERE ###

with the solution's indentation; the same markers in a markdown cell hide an answer. The
student version is written next to the solution as ``<week>_exercise.ipynb``, without outputs.
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
START_CODE, END_CODE = "### START CODE HERE ###", "### END CODE HERE ###"
MARKDOWN_BLANK = "**Your answer:** *write it here.*"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Block:
    """One solution block: the cell it sits in, its indentation and its lines."""

    cell_index: int
    cell_type: str
    indent: str
    lines: list[str]


def exercise_path(solution: Path) -> Path:
    """Where the student version of a solution notebook lives."""
    return solution.with_name(f"{solution.stem}_exercise.ipynb")


def _code_lines(lines: list[str]) -> int:
    """Number of lines that are neither blank nor pure comments."""
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def _task_name(preceding: list[str], block: list[str], indent: str) -> str:
    """Name what the student implements: the enclosing ``Class.method``/function, else what the block assigns."""
    names, level = [], len(indent)
    for line in reversed(preceding):
        stripped = line.lstrip()
        line_indent = len(line) - len(stripped)
        match = re.match(r"(?:async\s+)?(def|class)\s+(\w+)", stripped)
        if match and line_indent < level:
            names.append(match.group(2))
            level = line_indent
            if level == 0:
                break
    if names:
        return ".".join(reversed(names))
    for line in block:
        match = re.match(r"\s*([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=[^=]", line)
        if match:
            return f"the code that computes `{match.group(1).replace(' ', '')}`"
    return "this step"


def split_blocks(source: str, cell_index: int, cell_type: str) -> tuple[list[str | Block], list[Block]]:
    """Split a cell's source into plain lines and solution blocks; raise ``ValueError`` on bad markers."""
    parts: list[str | Block] = []
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if current is not None:
                raise ValueError(f"cell {cell_index} line {number}: nested {BEGIN}")
            current = Block(cell_index, cell_type, line[: len(line) - len(line.lstrip())], [])
        elif marker == END:
            if current is None:
                raise ValueError(f"cell {cell_index} line {number}: {END} without {BEGIN}")
            if not any(l.strip() for l in current.lines):
                raise ValueError(f"cell {cell_index} line {number}: empty solution block")
            parts.append(current)
            blocks.append(current)
            current = None
        elif current is not None:
            current.lines.append(line)
        else:
            parts.append(line)
    if current is not None:
        raise ValueError(f"cell {cell_index}: {BEGIN} without {END}")
    return parts, blocks


def _blank_code(block: Block, preceding: list[str]) -> list[str]:
    """The lines that replace one code block in the student version."""
    task = _task_name(preceding, block.lines, block.indent)
    message = f"Implement {task} (see the explanation above), then run the check cell below."
    return [f"{block.indent}{START_CODE} (≈ {_code_lines(block.lines)} lines of code)", "",
            f"{block.indent}raise NotImplementedError({message!r})", f"{block.indent}{END_CODE}"]


def blank_cell(source: str, cell_index: int, cell_type: str) -> tuple[str, list[Block]]:
    """Return the student version of one cell's source and the solution blocks it hid."""
    parts, blocks = split_blocks(source, cell_index, cell_type)
    out: list[str] = []
    for part in parts:
        if isinstance(part, Block):
            out.extend(_blank_code(part, out) if cell_type == "code" else [part.indent + MARKDOWN_BLANK])
        else:
            out.append(part)
    return "\n".join(out), blocks


def _banner(solution: Path) -> nbformat.NotebookNode:
    """The markdown cell that opens every student version."""
    return nbformat.v4.new_markdown_cell(
        "> **Exercise version.** Fill in every block between `### START CODE HERE ###` and "
        "`### END CODE HERE ###` (the `≈ N lines` hint is the length of our solution). Run the check "
        "cell after each block: it tests your code on known answers and tells you when it is right. "
        "The last cell compares your results with the expected ones.\n>\n"
        f"> *Generated from `{solution.name}` by `python -m utils.exercises`; do not edit it by hand.*",
        id="exercise-banner")


def make_exercise(solution: Path) -> tuple[nbformat.NotebookNode, list[Block]]:
    """Build the student notebook of a solution notebook (in memory) and list its solution blocks."""
    nb = nbformat.read(solution, as_version=4)
    student = copy.deepcopy(nb)
    all_blocks: list[Block] = []
    for index, cell in enumerate(student.cells):
        source, blocks = blank_cell(cell.source, index, cell.cell_type)
        cell.source = source
        all_blocks.extend(blocks)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if not any(b.cell_type == "code" for b in all_blocks):
        raise ValueError(f"{solution} has no {BEGIN} blocks in code cells")
    student.cells.insert(0, _banner(solution))
    return student, all_blocks


def render(nb: nbformat.NotebookNode) -> str:
    """Serialise a notebook exactly as it is written to disk."""
    return nbformat.writes(nb) + "\n"


def solution_notebooks(weeks: list[str] | None = None) -> list[Path]:
    """Solution notebooks of the given week folders (all weeks when ``weeks`` is empty or ``['all']``)."""
    folders = sorted(REPO_ROOT.glob("week[0-9][0-9]_*")) if not weeks or weeks == ["all"] else \
        [REPO_ROOT / w.rstrip("/") for w in weeks]
    paths = [f / f"{f.name}.ipynb" for f in folders]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no solution notebook at {', '.join(missing)}")
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the student versions; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m utils.exercises", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weeks", nargs="*", help="week folders (default: all)")
    parser.add_argument("--check", action="store_true", help="only verify that student versions are up to date")
    args = parser.parse_args(argv)
    from .run import list_weeks, resolve_week

    weeks = [resolve_week(w, list_weeks()) or w for w in args.weeks]  # short names too: week04, 04, 4
    try:
        solutions = solution_notebooks(weeks)
    except FileNotFoundError as err:  # one clear line, not a traceback
        parser.error(f"{err}; weeks: {', '.join(list_weeks())}")
    stale = []
    for solution in solutions:
        student, blocks = make_exercise(solution)
        target, text = exercise_path(solution), render(student)
        n_code = sum(b.cell_type == "code" for b in blocks)
        if args.check:
            if not target.exists() or target.read_text() != text:
                stale.append(target)
            continue
        target.write_text(text)
        print(f"{target.relative_to(REPO_ROOT)}: {n_code} code blank(s), {len(blocks) - n_code} hidden answer(s)")
    if stale:
        print("out of date (run `python -m utils.exercises`):\n  " + "\n  ".join(str(p) for p in stale))
        return 1
    if args.check:
        print(f"all {len(solutions)} student versions are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
