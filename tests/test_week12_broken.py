"""Week 12 with the method broken (the MLM training loss is multiplied by 0, so nothing is learned) must fail its check."""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week12_protein_lm"


def test_week12_fails_when_mlm_learns_nothing():
    error = execute_notebook(solution_path(WEEK), inject={"mlm_loss": (
        "_mlm_loss = mlm_loss\n"
        "def mlm_loss(model, tokens, alphabet, mask_prob=0.15):\n"
        "    return 0.0 * _mlm_loss(model, tokens, alphabet, mask_prob)\n")})
    assert error is not None, "the notebook passed although the language model was never trained"
    assert "did not meet expectations" in error, error[-3000:]
