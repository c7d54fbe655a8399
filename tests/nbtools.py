"""Helpers for tests that execute notebooks (e.g. with a deliberately broken method)."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO_ROOT = Path(__file__).resolve().parent.parent
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]  # kernels start without their TCP warning on the console


def solution_path(week: str) -> Path:
    """Path of a week's solution notebook."""
    return REPO_ROOT / week / f"{week}.ipynb"


def execute_notebook(path: Path, substitutions: dict[str, str] | None = None, profile: str = "smoke",
                     timeout: int = 600) -> str | None:
    """Execute a notebook after exact-text substitutions in its code cells; return the error text or None.

    Every substitution must match exactly once in the notebook, so a test cannot silently stop
    breaking anything when the notebook changes.
    """
    nb = nbformat.read(path, as_version=4)
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
