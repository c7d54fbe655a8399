"""Week 10 must fail its expectations when a method is broken (each break passes its own check cell)."""
import re

from tests.nbtools import execute_notebook, solution_path

WEEK = "week10_scaling_robustness"


def failed_metrics(error: str | None) -> list[str]:
    """The metrics the final check reports as failed (the notebook must have stopped there, not earlier)."""
    assert error is not None, "the notebook passed although its method was broken"
    found = re.search(r"metric\(s\) did not meet expectations: ([\w, ]+)", error)
    assert found, error[-2000:]
    return found.group(1).split(", ")


def test_texture_randomisation_that_keeps_the_texture_fails():
    """Textures copied from the shapes: the "randomised" set is texture-predictive, so no shape bias is learned."""
    error = execute_notebook(solution_path(WEEK), inject={"randomise_textures": (
        "def randomise_textures(shapes, num_textures, generator):\n"
        "    return shapes.clone() % num_textures\n")})
    failed = failed_metrics(error)
    print("failed metrics:", failed)
    assert "shape_bias_texture_randomised" in failed and "shape_bias_gain" in failed, failed


def test_cka_without_centring_fails():
    """Uncentred CKA: the mean ReLU activation dominates every Gram matrix, so all layers look alike."""
    error = execute_notebook(solution_path(WEEK), inject={"linear_cka": (
        "def linear_cka(x, y):\n"
        "    x, y = torch.as_tensor(np.asarray(x), dtype=torch.float64), torch.as_tensor(np.asarray(y), dtype=torch.float64)\n"
        "    gx, gy = x @ x.T, y @ y.T\n"
        "    return float((gx * gy).sum() / (gx.norm() * gy.norm()))\n")})
    failed = failed_metrics(error)
    print("failed metrics:", failed)
    assert "cka_diag_ratio" in failed, failed
