"""Week 07 (DINO): the smoke expectations must fail when the method is broken."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week07_dino"
TRAIN = "history = trainer.train(cfg.epochs, resume=cfg.resume)"


def test_constant_loss_fails_the_expectations():
    """Replace the DINO loss of the real run by a constant (zero gradients): the teacher stays at random init.

    The substitution is made in the training cell, after the check cells, so that it is the final
    metrics check (not a unit check of the loss) that has to catch it.
    """
    broken = ("trainer.model.loss_fn.forward = lambda student_out, teacher_out, temp: 0.0 * student_out.sum() + 4.0\n"
              + TRAIN)
    error = execute_notebook(solution_path(WEEK), {TRAIN: broken})
    assert error is not None, "the notebook passed although the DINO loss was replaced by a constant"
    assert "did not meet expectations" in error, error[-2000:]
