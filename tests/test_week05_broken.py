"""Week 5 smoke expectations must catch a broken method, not only a crash."""
import pytest

from tests.nbtools import execute_notebook, solution_path

WEEK = "week05_moco_clustering"

BREAKS = {
    # MoCo learns nothing: the InfoNCE loss is multiplied by zero, so the encoder stays at its random init.
    "moco_loss_zeroed": {"MoCo": (
        "class MoCo(MoCo):\n"
        "    def forward(self, x_q, x_k):\n"
        "        return 0.0 * super().forward(x_q, x_k)\n")},
    # SCAN without its entropy term: nothing stops all images from falling into one cluster.
    "scan_without_entropy": {"SCANLoss": (
        "class SCANLoss(SCANLoss):\n"
        "    def __init__(self, entropy_weight=5.0):\n"
        "        super().__init__(0.0)\n")},
    # PMI whose cluster prior never leaves uniform (momentum 1): agreeing on a popular cluster is no
    # longer discounted, so nothing stops the heads from piling images into few clusters.
    "pmi_frozen_prior": {"PMILoss": (
        "class PMILoss(PMILoss):\n"
        "    def __init__(self, gamma=1.0, momentum=0.99, temperature=0.1):\n"
        "        super().__init__(gamma, 1.0, temperature)\n")},
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_method_fails_the_metrics_check(name):
    error = execute_notebook(solution_path(WEEK), inject=BREAKS[name])
    assert error is not None, f"the notebook passed with the method broken ({name})"
    assert "did not meet expectations" in error, f"failed for another reason than the metrics check:\n{error[-3000:]}"
