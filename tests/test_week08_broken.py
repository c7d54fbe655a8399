"""Week 08 (masked modelling): the smoke expectations must fail when the MAE loss is broken."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week08_masked_modeling"
CONSTANT_LOSS = '''def mae_loss(imgs, pred, mask, patch_size, norm_pix_loss=True):
    """Broken on purpose: a constant (zero gradients), so pre-training teaches the encoder nothing."""
    return (pred * 0).sum() + 1.0
'''


def test_constant_mae_loss_fails_the_expectations():
    """Redefine `mae_loss` as a constant right after its definition block (its checks have passed by then).

    `MAE.forward` looks `mae_loss` up at call time, so pre-training gets zero gradients and the encoder stays
    at its random initialisation. The evaluation then reports the constant for both the model and the
    baseline (ratio 1, far above the bound) and fine-tuning starts from random weights: the final metrics
    check, not a unit check, has to catch it.
    """
    error = execute_notebook(solution_path(WEEK), inject={"mae_loss": CONSTANT_LOSS})
    assert error is not None, "the notebook passed although the MAE loss was replaced by a constant"
    assert "did not meet expectations" in error, error[-2000:]
    failed = error.split("did not meet expectations:")[-1].split("\n")[0]
    assert "loss_ratio" in failed, f"the masked-patch loss ratio should fail; failed: {failed}"
