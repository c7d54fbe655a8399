"""Helpers for tests that execute notebooks (e.g. with a deliberately broken method)."""
from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO_ROOT = Path(__file__).resolve().parent.parent
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]  # kernels start without their TCP warning on the console


def import_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` imported as the module ``name`` (benchmarks are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def solution_path(week: str) -> Path:
    """Path of a week's solution notebook."""
    return REPO_ROOT / week / f"{week}.ipynb"


def definition_block_end(nb: nbformat.NotebookNode, name: str) -> int:
    """Index of the last cell of the block that defines ``name``: its definition cell and the check cells after it.

    The definition is a top-level ``def name``, ``class name`` or ``name =`` and must occur in exactly one code cell.
    Check cells are the code cells right after it that report success with a ✅ (the course's convention), so the
    definition's own checks still see the original; the first other cell ends the block.
    """
    pattern = re.compile(rf"^(?:def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*=", re.M)
    hits = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and pattern.search(c.source)]
    if len(hits) != 1:
        raise AssertionError(f"{name!r} must be defined in exactly one code cell, found {len(hits)}")
    end = hits[0]
    while end + 1 < len(nb.cells) and nb.cells[end + 1].cell_type == "code" and "✅" in nb.cells[end + 1].source:
        end += 1
    return end


def inject_after_definitions(nb: nbformat.NotebookNode, injections: dict[str, str]) -> None:
    """Insert each ``injections[name]`` as a new code cell right after the block that defines ``name``."""
    for name, code in injections.items():
        end = definition_block_end(nb, name)
        nb.cells.insert(end + 1, nbformat.v4.new_code_cell(f"# injected by a test after `{name}` and its checks\n{code}"))


def execute_notebook(path: Path, substitutions: dict[str, str] | None = None, profile: str = "smoke",
                     timeout: int = 600, inject: dict[str, str] | None = None) -> str | None:
    """Execute a notebook after exact-text substitutions and injected cells; return the error text or None.

    Every substitution must match exactly once in the notebook, so a test cannot silently stop
    breaking anything when the notebook changes. ``inject`` maps a name the notebook defines to code run
    right after that definition and its check cells (e.g. a broken redefinition of a loss): tests that
    break a method this way do not depend on any line of the notebook's source.
    """
    nb = nbformat.read(path, as_version=4)
    inject_after_definitions(nb, inject or {})
    for old, new in (substitutions or {}).items():
        hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        if len(hits) != 1 or hits[0].source.count(old) != 1:
            raise AssertionError(f"substitution target must occur exactly once in {path.name}: {old!r}")
        hits[0].source = hits[0].source.replace(old, new)
    old_profile = os.environ.get("COURSE_PROFILE")
    os.environ["COURSE_PROFILE"] = profile
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as err:
        return str(err)
    finally:
        if old_profile is None:
            os.environ.pop("COURSE_PROFILE", None)
        else:
            os.environ["COURSE_PROFILE"] = old_profile
    return None


def notebook_namespace(week: str, stop_at: str) -> dict:
    """The namespace of ``week``'s solution notebook after every code cell before the first one containing ``stop_at``.

    Runs in the smoke profile (unless one is set) from the week's folder, as the kernel would; raises if no cell
    contains ``stop_at``. Tests use it to call the notebook's own classes and functions on small inputs.
    """
    os.environ.setdefault("COURSE_PROFILE", "smoke")
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace = {"__name__": f"{week}_notebook"}
    cwd = os.getcwd()
    os.chdir(REPO_ROOT / week)
    try:
        for cell in nbformat.read(solution_path(week), as_version=4).cells:
            if cell.cell_type != "code":
                continue
            if stop_at in cell.source:
                break
            exec(compile(cell.source, f"<{week} cell>", "exec"), namespace)
        else:
            raise AssertionError(f"no cell with {stop_at!r} in the notebook")
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt
        plt.close("all")
    return namespace
