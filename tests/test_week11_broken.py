"""Week 11 (what SSL ViTs learn): the smoke expectations must fail when the method is broken.

Each broken piece is injected right after its definition and check cells (``tests.nbtools``), so every check
cell still passes and only the final metrics check can catch the break.
"""
import re

from tests.nbtools import execute_notebook, solution_path

WEEK = "week11_ssl_representations"


def failed_metrics(error: str) -> list[str]:
    """The metric names the final check reported as failed."""
    found = re.search(r"metric\(s\) did not meet expectations: ([\w, ]+)", error)
    assert found, error[-2000:]
    return found.group(1).split(", ")


def test_constant_contrastive_loss_fails_the_expectations():
    """A constant SSL loss (zero gradients except weight decay): the SSL ViT stays near its random init."""
    error = execute_notebook(solution_path(WEEK), inject={"nt_xent_loss": (
        "def nt_xent_loss(z1, z2, temperature):\n"
        "    return 0.0 * (z1.sum() + z2.sum())\n")})
    assert error is not None, "the notebook passed although the SSL loss was a constant"
    failed = failed_metrics(error)
    print("failed metrics:", failed)
    assert {"jaccard_gain", "attention_on_object"} <= set(failed), failed
