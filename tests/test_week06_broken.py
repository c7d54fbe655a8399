"""Week 6: the smoke check must fail when distillation is broken (the teacher's signal is thrown away)."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week06_vit_distillation"


def test_week06_fails_without_the_teacher_signal():
    # alpha = 0 removes the distillation term: the "soft KD" student then learns from the labels alone,
    # exactly like the baseline, so its gain over the label-only student vanishes and the check must fail.
    error = execute_notebook(solution_path(WEEK), inject={"distillation_step": (
        "_distillation_step = distillation_step\n"
        "def distillation_step(student, batch, teacher, criterion):\n"
        "    if not criterion.hard:  # soft KD loses its teacher term\n"
        "        criterion = DistillationLoss(alpha=0.0, temperature=criterion.temperature)\n"
        "    return _distillation_step(student, batch, teacher, criterion)\n")})
    assert error is not None, "the notebook passed its checks although distillation was switched off"
    assert "did not meet expectations" in error, f"failed for another reason:\n{error[-2000:]}"
    assert "did not meet expectations: kd_gain" in error, "the distillation gain should be what fails"
