"""Week 02 smoke expectations must catch a broken method, not just a crash."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week02_rotation"


def test_week02_fails_when_rotation_labels_are_noise():
    """Train on random rotation labels (uninformative pretext task): the final metrics check must fail."""
    error = execute_notebook(solution_path(WEEK), inject={"rotation_step": (
        "_rotation_step = rotation_step\n"
        "def rotation_step(model, batch):\n"
        "    return _rotation_step(model, (batch[0], torch.randint_like(batch[1], 4)))\n")})
    assert error is not None, "the notebook passed although the pretext labels were noise"
    assert "did not meet expectations" in error, f"failed for another reason:\n{error[-2000:]}"
