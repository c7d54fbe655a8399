"""The environment the tests run in is the one that was installed: kernels, the lock, thread settings."""
import os
import re
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent


def _pins(path: Path) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` line of a requirements/constraints file."""
    pins = {}
    for line in path.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip()):
            pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins


def _requirement_names(path: Path = REPO_ROOT / "requirements.txt") -> list[str]:
    """Normalised names of the packages a requirements file asks for, following its ``-r`` includes."""
    names = []
    for line in path.read_text().splitlines():
        if include := re.match(r"^-r\s+(\S+)", line.strip()):
            names += _requirement_names(path.parent / include.group(1))
        elif m := re.match(r"^([A-Za-z0-9_.\-]+)", line.strip()):
            names.append(re.sub(r"[-_.]+", "-", m.group(1)).lower())
    return names


def test_notebook_kernels_run_this_environment():
    # nbmake and utils.run start a 'python3' kernel: it must be this interpreter, not one found elsewhere.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.prefix)")])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert nb.cells[0].outputs[0]["text"].strip() == sys.prefix


def test_the_lock_pins_every_requirement_exactly():
    lock = _pins(REPO_ROOT / "constraints.txt")
    missing = [name for name in _requirement_names() if name not in lock]
    assert not missing, f"constraints.txt has no exact version for {missing}: regenerate it (CONTRIBUTING.md)"


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI installs with the lock (.ci/run)")
def test_ci_installed_exactly_the_lock():
    lock = _pins(REPO_ROOT / "constraints.txt")
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in metadata.distributions()}
    differing = {n: (v, installed.get(n)) for n, v in lock.items() if installed.get(n, v) != v}
    assert not differing, f"installed versions differ from constraints.txt (locked, installed): {differing}"
