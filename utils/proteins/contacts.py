"""Contact-precision metrics: AUC, P@L, P@L/2, P@L/5 by sequence separation (fair-esm's contact-prediction example)."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

CONTACT_RANGES = (("local", 3, 6), ("short", 6, 12), ("medium", 12, 24), ("long", 24, None))


def contact_precisions(predictions: Any, targets: Any, min_sep: int = 6, max_sep: int | None = None,
                       override_length: int | None = None) -> dict[str, float]:
    """AUC, P@L, P@L2, P@L5 of one (L, L) contact prediction against 0/1 targets (-1 = unknown).

    Pairs i < j with ``min_sep <= j - i < max_sep`` and a known target are ranked by prediction;
    P@L/k is the fraction of true contacts among the top L/k, with L the number of residues whose
    first-row target is known (fair-esm's ``override_length`` convention; pass it to change).
    AUC is the mean precision over the top L/10, 2L/10, ..., L (fair-esm's definition). When fewer
    than L pairs are valid, the missing ranks count as misses (fair-esm would count invalid pairs).
    """
    pred = torch.as_tensor(np.asarray(predictions, dtype=np.float64)).clone()
    targ = torch.as_tensor(np.asarray(targets)).long()
    if pred.shape != targ.shape or pred.dim() != 2 or pred.shape[0] != pred.shape[1]:
        raise ValueError(f"predictions {tuple(pred.shape)} and targets {tuple(targ.shape)} must both be (L, L)")
    seqlen = pred.shape[0]
    length = int((targ[0] >= 0).sum()) if override_length is None else int(override_length)
    idx = torch.arange(seqlen)
    sep = idx[None, :] - idx[:, None]
    valid = (sep >= min_sep) & (targ >= 0)
    if max_sep is not None:
        valid &= sep < max_sep
    pred[~valid] = float("-inf")
    rows, cols = np.triu_indices(seqlen, min_sep)
    scores = pred[rows, cols]
    truth = torch.where(valid[rows, cols], targ[rows, cols], torch.zeros_like(targ[rows, cols]))  # invalid = miss
    topk = max(seqlen, length)
    top = truth[scores.argsort(descending=True, stable=True)[:topk]]
    if len(top) < topk:
        top = torch.cat([top, top.new_zeros(topk - len(top))])
    cumulative = top.double().cumsum(0)
    cut = (torch.arange(1, 11, dtype=torch.float64) / 10 * length).long() - 1
    cut = cut.clamp(min=0)
    binned = cumulative[cut] / (cut + 1).double()
    return {"AUC": float(binned.mean()), "P@L": float(binned[9]), "P@L2": float(binned[4]),
            "P@L5": float(binned[1])}



def evaluate_contacts(predictions: Any, targets: Any) -> dict[str, float]:
    """:func:`contact_precisions` for the local [3,6), short [6,12), medium [12,24), long [24,inf) ranges.

    Keys are ``"{range}_{metric}"``, e.g. ``"long_P@L"``.
    """
    out = {}
    for name, lo, hi in CONTACT_RANGES:
        for key, value in contact_precisions(predictions, targets, lo, hi).items():
            out[f"{name}_{key}"] = value
    return out


def random_precision(targets: Any, min_sep: int = 6, max_sep: int | None = None) -> float:
    """Expected precision of a random ranking: the density of true contacts among the ranked pairs."""
    targ = np.asarray(targets)
    sep = np.arange(len(targ))[None, :] - np.arange(len(targ))[:, None]
    valid = (sep >= min_sep) & (targ >= 0) & (True if max_sep is None else sep < max_sep)
    return float((targ[valid] == 1).mean()) if valid.any() else float("nan")
