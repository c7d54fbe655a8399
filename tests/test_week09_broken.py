"""Week 9 must fail its expectations when the method is broken: with a constant loss CLIP never learns."""
import re

from tests.nbtools import execute_notebook, solution_path

WEEK = "week09_clip_ood"


def test_constant_loss_fails_the_metrics_check():
    """Replace the contrastive loss by a constant (zero gradient): the tiny CLIP stays at random init."""
    error = execute_notebook(solution_path(WEEK), inject={"clip_loss": (
        "def clip_loss(image_emb, text_emb, logit_scale):\n"
        "    return 0.0 * logit_scale\n")})
    assert error is not None, "the notebook passed although the contrastive loss was a constant"
    found = re.search(r"metric\(s\) did not meet expectations: ([\w, ]+)", error)
    assert found, error[-2000:]
    failed = found.group(1).split(", ")
    print("failed metrics:", failed)
    assert "zeroshot_acc" in failed, failed
