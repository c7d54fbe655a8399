"""Known-answer tests for the evaluation helpers (probe, kNN, clustering, OOD metrics)."""
import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

import utils


def blobs(n_per_class=100, n_classes=4, dim=16, spread=0.3, seed=0):
    """Well-separated Gaussian blobs: train and test sets."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_classes, dim)) * 3
    def draw():
        y = np.repeat(np.arange(n_classes), n_per_class)
        return (centers[y] + spread * rng.normal(size=(len(y), dim))).astype(np.float32), y
    return (*draw(), *draw())


def test_linear_probe_separable_blobs():
    xtr, ytr, xte, yte = blobs()
    result = utils.linear_probe(xtr, ytr, xte, yte)
    assert result["train_acc"] == 100.0 and result["test_acc"] == 100.0
    assert result["train_loss"] < 0.1 and result["classifier"].out_features == 4


def test_linear_probe_chance_on_random_labels():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 8)).astype(np.float32)
    result = utils.linear_probe(x[:200], rng.integers(0, 2, 200), x[200:], rng.integers(0, 2, 200))
    assert 30 < result["test_acc"] < 70


def test_knn_accuracy_blobs_and_known_answer():
    xtr, ytr, xte, yte = blobs()
    assert utils.knn_accuracy(xtr, ytr, xte, yte, k=1) == 100.0
    assert utils.knn_accuracy(torch.tensor(xtr), torch.tensor(ytr), torch.tensor(xte), torch.tensor(yte), k=5) == 100.0
    train = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    test = torch.tensor([[2.0, 0.1], [0.1, 3.0], [5.0, 4.0]])  # cosine: directions only
    assert utils.knn_accuracy(train, [0, 1], test, [0, 1, 0], k=1) == 100.0


def test_knn_chunking_gives_same_neighbours():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, 10)).astype(np.float32)
    s1, i1 = utils.cosine_topk(x, x, 5, exclude_self=True, chunk_size=7)
    s2, i2 = utils.cosine_topk(x, x, 5, exclude_self=True, chunk_size=1000)
    assert torch.equal(i1, i2) and torch.allclose(s1, s2)
    assert not (i1 == torch.arange(300)[:, None]).any(), "exclude_self must drop the item itself"


def test_clustering_accuracy_invariant_to_relabelling():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 5, 500)
    perm = rng.permutation(5)
    assert utils.clustering_accuracy(y, perm[y]) == 100.0
    noisy = perm[y].copy()
    noisy[:50] = (noisy[:50] + 1) % 5
    acc = utils.clustering_accuracy(y, noisy)
    assert acc == pytest.approx(utils.clustering_accuracy(y, y[:0].tolist() + noisy.tolist()))
    assert 85 <= acc <= 95
    assert utils.clustering_accuracy([0, 0, 1, 1], [1, 1, 0, 0]) == 100.0
    assert utils.clustering_accuracy([0, 0, 1, 1], [0, 0, 0, 0]) == 50.0


def test_clustering_metrics_known_values():
    m = utils.clustering_metrics([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])
    assert m == {"acc": 100.0, "nmi": pytest.approx(100.0), "ari": pytest.approx(100.0)}
    assert isinstance(m["acc"], float)


def test_auroc_matches_sklearn_and_fpr95():
    rng = np.random.default_rng(4)
    s_in, s_out = rng.normal(1, 1, 300), rng.normal(0, 1, 200)
    expected = roc_auc_score(np.r_[np.ones(300), np.zeros(200)], np.r_[s_in, s_out]) * 100
    assert utils.auroc(s_in, s_out) == pytest.approx(expected)
    assert utils.auroc(torch.tensor(s_in), torch.tensor(s_out)) == pytest.approx(expected)
    assert utils.auroc([2, 3], [0, 1]) == 100.0 and utils.auroc([0, 1], [2, 3]) == 0.0
    # perfectly separated: no OOD sample passes the 95 % TPR threshold; reversed: all of them do
    assert utils.fpr_at_tpr(np.arange(10, 30), np.arange(10)) == 0.0
    assert utils.fpr_at_tpr(np.arange(10), np.arange(10, 30)) == 100.0
    m = utils.ood_metrics(s_in, s_out)
    assert set(m) == {"auroc", "fpr95"} and 0 <= m["fpr95"] <= 100


def test_fpr95_known_answer():
    s_in = np.arange(100)  # threshold keeping 95 % of in-dist samples is 5
    s_out = np.array([0, 2, 4, 6, 8, 50])  # three of six are >= 5
    assert utils.fpr_at_tpr(s_in, s_out) == pytest.approx(50.0)


def test_extract_features_restores_mode_and_flattens():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.Dropout(0.5))
    model.train()
    data = [(torch.ones(4, 1, 5, 5), torch.arange(4)), (torch.ones(2, 1, 5, 5), torch.arange(2))]
    feats, labels = utils.extract_features(model, data)
    assert feats.shape == (6, 50) and labels.tolist() == [0, 1, 2, 3, 0, 1]
    assert torch.allclose(feats[0], feats[4]), "dropout must be off during extraction"
    assert model.training and not feats.requires_grad


def test_probe_accepts_inference_mode_features():
    with torch.inference_mode():
        x = torch.randn(40, 3) + torch.arange(40)[:, None].remainder(2) * 4
    y = torch.arange(40) % 2
    assert utils.linear_probe(x, y, x, y)["test_acc"] == 100.0
    feats, _ = utils.extract_features(torch.nn.Identity(), [(x, y)])
    assert not feats.is_inference()


def test_few_shot_indices_per_class_and_fixed_by_seed():
    labels = np.repeat(np.arange(4), 10)
    idx = utils.few_shot_indices(labels, shots=3, seed=1)
    assert len(idx) == 12 and np.array_equal(np.bincount(labels[idx]), [3, 3, 3, 3])
    assert np.array_equal(idx, utils.few_shot_indices(labels, shots=3, seed=1))
    assert not np.array_equal(idx, utils.few_shot_indices(labels, shots=3, seed=2))
    with pytest.raises(ValueError, match="fewer than shots"):
        utils.few_shot_indices(labels, shots=11)


def test_few_shot_accuracy_separable_and_random_features():
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 8)) * 5
    y = np.tile(np.arange(3), 40)
    x = centers[y] + rng.normal(size=(120, 8))
    good = utils.few_shot_accuracy(x[:60], y[:60], x[60:], y[60:], shots=2, draws=3)
    assert good["probe"] > 95 and good["knn"] > 95
    noise = utils.few_shot_accuracy(rng.normal(size=(60, 8)), y[:60], rng.normal(size=(60, 8)), y[60:], shots=2, draws=3)
    assert noise["knn"] < 70 and set(noise) == {"probe", "knn", "probe_std", "knn_std"}


def test_probe_gradient_matches_autograd():
    """The probe's hand-written gradient is autograd's gradient of the same objective."""
    from utils.evaluation import _softmax_regression_objective
    torch.manual_seed(0)
    x, y = torch.randn(50, 6), torch.randint(0, 3, (50,))
    w, b = torch.randn(3, 6, requires_grad=True), torch.randn(3, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(x @ w.t() + b, y) + 0.05 * w.pow(2).sum()
    loss.backward()
    ours, grad_w, grad_b = _softmax_regression_objective(x, y, w.detach(), b.detach(), l2=0.1)
    assert torch.allclose(ours, loss.detach(), atol=1e-6)
    assert torch.allclose(grad_w, w.grad, atol=1e-6) and torch.allclose(grad_b, b.grad, atol=1e-6)


def test_probe_chooses_l2_on_validation_split():
    """The search keeps the best validation accuracy (ties: lower validation loss); a float skips the search."""
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(2), 100)
    x = rng.normal(size=(200, 1000)).astype(np.float32)
    x[:, :5] += 1.0 * (2 * y - 1)[:, None]  # five informative directions among 1000 noisy ones
    result = utils.linear_probe(x[::2], y[::2], x[1::2], y[1::2])
    searched = list(result["val_acc"])
    assert searched == sorted(searched, reverse=True) and set(searched) <= set(utils.evaluation.L2_GRID)
    assert result["l2"] == max(searched, key=lambda v: (result["val_acc"][v], -result["val_loss"][v]))
    best = max(result["val_acc"].values())
    if len(searched) < len(utils.evaluation.L2_GRID):  # it stopped early: after two values below the best
        assert all(result["val_acc"][v] < best for v in searched[-2:])
    fixed = utils.linear_probe(x[::2], y[::2], x[1::2], y[1::2], l2=1e-2)
    assert fixed["l2"] == 1e-2 and fixed["val_acc"] == {} and fixed["sweep_iterations"] == 0


def test_probe_validation_split_is_stratified():
    from utils.evaluation import _validation_split
    y = torch.tensor([0] * 10 + [1] * 5 + [2] * 1)
    fit, val = _validation_split(y, 0.2, seed=0)
    assert sorted(torch.cat([fit, val]).tolist()) == list(range(16))
    assert torch.bincount(y[val], minlength=3).tolist() == [2, 1, 0]  # 20 %, at least one, never a whole class
