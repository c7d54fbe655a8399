"""Week 04 (SimCLR): the smoke expectations must fail when the contrastive loss no longer trains the network."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week04_simclr"


def test_detached_loss_fails_the_metrics_check():
    # Pre-training computes the NT-Xent loss but cuts it off from the network: no gradient reaches
    # the weights, so the "pre-trained" model is the random initialisation (BatchNorm statistics
    # aside) and its loss stays at chance level. The check cells still pass: only training is broken.
    error = execute_notebook(solution_path(WEEK), inject={"simclr_step": (
        "_simclr_step = simclr_step\n"
        "def simclr_step(model, images, **kwargs):\n"
        "    return _simclr_step(model, images, **kwargs).detach().requires_grad_()\n")})
    assert error is not None, "the notebook passed its metrics check although SimCLR did not train"
    assert "did not meet expectations" in error, f"failed for another reason:\n{error[-3000:]}"
