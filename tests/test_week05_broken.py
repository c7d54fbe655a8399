"""Week 5 smoke expectations must catch a broken method, not only a crash."""
import pytest

from tests.nbtools import execute_notebook, solution_path

WEEK = "week05_moco_clustering"

BREAKS = {
    # MoCo learns nothing: the InfoNCE loss is multiplied by zero, so the encoder stays at its random init.
    "moco_loss_zeroed": {
        "    return model(augment(images), augment(images))":
        "    return 0.0 * model(augment(images), augment(images))",
    },
    # SCAN without its entropy term: nothing stops all images from falling into one cluster.
    "scan_without_entropy": {
        "losses = [SCANLoss(cfg.entropy_weight) for _ in range(cfg.num_heads)]":
        "losses = [SCANLoss(0.0) for _ in range(cfg.num_heads)]",
    },
    # PMI whose cluster prior never leaves uniform (momentum 1): agreeing on a popular cluster is no
    # longer discounted, so nothing stops the heads from piling images into few clusters.
    "pmi_frozen_prior": {
        "losses = [PMILoss(cfg.pmi_gamma, cfg.pmi_momentum, cfg.pmi_temperature) for _ in range(cfg.num_heads)]":
        "losses = [PMILoss(cfg.pmi_gamma, 1.0, cfg.pmi_temperature) for _ in range(cfg.num_heads)]",
    },
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_method_fails_the_metrics_check(name):
    error = execute_notebook(solution_path(WEEK), BREAKS[name])
    assert error is not None, f"the notebook passed with the method broken ({name})"
    assert "did not meet expectations" in error, f"failed for another reason than the metrics check:\n{error[-3000:]}"
