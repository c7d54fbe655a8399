"""The notebooks' first cell: identical everywhere, and on Colab a setup that cannot half-fail.

The cell is run the way Colab runs it (``google.colab`` importable, a fresh working folder) with ``git`` and
``pip`` replaced by scripts on ``PATH``: the install fails, fails again (each time with a clear error and
nothing recorded as done), then succeeds; a further run touches neither. Outside a checkout and off Colab
it says how to get one.
"""
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.nbtools import REPO_ROOT
from utils.run import list_weeks

NOTEBOOKS = sorted(REPO_ROOT.glob("week*/week*.ipynb"))


def setup_cell(path: Path) -> str:
    """The first code cell of a notebook."""
    return next(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def test_setup_cell_is_the_same_in_every_notebook_but_for_its_week():
    cells = {p.name: setup_cell(p).replace(f'"{p.parent.name}"', '"WEEK"') for p in NOTEBOOKS}
    assert len(set(cells.values())) == 1, f"setup cells differ: {sorted(cells)}"
    assert len(NOTEBOOKS) == 2 * len(list_weeks())


FAKE_GIT = """#!/bin/sh
# stands in for `git clone -q --depth 1 URL DEST`: a "clone" is a copy of the checkout's utils package
echo "$@" >> "$LOG"
for last; do :; done
mkdir -p "$last" && cp -r "$COURSE_CHECKOUT/utils" "$last/utils" && touch "$last/requirements-colab.txt"
"""
FAKE_PIP = """#!/bin/sh
echo "pip $@" >> "$LOG"
n=$(cat "$COUNTER" 2>/dev/null || echo 0); echo $((n + 1)) > "$COUNTER"
[ "$n" -ge 2 ]  # the first two installs fail
"""
RUN_CELL = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n" \
           "exec(compile(open(sys.argv[1]).read(), 'setup cell', 'exec'))\nprint('ROOT', ROOT)\n"


@pytest.fixture
def colab(tmp_path):
    """A fresh Colab-like working folder with fake git and pip; returns a function that runs the setup cell there."""
    bin_dir, work = tmp_path / "bin", tmp_path / "content"
    bin_dir.mkdir(), work.mkdir()
    for name, script in (("git", FAKE_GIT), ("pip", FAKE_PIP)):
        (bin_dir / name).write_text(script)
        (bin_dir / name).chmod(0o755)
    cell = tmp_path / "cell.py"
    cell.write_text(setup_cell(REPO_ROOT / "week01_autoencoder" / "week01_autoencoder.ipynb"))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LOG": str(tmp_path / "log"),
           "COUNTER": str(tmp_path / "count"), "COURSE_CHECKOUT": str(REPO_ROOT)}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", RUN_CELL, str(cell)], cwd=work, env=env,
                              capture_output=True, text=True, timeout=60)

    run.work, run.log = work, tmp_path / "log"
    return run


def test_colab_setup_retries_after_a_failed_install_and_is_idempotent_once_done(colab):
    for attempt in (1, 2):
        done = colab()
        assert done.returncode != 0 and "Setup could not install its packages" in done.stderr, done.stderr
        assert "re-run this cell" in done.stderr and not (colab.work / "representation-learning" / ".colab-setup-done").exists()
    done = colab()
    assert done.returncode == 0, done.stderr
    assert f"ROOT {colab.work / 'representation-learning'}" in done.stdout
    assert (colab.work / "representation-learning" / ".colab-setup-done").exists()
    calls = colab.log.read_text().splitlines()
    assert len([c for c in calls if c.startswith("pip")]) == 3 and all("requirements-colab.txt" in c for c in calls if c.startswith("pip"))
    assert colab().returncode == 0 and colab.log.read_text().splitlines() == calls, "a done setup must not re-run"


def test_colab_requirements_leave_colabs_own_runtime_alone():
    names = [line.split(">")[0].split("=")[0].split("<")[0].strip().lower()
             for line in (REPO_ROOT / "requirements-colab.txt").read_text().splitlines() if line and not line.startswith("#")]
    forbidden = {"torch", "torchvision", "jupyter", "ipykernel", "ipython", "notebook", "nbclient", "nbformat",
                 "pytest", "nbmake"}
    assert names and not forbidden & set(names)
    assert "-r requirements-colab.txt" in (REPO_ROOT / "requirements.txt").read_text()


def test_outside_a_checkout_off_colab_the_cell_says_how_to_get_one(tmp_path):
    code = setup_cell(REPO_ROOT / "week01_autoencoder" / "week01_autoencoder.ipynb")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "open this notebook in a checkout (git clone https://github.com/" in done.stderr
    assert "StopIteration" not in done.stderr
