"""The week-3 notebook's final check must fail when the method is broken.

Breaking BERT's pretraining loss (a constant that carries no gradient, so the model is never trained)
must make MLM fall to the baseline and remove the advantage of the pretrained encoder on sentiment.
"""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week03_bert"


def test_untrained_bert_fails_the_expectations():
    error = execute_notebook(solution_path(WEEK), inject={"pretrain_step": (
        "_pretrain_step = pretrain_step\n"
        "def pretrain_step(model, batch, **bound):\n"  # bound: what functools.partial binds (masker, logs)
        "    out = _pretrain_step(model, batch, **bound)\n"
        "    return {**out, 'loss': 0.0 * out['loss']}\n")})
    assert error is not None, "the notebook passed its checks although BERT was never trained"
    assert "did not meet expectations" in error, error[-3000:]
