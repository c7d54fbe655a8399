"""Week 07 (DINO): the smoke expectations must fail when the method is broken."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week07_dino"
CONSTANT_LOSS = """class DINOLoss(DINOLoss):
    def forward(self, student_output, teacher_output, teacher_temp):
        return 0.0 * student_output.sum() + 4.0
"""


def test_constant_loss_fails_the_expectations():
    """Redefine the DINO loss as a constant (zero gradients) after its checks: the teacher stays at random init.

    The broken class is injected right after `DINOTrainer` and its check cells (which run the real loss), so the
    real run's trainer builds the broken loss and the final metrics check, not a unit check, has to catch it.
    """
    error = execute_notebook(solution_path(WEEK), inject={"DINOTrainer": CONSTANT_LOSS})
    assert error is not None, "the notebook passed although the DINO loss was replaced by a constant"
    assert "did not meet expectations" in error, error[-2000:]
