"""Figures the notebooks rely on; every function draws, titles, labels and shows one figure.

They return ``None`` so that a plotting call as the last line of a cell shows the figure once.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

ArrayLike = Any


def _np(x: ArrayLike) -> np.ndarray:
    """Tensor or list to numpy."""
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def to_display(images: ArrayLike, mean: Sequence[float] | None = None, std: Sequence[float] | None = None) -> np.ndarray:
    """Un-normalise ``(N, C, H, W)`` images and return ``(N, H, W, C)`` floats clipped to [0, 1]."""
    imgs = _np(images).astype(np.float32)
    if imgs.ndim == 3:
        imgs = imgs[None]
    if std is not None:
        imgs = imgs * np.asarray(std, dtype=np.float32).reshape(1, -1, 1, 1)
    if mean is not None:
        imgs = imgs + np.asarray(mean, dtype=np.float32).reshape(1, -1, 1, 1)
    return np.clip(imgs.transpose(0, 2, 3, 1), 0, 1)


def _imshow(ax: plt.Axes, img: np.ndarray, **kwargs: Any) -> None:
    """Show one HWC image (grey if single-channel) without axes."""
    ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap="gray" if img.shape[-1] == 1 else None, **kwargs)
    ax.axis("off")


def show_images(images: ArrayLike, titles: Sequence[str] | None = None, *, ncols: int = 8, title: str = "",
                mean: Sequence[float] | None = None, std: Sequence[float] | None = None,
                size: float = 1.6) -> None:
    """Grid of images (un-normalised with ``mean``/``std``), each with an optional caption."""
    imgs = to_display(images, mean, std)
    ncols = min(ncols, len(imgs))
    nrows = int(np.ceil(len(imgs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(size * ncols, (size + (0.25 if titles is not None else 0)) * nrows + (0.4 if title else 0)))
    for i, ax in enumerate(axes.flat):
        if i < len(imgs):
            _imshow(ax, imgs[i])
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
        else:
            ax.axis("off")
    fig.suptitle(title)
    plt.show()


def show_reconstructions(originals: ArrayLike, reconstructions: ArrayLike | Mapping[str, ArrayLike], *, n: int = 8,
                         title: str = "", mean: Sequence[float] | None = None, std: Sequence[float] | None = None
                         ) -> None:
    """Rows: originals, then per model its reconstructions and per-pixel L1 |x - x'| and L2 (x - x')^2 maps.

    ``reconstructions`` is one array or ``{model name: array}``; the difference maps of all models share
    one colour scale (with a colour bar), so the models' errors can be compared pixel by pixel.
    """
    models = reconstructions if isinstance(reconstructions, Mapping) else {"": reconstructions}
    orig = to_display(originals[:n], mean, std)
    recs = {name: to_display(r[:n], mean, std) for name, r in models.items()}
    l1 = {name: np.abs(orig - r).mean(-1) for name, r in recs.items()}
    l2 = {name: ((orig - r) ** 2).mean(-1) for name, r in recs.items()}
    l1_max, l2_max = (max(max(d.max() for d in m.values()), 1e-8) for m in (l1, l2))
    rows = [("original", orig, None)]
    for name in models:
        label = f"{name}: " if name else ""
        rows += [(f"{label}reconstruction", recs[name], None), (f"{label}L1 difference", l1[name], l1_max),
                 (f"{label}L2 difference", l2[name], l2_max)]
    fig, axes = plt.subplots(len(rows), len(orig), figsize=(1.6 * len(orig) + 0.8, 1.75 * len(rows)), squeeze=False,
                             layout="constrained")
    for r, (name, imgs, vmax) in enumerate(rows):
        for c in range(len(orig)):
            if vmax is None:
                _imshow(axes[r, c], imgs[c])
            else:
                shown = axes[r, c].imshow(imgs[c], cmap="magma", vmin=0, vmax=vmax)
                axes[r, c].axis("off")
        if vmax is not None:
            fig.colorbar(shown, ax=axes[r, :].tolist(), fraction=0.02, pad=0.01)
        axes[r, 0].set_title(name, loc="left", fontsize=10)
    fig.suptitle(title or "Originals, reconstructions and their per-pixel differences (one scale per error)")
    plt.show()


def plot_history(history: Mapping[str, Sequence[float]], keys: Sequence[str] | None = None, *,
                 title: str = "Training curves", xlabel: str = "epoch") -> None:
    """Line plot of per-epoch metrics; losses and other metrics go on separate panels."""
    keys = [k for k in (keys or history) if k not in ("epoch", "seconds") and len(history[k]) > 0]
    groups = [[k for k in keys if "loss" in k], [k for k in keys if "loss" not in k]]
    groups = [g for g in groups if g]
    fig, axes = plt.subplots(1, len(groups), figsize=(5.5 * len(groups), 3.6), squeeze=False)
    for ax, group in zip(axes[0], groups):
        for key in group:
            values = history[key]
            ax.plot(np.arange(1, len(values) + 1), values, marker="o" if len(values) < 30 else None,
                    markersize=3, label=key)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("loss" if "loss" in group[0] else "value")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def tsne_embed(features: ArrayLike, *, perplexity: float = 30.0, seed: int = 0, metric: str = "cosine") -> np.ndarray:
    """2-D t-SNE embedding of features (scikit-learn, PCA init)."""
    from sklearn.manifold import TSNE

    feats = _np(features).astype(np.float32)
    perplexity = min(perplexity, max(5.0, (len(feats) - 1) / 3))
    return TSNE(2, perplexity=perplexity, metric=metric, init="pca", random_state=seed).fit_transform(feats)


def plot_tsne(features: ArrayLike, labels: ArrayLike, class_names: Sequence[str] | None = None, *,
              title: str = "t-SNE of features", max_points: int = 3000, perplexity: float = 30.0,
              seed: int = 0) -> None:
    """t-SNE scatter of (a random subset of) features coloured by class, with a class legend."""
    feats, labels = _np(features), _np(labels).astype(int)
    if len(feats) > max_points:
        keep = np.random.default_rng(seed).choice(len(feats), max_points, replace=False)
        feats, labels = feats[keep], labels[keep]
    emb = tsne_embed(feats, perplexity=perplexity, seed=seed)
    classes = np.unique(labels)
    cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
    fig, ax = plt.subplots(figsize=(7, 6))
    for i, c in enumerate(classes):
        m = labels == c
        name = class_names[c] if class_names is not None and 0 <= c < len(class_names) else str(c)
        ax.scatter(emb[m, 0], emb[m, 1], s=6, color=cmap(i % cmap.N), label=name, alpha=0.8)
    ax.set_title(title)
    ax.set_xlabel("t-SNE 1")
    ax.set_ylabel("t-SNE 2")
    if len(classes) <= 20:
        ax.legend(markerscale=3, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5), title="class")
    fig.tight_layout()
    plt.show()


def show_neighbors(queries: ArrayLike, neighbors: ArrayLike, *, title: str = "Nearest neighbours",
                   mean: Sequence[float] | None = None, std: Sequence[float] | None = None,
                   query_titles: Sequence[str] | None = None,
                   neighbor_titles: Sequence[Sequence[str]] | None = None) -> None:
    """One row per query: the query image (framed) followed by its ``k`` neighbours ``(Q, k, C, H, W)``."""
    q = to_display(queries, mean, std)
    nb = _np(neighbors)
    k = nb.shape[1]
    fig, axes = plt.subplots(len(q), k + 1, figsize=(1.5 * (k + 1), 1.6 * len(q)), squeeze=False)
    for r in range(len(q)):
        _imshow(axes[r, 0], q[r])
        axes[r, 0].set_title(query_titles[r] if query_titles else "query", fontsize=8, color="tab:red")
        row = to_display(nb[r], mean, std)
        for c in range(k):
            _imshow(axes[r, c + 1], row[c])
            if neighbor_titles is not None:
                axes[r, c + 1].set_title(neighbor_titles[r][c], fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_histogram(values: ArrayLike, *, bins: int | Sequence[float] | None = None, discrete: bool = False,
                   title: str = "Histogram", xlabel: str = "value", ylabel: str = "count") -> None:
    """Histogram of values; ``discrete=True`` draws one bar per integer value (e.g. cluster sizes)."""
    v = _np(values).ravel()
    fig, ax = plt.subplots(figsize=(7, 3.6))
    if discrete:
        v = v.astype(int)
        counts = np.bincount(v - v.min())
        ax.bar(np.arange(v.min(), v.max() + 1), counts, color="tab:blue")
    else:
        ax.hist(v, bins=30 if bins is None else bins, color="tab:blue", alpha=0.85)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    plt.show()


def plot_roc(scores: Mapping[str, tuple[ArrayLike, ArrayLike]], *, title: str = "ROC: in- vs out-of-distribution"
             ) -> None:
    """ROC curves, one per named ``(score_in, score_out)`` pair (in-distribution positive), AUROC in legend."""
    from sklearn.metrics import roc_auc_score, roc_curve

    fig, ax = plt.subplots(figsize=(5.5, 5))
    for name, (s_in, s_out) in scores.items():
        y = np.r_[np.ones(len(_np(s_in))), np.zeros(len(_np(s_out)))]
        s = np.r_[_np(s_in).ravel(), _np(s_out).ravel()]
        fpr, tpr, _ = roc_curve(y, s)
        ax.plot(fpr * 100, tpr * 100, label=f"{name} (AUROC {roc_auc_score(y, s) * 100:.1f})")
    ax.plot([0, 100], [0, 100], "k--", lw=1, label="chance")
    ax.axhline(95, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("false positive rate on OOD data (%)")
    ax.set_ylabel("true positive rate on in-distribution data (%)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    plt.show()


def plot_bars(values: Mapping[str, float], *, title: str, ylabel: str, errors: Mapping[str, float] | None = None,
              baseline: str | None = None) -> None:
    """Bar chart of named values (e.g. probe accuracy per method), annotated; with ``baseline``, a panel of gains over it."""
    names = list(values)
    colours = plt.get_cmap("tab10")(np.arange(len(names)) % 10)
    others = [n for n in names if n != baseline] if baseline is not None else []
    fig, axes = plt.subplots(1, 2 if others else 1, figsize=(1.4 * len(names) + 2 + (1.4 * len(others) + 2 if others else 0),
                                                           3.6), squeeze=False)
    ax = axes[0, 0]
    bars = ax.bar(names, [values[n] for n in names], yerr=[errors[n] for n in names] if errors else None,
                  color=colours, capsize=4)
    ax.bar_label(bars, fmt="%.1f")
    ax.margins(y=0.12)  # room for the labels
    if len(names) > 6:  # long rows of names would overlap
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_title(title if not others else "value")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, axis="y")
    if others:  # the gain on its own axis: a 1-point gain is invisible on a 0-100 % axis
        gains = [values[n] - values[baseline] for n in others]
        ax = axes[0, 1]
        bars = ax.bar(others, gains, color=[colours[names.index(n)] for n in others])
        ax.bar_label(bars, fmt="%+.1f")
        ax.margins(y=0.12)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_title(f"gain over {baseline}")
        ax.set_ylabel(f"{ylabel}: difference")
        ax.grid(alpha=0.3, axis="y")
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_topk_probabilities(logits: ArrayLike, labels: ArrayLike, class_names: Sequence[str],
                            temperatures: Sequence[float] = (1.0, 4.0), *, n: int = 4, k: int = 10,
                            title: str = "Top-k class probabilities (true class in green; log scale)") -> None:
    """Bars of softmax(logits / T) over each of the first ``n`` samples' ``k`` likeliest classes, one row per T."""
    logits, labels = torch.as_tensor(_np(logits)).float(), _np(labels).astype(int)
    k = min(k, logits.shape[1])
    fig, axes = plt.subplots(len(temperatures), n, figsize=(3.25 * n, 2.5 * len(temperatures)), sharey="row",
                             squeeze=False)
    for i in range(n):
        top = logits[i].topk(k).indices.tolist()
        for ax, tau in zip(axes[:, i], temperatures):
            probs = torch.softmax(logits[i] / tau, dim=0)[top].numpy()
            ax.bar([class_names[c][:8] for c in top], probs,
                   color=["tab:green" if c == labels[i] else "tab:grey" for c in top])
            ax.set_yscale("log")
            ax.tick_params(axis="x", labelrotation=70, labelsize=7)
            ax.set_title(f"sample {i} ({class_names[labels[i]]}), T = {tau:g}", fontsize=9)
    for ax in axes[:, 0]:
        ax.set_ylabel("probability")
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_agreement(matrices: Mapping[str, ArrayLike], class_names: Sequence[str] | None = None, *,
                   title: str = "Agreement (matrices: log(1 + count))", xlabel: str = "student prediction",
                   ylabel: str = "teacher prediction") -> None:
    """Per model its ``(C, C)`` count matrix (row: reference class, column: model class), then % on the diagonal."""
    mats = {name: _np(m).astype(float) for name, m in matrices.items()}
    agreement = {name: 100 * np.trace(m) / max(m.sum(), 1) for name, m in mats.items()}
    fig, axes = plt.subplots(1, len(mats) + 1, figsize=(4.2 * (len(mats) + 1), 4), squeeze=False)
    for ax, (name, m) in zip(axes[0], mats.items()):
        ax.imshow(np.log1p(m), cmap="viridis")
        ax.set(title=f"{name}: {agreement[name]:.1f} % agree", xlabel=xlabel, ylabel=ylabel)
        if class_names is not None and len(class_names) <= 20:
            ax.set_xticks(range(len(class_names)), [c[:8] for c in class_names], rotation=90, fontsize=7)
            ax.set_yticks(range(len(class_names)), [c[:8] for c in class_names], fontsize=7)
    ax = axes[0, -1]
    bars = ax.bar(list(agreement), list(agreement.values()), color=plt.get_cmap("tab10")(np.arange(len(mats)) % 10))
    ax.bar_label(bars, fmt="%.1f")
    ax.set(ylim=(0, 100), ylabel="agreement (%)")
    ax.tick_params(axis="x", labelrotation=15)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_schedules(schedules: Mapping[str, ArrayLike], *, xlabel: str = "step", title: str = "") -> None:
    """One panel per named schedule (value per step), side by side."""
    fig, axes = plt.subplots(1, len(schedules), figsize=(4 * len(schedules), 2.8), squeeze=False)
    for ax, (name, values) in zip(axes[0], schedules.items()):
        ax.plot(_np(values))
        ax.set(title=name, xlabel=xlabel)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def show_attention(images: ArrayLike, attention_maps: ArrayLike, titles: Sequence[str] | None = None, *,
                   title: str = "Attention per head", mean: Sequence[float] | None = None,
                   std: Sequence[float] | None = None, size: float = 1.6,
                   map_titles: Sequence[str] | None = None) -> None:
    """One row per image ``(N, C, H, W)``: the image, then its ``(N, heads, h, w)`` maps (titled ``map_titles``, else per head)."""
    imgs, maps = to_display(images, mean, std), _np(attention_maps)
    heads = maps.shape[1]
    fig, axes = plt.subplots(len(imgs), heads + 1, figsize=(size * (heads + 1), size * len(imgs)), squeeze=False)
    for r in range(len(imgs)):
        _imshow(axes[r, 0], imgs[r])
        axes[r, 0].set_title(titles[r] if titles is not None else "image", fontsize=8)
        for h in range(heads):
            axes[r, h + 1].imshow(maps[r, h], cmap="inferno", interpolation="nearest")
            axes[r, h + 1].set_title(map_titles[h] if map_titles is not None else f"head {h + 1}", fontsize=8)
            axes[r, h + 1].axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_curves(x: Sequence[float], curves: Mapping[str, Any], *, title: str, xlabel: str, ylabel: str,
                logx: bool = False, xticklabels: Sequence[str] | None = None) -> None:
    """Lines over a shared ``x``: each curve is ``mean`` or ``(mean, std)`` per x value, std drawn as a band."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    xs = _np(x).astype(float)
    for name, values in curves.items():
        mean, std = values if isinstance(values, tuple) else (values, None)
        mean = _np(mean).astype(float)
        (line,) = ax.plot(xs, mean, marker="o", label=name)
        if std is not None:
            std = _np(std).astype(float)
            ax.fill_between(xs, mean - std, mean + std, color=line.get_color(), alpha=0.2, linewidth=0)
    if logx:
        ax.set_xscale("log")
    if xticklabels is not None:
        ax.set_xticks(xs, list(xticklabels))
        ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    plt.show()


def plot_contact_maps(true_contacts: ArrayLike, predictions: Mapping[str, ArrayLike], *, title: str = "",
                      min_separation: int = 6, size: float = 3.6) -> None:
    """Per predictor ``(L, L)`` scores: true contacts above the diagonal, its top-L pairs below (green hit, red miss).

    Pairs closer than ``min_separation`` in sequence are not ranked; ``true_contacts`` is 1 / 0 (-1 unknown).
    """
    truth = _np(true_contacts)
    n = len(truth)
    rows, cols = np.triu_indices(n, min_separation)
    ui, uj = np.nonzero(np.triu(truth == 1, 1))
    fig, axes = plt.subplots(1, len(predictions), figsize=(size * len(predictions), size), squeeze=False)
    for ax, (name, pred) in zip(axes[0], predictions.items()):
        top = np.argsort(-_np(pred)[rows, cols], kind="stable")[:n]
        ti, tj = rows[top], cols[top]
        hit = truth[ti, tj] == 1
        ax.scatter(uj, ui, s=6, c="grey", label="true contact")
        ax.scatter(ti[hit], tj[hit], s=8, c="tab:green", label="top-L, correct")
        ax.scatter(ti[~hit], tj[~hit], s=8, c="tab:red", label="top-L, wrong")
        ax.plot([0, n - 1], [0, n - 1], c="black", lw=0.5)
        ax.set(xlim=(-1, n), ylim=(n, -1), aspect="equal", xlabel="residue j", ylabel="residue i")
        found = f"{hit.sum()} of {int((truth[rows, cols] == 1).sum())} contacts (sep. ≥ {min_separation}) in its top {n}"
        ax.set_title(f"{name}\n{found}", fontsize=9)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8)
    fig.suptitle(f"{title}: true contacts above the diagonal, top-L predictions below".lstrip(": "))
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    plt.show()


def show_matrices(matrices: Mapping[str, ArrayLike], *, title: str = "", cmap: str = "Greys", size: float = 3.0,
                  xlabel: str = "residue j", ylabel: str = "residue i") -> None:
    """One panel per named 2-D matrix (sizes may differ, e.g. contact maps of proteins of different lengths)."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(size * len(matrices), size), squeeze=False)
    for ax, (name, matrix) in zip(axes[0], matrices.items()):
        ax.imshow(_np(matrix), cmap=cmap, interpolation="nearest")
        ax.set(title=name, xlabel=xlabel, ylabel=ylabel)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_attention_distances(distances: Mapping[str, torch.Tensor], *, title: str, uniform: float | None = None) -> None:
    """One panel per model: every head's mean attention distance (dots) and the layer mean (line) against depth.

    ``distances`` maps a model name to a (layers, heads) tensor in pixels; ``uniform`` draws the distance of
    uniform attention as a dashed line (the largest value a head that looks everywhere alike reaches).
    """
    fig, axes = plt.subplots(1, len(distances), figsize=(3.2 * len(distances), 3.0), sharey=True, squeeze=False)
    for ax, (name, d) in zip(axes[0], distances.items()):
        d = torch.as_tensor(d).float()
        layers = torch.arange(1, d.shape[0] + 1)
        for head in range(d.shape[1]):
            ax.plot(layers, d[:, head], "o", ms=3, alpha=0.6, color="#3465a4")
        ax.plot(layers, d.mean(1), "-", color="#cc0000", lw=1.5, label="mean over heads")
        if uniform is not None:
            ax.axhline(uniform, ls="--", color="grey", lw=1, label="uniform attention")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("layer")
    axes[0][0].set_ylabel("mean attention distance (px)")
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()
