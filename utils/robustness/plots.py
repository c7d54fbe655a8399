"""Plots of week 10: a log-log power-law fit, the effective-robustness plane, CKA heatmaps."""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def plot_power_law(x: Sequence[float], y: Sequence[float], a: float, b: float, *, labels: Sequence[str] | None = None,
                   xlabel: str, ylabel: str, title: str) -> None:
    """Points and the fitted ``y = a x^b`` on log-log axes, the exponent in the legend."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(x, y, "o", label="measured")
    grid = np.geomspace(x.min() / 1.3, x.max() * 1.3, 50)
    ax.loglog(grid, a * grid ** b, "--", label=f"fit: {a:.3g} · x^{b:.3f}")
    for xi, yi, text in zip(x, y, labels or []):
        ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    plt.show()


def _logit_axis(ax: plt.Axes, ticks: Sequence[float]) -> None:
    """Label logit-scaled axes with accuracies in percent."""
    logit = lambda p: np.log(p / (100 - p))
    ax.set_xticks([logit(t) for t in ticks], [f"{t:g}" for t in ticks])
    ax.set_yticks([logit(t) for t in ticks], [f"{t:g}" for t in ticks])


def plot_effective_robustness(baseline: Mapping[str, tuple[float, float]], slope: float, intercept: float,
                              measured: Mapping[str, tuple[float, float]], *, xlabel: str, ylabel: str) -> None:
    """OOD vs ID accuracy (%) on logit axes: the baseline models, their linear fit, the measured models above or below it."""
    logit = lambda p: np.log(np.asarray(p, float) / (100 - np.asarray(p, float)))
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    points = np.array(list(baseline.values()))
    ax.scatter(logit(points[:, 0]), logit(points[:, 1]), c="grey", s=18, label="ImageNet-only models (timm)")
    everything = np.concatenate([points, np.array(list(measured.values())).reshape(-1, 2)])
    grid = np.linspace(logit(everything[:, 0].min() - 3), logit(everything[:, 0].max() + 3), 20)
    ax.plot(grid, slope * grid + intercept, "k--", label="baseline (logit-linear fit)")
    for name, (id_acc, ood_acc) in measured.items():
        ax.scatter(logit(id_acc), logit(ood_acc), s=40, label=name)
    _logit_axis(ax, [20, 30, 40, 50, 60, 70, 80, 90])
    ax.set(xlabel=xlabel, ylabel=ylabel, title="Effective robustness: distance above the baseline")
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    plt.show()


def plot_cka(matrices: Mapping[str, np.ndarray], *, xlabel: str, ylabel: str,
             xticklabels: Sequence[str] | None = None, yticklabels: Sequence[str] | None = None) -> None:
    """One heatmap per named CKA matrix (rows: layers of the first network, columns: of the second), values in [0, 1]."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(4.6 * len(matrices), 4.2), squeeze=False)
    for ax, (name, matrix) in zip(axes[0], matrices.items()):
        image = ax.imshow(np.asarray(matrix), vmin=0, vmax=1, cmap="magma", origin="lower")
        ax.set(title=name, xlabel=xlabel, ylabel=ylabel)
        if xticklabels is not None:
            ax.set_xticks(range(len(xticklabels)), xticklabels, rotation=90, fontsize=7)
        if yticklabels is not None:
            ax.set_yticks(range(len(yticklabels)), yticklabels, fontsize=7)
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="linear CKA")
    plt.show()
