"""The week-3 notebook's final check must fail when the method is broken.

Breaking BERT's pretraining loss (a constant that carries no gradient, so the model is never trained)
must make MLM fall to the baseline and remove the advantage of the pretrained encoder on sentiment.
"""
from tests.nbtools import execute_notebook, solution_path

WEEK = "week03_bert"


def test_untrained_bert_fails_the_expectations():
    error = execute_notebook(solution_path(WEEK), {
        '    return {"loss": nsp_loss + mlm_loss, "nsp_loss": nsp_loss, "mlm_loss": mlm_loss,':
        '    return {"loss": 0.0 * (nsp_loss + mlm_loss), "nsp_loss": nsp_loss, "mlm_loss": mlm_loss,',
    })
    assert error is not None, "the notebook passed its checks although BERT was never trained"
    assert "did not meet expectations" in error, error[-3000:]
