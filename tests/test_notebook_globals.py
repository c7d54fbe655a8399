"""No function or method of a solution notebook reads a notebook global: what it uses is an argument (issue 28)."""
import textwrap

import nbformat
import pytest

from tests.nbtools import REPO_ROOT, solution_path
from tests.notebook_globals import global_reads

WEEKS = sorted(p.name for p in REPO_ROOT.glob("week[0-9][0-9]_*") if p.is_dir())


@pytest.mark.parametrize("week", WEEKS)
def test_functions_take_what_they_use_as_arguments(week):
    found = global_reads(solution_path(week))
    assert not found, f"{week}: functions reading notebook globals (pass them as arguments): {found}"


def _notebook(tmp_path, *cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_check_finds_hidden_inputs_and_accepts_explicit_ones(tmp_path):
    path = _notebook(tmp_path, """
        import torch
        from math import pi
        DEVICE = "cpu"
        cfg = {"lr": 1}
        feats = torch.zeros(2)

        def hidden(x):
            return x * cfg["lr"] + feats.sum()

        def default_bound(x, lr=cfg["lr"]):
            return x * lr

        def explicit(x, cfg, feats):
            y = [v for v in feats]
            def inner(z):
                return z + pi + len(y)
            return inner(x) * cfg["lr"], DEVICE, helper(x)

        def helper(x):
            try:
                return torch.tensor(x)
            except ValueError as err:
                return err

        class Model:
            def forward(self, x):
                return x + feats
        """)
    assert global_reads(path) == {"hidden": ["cfg", "feats"], "default_bound": ["cfg"], "Model.forward": ["feats"]}
