"""Week 1: the smoke check must fail when the autoencoder is not really trained."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week01_autoencoder"


def test_week01_fails_when_training_is_broken():
    # a detached loss gives no gradients: the "trained" model stays at its random initialisation (the loss values,
    # which validation also reads, stay real)
    error = execute_notebook(solution_path(WEEK), inject={"reconstruction_step": (
        "_reconstruction_step = reconstruction_step\n"
        "def reconstruction_step(model, batch):\n"
        "    return _reconstruction_step(model, batch).detach().requires_grad_()\n")})
    assert error is not None, "the notebook passed its checks with an untrained autoencoder"
    assert "did not meet expectations" in error, f"failed for another reason:\n{error[-2000:]}"
    assert "probe_gain_over_random" in error and "val_mse_ratio_to_random" in error
