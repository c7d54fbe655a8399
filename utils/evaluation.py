"""Evaluation of representations: features, linear probe, kNN, clustering and OOD metrics (in %)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ArrayLike = Any  # numpy array, torch tensor or list


def _tensor(x: ArrayLike, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Convert numpy/list/tensor input to a CPU-detached torch tensor."""
    t = x.detach() if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
    if t.is_inference():  # tensors made under torch.inference_mode cannot enter autograd graphs
        t = t.clone()
    return t.to(dtype) if dtype is not None else t


def _numpy(x: ArrayLike) -> np.ndarray:
    """Convert tensor/list input to a numpy array."""
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def extract_features(model: nn.Module | Callable, loader: Iterable, device: torch.device | str = "cpu",
                     *, flatten: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Run ``model`` over ``loader`` in eval/inference mode; return CPU ``(features, labels)``."""
    was_training = getattr(model, "training", False)
    if isinstance(model, nn.Module):
        model.eval()
    feats, labels = [], []
    try:
        with torch.inference_mode():
            for batch in loader:
                x, y = (batch[0], batch[1]) if isinstance(batch, (list, tuple)) else (batch, None)
                out = model(x.to(device, non_blocking=True))
                feats.append((out.flatten(1) if flatten else out).float().cpu())
                if y is not None:
                    labels.append(torch.as_tensor(y).cpu())
    finally:
        if isinstance(model, nn.Module):
            model.train(was_training)
    # concatenating outside inference mode returns ordinary tensors, usable later with autograd
    return torch.cat(feats), (torch.cat(labels) if labels else torch.empty(0, dtype=torch.long))


L2_GRID: tuple[float, ...] = (1.0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5)


def _softmax_regression_objective(x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                                  l2: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean cross-entropy + ``l2``/2 ||W||^2 and its gradients, written out: ``(loss, dW, db)``.

    ``x`` (N, D), ``y`` (N,) long, ``weight`` (K, D), ``bias`` (K,). The gradient is
    (softmax - onehot)^T x / N, so ``x`` is read twice per evaluation, a third of what autograd does.
    """
    rows = torch.arange(x.shape[0], device=x.device)
    log_p = torch.addmm(bias, x, weight.t()).log_softmax(1)
    loss = -log_p[rows, y].mean() + 0.5 * l2 * weight.pow(2).sum()
    residual = log_p.exp_()
    residual[rows, y] -= 1.0
    residual /= x.shape[0]
    return loss, residual.t() @ x + l2 * weight, residual.sum(0)


def _fit_softmax_regression(x: torch.Tensor, y: torch.Tensor, num_classes: int, l2: float, *, max_iter: int,
                            tol: float, init: tuple[torch.Tensor, torch.Tensor] | None = None
                            ) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Minimise :func:`_softmax_regression_objective` with L-BFGS from zeros or ``init``; ``(W, b, iterations)``."""
    weight = init[0].clone() if init else x.new_zeros(num_classes, x.shape[1])
    bias = init[1].clone() if init else x.new_zeros(num_classes)
    opt = torch.optim.LBFGS([weight, bias], lr=1.0, max_iter=max_iter, history_size=10,
                            tolerance_grad=tol, tolerance_change=1e-9, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        loss, weight.grad, bias.grad = _softmax_regression_objective(x, y, weight, bias, l2)
        return loss

    with torch.no_grad():
        opt.step(closure)
    return weight, bias, int(opt.state[weight].get("n_iter", 0))


def _validation_split(y: torch.Tensor, fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Stratified ``(fit_idx, val_idx)``: ``fraction`` of each class (at least one, never all) held out."""
    gen = torch.Generator().manual_seed(seed)
    fit, val = [], []
    for c in torch.unique(y.cpu()):
        members = torch.nonzero(y.cpu() == c).flatten()
        members = members[torch.randperm(len(members), generator=gen)]
        n_val = min(max(1, round(fraction * len(members))), len(members) - 1)
        val.append(members[:n_val])
        fit.append(members[n_val:])
    return torch.cat(fit).sort().values, torch.cat(val).sort().values


def linear_probe(train_x: ArrayLike, train_y: ArrayLike, test_x: ArrayLike, test_y: ArrayLike, *,
                 l2: float | Sequence[float] = L2_GRID, val_fraction: float = 0.2, max_iter: int = 100,
                 tol: float = 1e-4, standardize: bool = True, seed: int = 0,
                 device: torch.device | str | None = None) -> dict[str, Any]:
    """Multinomial logistic regression on frozen features (L-BFGS), its l2 chosen on a validation split; accuracies in %.

    Objective: mean cross-entropy + ``l2``/2 * ||W||^2 on features standardised with the train
    statistics (bias not penalised). With a sequence of ``l2`` values (the default grid), a stratified
    ``val_fraction`` of the train split is held out, the values are fitted from the strongest to the
    weakest (each warm-started from the last, stopping once two in a row fall below the best), the
    one with the best validation accuracy is kept (ties: the lower validation loss) and the probe is refitted on
    the whole train split from its solution. A single float skips the search. Returns ``train_acc``,
    ``test_acc``, ``train_loss``, ``test_loss``, ``l2`` (used), ``val_acc`` ({l2: %}) and ``val_loss`` (empty without a
    search), ``iterations`` (final fit), ``sweep_iterations`` and the fitted ``classifier`` (an
    ``nn.Linear`` that expects the *standardised* features) with the ``mean``/``std`` used. If no
    class has two examples to split, the grid's middle value is used without a search.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    xtr, xte = _tensor(train_x, torch.float32).to(device), _tensor(test_x, torch.float32).to(device)
    ytr, yte = _tensor(train_y, torch.long).to(device), _tensor(test_y, torch.long).to(device)
    if standardize:
        std, mean = torch.std_mean(xtr, 0, keepdim=True)
        std = std.clamp_min(1e-6)
        xtr, xte = xtr.sub(mean).div_(std), xte.sub(mean).div_(std)  # one copy each; the inputs stay untouched
    else:
        mean, std = torch.zeros(1, xtr.shape[1], device=device), torch.ones(1, xtr.shape[1], device=device)
    num_classes = int(max(ytr.max().item(), yte.max().item())) + 1
    grid = sorted({float(v) for v in l2}, reverse=True) if isinstance(l2, (list, tuple)) else [float(l2)]
    val_acc, val_loss, sweep_iterations, init, chosen = {}, {}, 0, None, grid[0]
    fit_idx, val_idx = _validation_split(ytr, val_fraction, seed) if len(grid) > 1 else (None, [])
    if len(val_idx) == 0:  # a fixed l2, or no class with two examples to split: the grid's middle value
        chosen = grid[len(grid) // 2]
    else:
        fit_idx, val_idx = fit_idx.to(device), val_idx.to(device)
        x_fit, y_fit, x_val, y_val = xtr[fit_idx], ytr[fit_idx], xtr[val_idx], ytr[val_idx]
        solutions, below = {}, 0
        for value in grid:
            weight, bias, n_iter = _fit_softmax_regression(x_fit, y_fit, num_classes, value, init=init,
                                                           max_iter=max(1, max_iter // 2), tol=10 * tol)
            init, sweep_iterations = (weight, bias), sweep_iterations + n_iter
            solutions[value] = init
            logits = torch.addmm(bias, x_val, weight.t())
            val_acc[value] = (logits.argmax(1) == y_val).float().mean().item() * 100
            val_loss[value] = F.cross_entropy(logits, y_val).item()
            below = below + 1 if val_acc[value] < max(val_acc.values()) else 0
            if below == 2:
                break
        chosen = max(val_acc, key=lambda v: (val_acc[v], -val_loss[v]))  # best accuracy; ties: lower val loss
        init = solutions[chosen]
    weight, bias, n_iter = _fit_softmax_regression(xtr, ytr, num_classes, chosen, max_iter=max_iter, tol=tol,
                                                   init=init)
    clf = nn.Linear(xtr.shape[1], num_classes)
    with torch.no_grad():
        clf.weight.copy_(weight)
        clf.bias.copy_(bias)
        logits_tr, logits_te = torch.addmm(bias, xtr, weight.t()), torch.addmm(bias, xte, weight.t())
        result = {
            "train_acc": (logits_tr.argmax(1) == ytr).float().mean().item() * 100,
            "test_acc": (logits_te.argmax(1) == yte).float().mean().item() * 100,
            "train_loss": F.cross_entropy(logits_tr, ytr).item(),
            "test_loss": F.cross_entropy(logits_te, yte).item(),
        }
    result.update(l2=chosen, val_acc=val_acc, val_loss=val_loss, iterations=n_iter, sweep_iterations=sweep_iterations,
                  classifier=clf, mean=mean.cpu(), std=std.cpu())
    return result


@torch.inference_mode()
def cosine_topk(query: ArrayLike, keys: ArrayLike, k: int, *, exclude_self: bool = False,
                chunk_size: int = 1024, device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-``k`` cosine similarities and indices of ``keys`` for each query, computed in chunks.

    With ``exclude_self=True`` (query and keys are the same set) the item itself is never returned.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    keys_n = F.normalize(_tensor(keys, torch.float32).to(device), dim=1)
    query_t = _tensor(query, torch.float32)
    sims, idxs = [], []
    for start in range(0, len(query_t), chunk_size):
        q = F.normalize(query_t[start:start + chunk_size].to(device), dim=1)
        s = q @ keys_n.T
        if exclude_self:
            rows = torch.arange(len(q), device=device)
            s[rows, rows + start] = -float("inf")
        top = s.topk(k, dim=1)
        sims.append(top.values.cpu())
        idxs.append(top.indices.cpu())
    return torch.cat(sims), torch.cat(idxs)


def knn_accuracy(train_x: ArrayLike, train_y: ArrayLike, test_x: ArrayLike, test_y: ArrayLike,
                 k: int = 1, *, chunk_size: int = 1024, device: torch.device | str | None = None) -> float:
    """Accuracy (%) of a cosine-similarity k-NN classifier (majority vote, ties by summed similarity)."""
    train_y_t, test_y_t = _tensor(train_y, torch.long), _tensor(test_y, torch.long)
    sims, idx = cosine_topk(test_x, train_x, k, chunk_size=chunk_size, device=device)
    neighbour_labels = train_y_t[idx]  # (N_test, k)
    num_classes = int(max(train_y_t.max().item(), test_y_t.max().item())) + 1
    votes = torch.zeros(len(idx), num_classes)
    votes.scatter_add_(1, neighbour_labels, torch.ones_like(sims))
    votes.scatter_add_(1, neighbour_labels, 1e-3 * sims.clamp(-1, 1) / k)  # tie-break, never overturns a count
    return (votes.argmax(1) == test_y_t).float().mean().item() * 100


def euclidean_knn_accuracy(train_x: torch.Tensor, train_y: torch.Tensor, test_x: torch.Tensor, test_y: torch.Tensor,
                           k: int = 11, chunk_size: int = 1024, device: torch.device | str = "cpu") -> float:
    """Accuracy (%) of a Euclidean k-NN classifier: majority vote of the ``k`` nearest training points (week 11, MedMNIST+).

    Shapes: train_x (N, D), train_y (N,), test_x (M, D), test_y (M,). Ties between classes go to the class
    whose voters are closer in total (a vote weight of 1 plus a tiny distance-based tie-breaker).
    """
    train_x, test_x = train_x.float().to(device), test_x.float().to(device)
    train_y, test_y = train_y.long().to(device), test_y.long().to(device)
    num_classes = int(max(train_y.max().item(), test_y.max().item())) + 1
    k = min(k, len(train_x))
    correct = 0
    for start in range(0, len(test_x), chunk_size):
        dist = torch.cdist(test_x[start:start + chunk_size], train_x)  # (chunk, N)
        near, idx = dist.topk(k, dim=1, largest=False)
        weight = 1.0 + 1e-3 / (1.0 + near)  # never overturns a count
        votes = torch.zeros(len(idx), num_classes, device=device).scatter_add_(1, train_y[idx], weight)
        correct += int((votes.argmax(1) == test_y[start:start + chunk_size]).sum())
    return 100.0 * correct / len(test_x)


def few_shot_indices(labels: ArrayLike, shots: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``shots`` examples per class of ``labels``, drawn without replacement with ``seed``."""
    y = _numpy(labels).astype(np.int64)
    rng = np.random.default_rng(seed)
    picks = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if len(members) < shots:
            raise ValueError(f"class {c} has {len(members)} examples, fewer than shots={shots}")
        picks.append(rng.choice(members, shots, replace=False))
    return np.sort(np.concatenate(picks))


def few_shot_accuracy(train_x: ArrayLike, train_y: ArrayLike, test_x: ArrayLike, test_y: ArrayLike, *,
                      shots: int, draws: int = 5, device: torch.device | str | None = None) -> dict[str, float]:
    """Linear-probe and 1-NN test accuracy (%) with ``shots`` labels per class, averaged over ``draws`` fixed draws.

    Draw ``d`` uses :func:`few_shot_indices` with seed ``d``, so every model is evaluated on the same
    labelled subsets. Returns ``probe`` and ``knn`` (means) and ``probe_std``/``knn_std`` over the draws.
    """
    xtr, ytr = _tensor(train_x, torch.float32), _tensor(train_y, torch.long)
    probe, knn = [], []
    for d in range(draws):
        idx = torch.as_tensor(few_shot_indices(ytr, shots, seed=d))
        probe.append(linear_probe(xtr[idx], ytr[idx], test_x, test_y, device=device)["test_acc"])
        knn.append(knn_accuracy(xtr[idx], ytr[idx], test_x, test_y, k=1, device=device))
    return {"probe": float(np.mean(probe)), "knn": float(np.mean(knn)),
            "probe_std": float(np.std(probe)), "knn_std": float(np.std(knn))}


def clustering_accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Accuracy (%) under the best one-to-one matching of clusters to classes (Hungarian, scipy)."""
    from scipy.optimize import linear_sum_assignment

    y_true, y_pred = _numpy(y_true).astype(np.int64), _numpy(y_pred).astype(np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    _, t = np.unique(y_true, return_inverse=True)
    _, p = np.unique(y_pred, return_inverse=True)
    counts = np.zeros((p.max() + 1, t.max() + 1), dtype=np.int64)
    np.add.at(counts, (p, t), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / len(y_true) * 100)


def clustering_metrics(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float]:
    """Clustering accuracy, NMI and ARI, all in %."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    y_true, y_pred = _numpy(y_true), _numpy(y_pred)
    return {"acc": clustering_accuracy(y_true, y_pred),
            "nmi": normalized_mutual_info_score(y_true, y_pred) * 100,
            "ari": adjusted_rand_score(y_true, y_pred) * 100}


def _ood_labels_scores(score_in: ArrayLike, score_out: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Stack scores with in-distribution as the positive class (label 1)."""
    s_in, s_out = _numpy(score_in).astype(np.float64).ravel(), _numpy(score_out).astype(np.float64).ravel()
    return np.r_[np.ones(len(s_in)), np.zeros(len(s_out))], np.r_[s_in, s_out]


def auroc(score_in: ArrayLike, score_out: ArrayLike) -> float:
    """Area under the ROC curve (%) with in-distribution positive (higher score = more in-distribution)."""
    from sklearn.metrics import roc_auc_score

    labels, scores = _ood_labels_scores(score_in, score_out)
    return roc_auc_score(labels, scores) * 100


def fpr_at_tpr(score_in: ArrayLike, score_out: ArrayLike, tpr: float = 0.95) -> float:
    """False-positive rate (%) on OOD data at the threshold that keeps ``tpr`` of in-distribution data."""
    from sklearn.metrics import roc_curve

    labels, scores = _ood_labels_scores(score_in, score_out)
    fprs, tprs, _ = roc_curve(labels, scores, drop_intermediate=False)
    return float(fprs[np.searchsorted(tprs, tpr, side="left")]) * 100


def ood_metrics(score_in: ArrayLike, score_out: ArrayLike) -> dict[str, float]:
    """AUROC and FPR at 95 % TPR, both in %."""
    return {"auroc": auroc(score_in, score_out), "fpr95": fpr_at_tpr(score_in, score_out, 0.95)}
