"""Schematic concept figures, one per week, shown at the top of each week's notebook.

Drawn with matplotlib only: no data, no downloads, no torch; every "image" is synthetic and seeded, so each figure
is the same on every run. ``concept_figure("01")`` (or ``"week01"``, ``"week01_autoencoder"``) draws and shows one.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

WIDTH, HEIGHT = 13.5, 3.5  # data units of the canvas, roughly inches of the figure
BLUE, GREEN, ORANGE, RED, PURPLE, GREY, YELLOW = ("#cfe2f3", "#d9ead3", "#fce5cd", "#f4cccc", "#e1d5e7", "#e6e6e6",
                                                  "#fff2cc")


# ----------------------------------------------------------------------------------------------------- helpers
def _canvas(title: str) -> Axes:
    """A new figure with one borderless axes whose data units are about inches, and a one-line suptitle."""
    fig = plt.figure(figsize=(WIDTH, HEIGHT + 0.6))
    ax = fig.add_axes((0.005, 0.01, 0.99, HEIGHT / (HEIGHT + 0.6)))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, HEIGHT)
    ax.axis("off")
    fig.suptitle(title, fontsize=13, fontweight="bold", y=0.97)
    return ax


def _box(ax: Axes, xy: tuple[float, float], w: float, h: float, text: str = "", color: str = BLUE,
         fontsize: float = 10, edge: str = "#444444", lw: float = 1.2, **text_kw) -> FancyBboxPatch:
    """A rounded box at lower-left ``xy`` with centred text."""
    patch = FancyBboxPatch(xy, w, h, boxstyle="round,pad=0,rounding_size=0.06", facecolor=color, edgecolor=edge,
                           linewidth=lw)
    ax.add_patch(patch)
    if text:
        ax.text(xy[0] + w / 2, xy[1] + h / 2, text, ha="center", va="center", fontsize=fontsize, **text_kw)
    return patch


def _arrow(ax: Axes, a: tuple[float, float], b: tuple[float, float], text: Optional[str] = None,
           color: str = "#333333", ls: str = "-", rad: float = 0.0, fontsize: float = 9,
           offset: tuple[float, float] = (0.0, 0.12)) -> None:
    """An arrow from ``a`` to ``b``, optionally labelled at its middle (shifted by ``offset``)."""
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=13, color=color, linestyle=ls, lw=1.3,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2))
    if text:
        ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], text, ha="center", va="bottom",
                fontsize=fontsize, color=color)


def _note(ax: Axes, xy: tuple[float, float], text: str, fontsize: float = 10, **kw) -> None:
    """An italic remark in a pale yellow box (``xy`` is its lower-left corner)."""
    ax.text(*xy, text, fontsize=fontsize, style="italic", va="bottom", ha="left", linespacing=1.35,
            bbox=dict(boxstyle="round,pad=0.35", facecolor=YELLOW, edgecolor="#b7a100"), **kw)


def _inset(ax: Axes, x: float, y: float, w: float, h: float, frame: bool = True) -> Axes:
    """A child axes at data position (x, y, w, h) of the canvas, without ticks."""
    child = ax.inset_axes((x, y, w, h), transform=ax.transData)
    child.set_xticks([])
    child.set_yticks([])
    if not frame:
        child.axis("off")
    return child


def _show(ax: Axes, x: float, y: float, size: float, image: np.ndarray, title: Optional[str] = None,
          **kw) -> Axes:
    """Draw ``image`` in a square inset of side ``size`` at (x, y), optionally titled."""
    child = _inset(ax, x, y, size, size)
    child.imshow(image, aspect="auto", interpolation="nearest", **kw)
    if title:
        child.set_title(title, fontsize=9, pad=2)
    return child


def _picture(n: int = 32, seed: int = 0) -> np.ndarray:
    """A small asymmetric RGB scene (sky, ground, house, sun in a corner): it has an obvious "up"."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n] / (n - 1)
    img = np.stack([0.55 + 0.3 * yy, 0.75 + 0.15 * yy, np.full_like(yy, 0.95)], axis=-1)  # sky, lighter at horizon
    img[yy > 0.72] = (0.35, 0.65, 0.3)  # ground
    img[((xx - 0.8) ** 2 + (yy - 0.18) ** 2) < 0.012] = (1.0, 0.85, 0.2)  # sun, top right
    body = (xx > 0.2) & (xx < 0.5) & (yy > 0.48) & (yy <= 0.72)
    img[body] = (0.8, 0.35, 0.25)
    roof = (yy > 0.3) & (yy <= 0.48) & (np.abs(xx - 0.35) < (yy - 0.3) * 1.1)
    img[roof] = (0.45, 0.2, 0.15)
    img[(xx > 0.3) & (xx < 0.38) & (yy > 0.6) & (yy <= 0.72)] = (0.3, 0.2, 0.1)  # door
    return np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1)


def _blur(img: np.ndarray, k: int = 2) -> np.ndarray:
    """A box-filtered copy of an H×W(×C) image (a stand-in for an imperfect reconstruction)."""
    pad = np.pad(img, [(k, k), (k, k)] + [(0, 0)] * (img.ndim - 2), mode="edge")
    out = np.zeros_like(img)
    for dy in range(2 * k + 1):
        for dx in range(2 * k + 1):
            out += pad[dy:dy + img.shape[0], dx:dx + img.shape[1]]
    return out / (2 * k + 1) ** 2


def _trapezoid(ax: Axes, x0: float, x1: float, yc: float, h0: float, h1: float, text: str, color: str) -> None:
    """A horizontal trapezoid from height ``h0`` at ``x0`` to ``h1`` at ``x1``, centred on ``yc``."""
    corners = [(x0, yc - h0 / 2), (x1, yc - h1 / 2), (x1, yc + h1 / 2), (x0, yc + h0 / 2)]
    ax.add_patch(Polygon(corners, closed=True, facecolor=color, edgecolor="#444444", lw=1.2))
    ax.text((x0 + x1) / 2, yc, text, ha="center", va="center", fontsize=10)


def _heatmap(ax: Axes, x: float, y: float, size: float, values: np.ndarray, cmap: str = "viridis",
             labels: Optional[Sequence[str]] = None, col_labels: Optional[Sequence[str]] = None, **kw) -> Axes:
    """A square heat map inset, optionally with row and column tick labels."""
    child = _inset(ax, x, y, size, size)
    child.imshow(values, cmap=cmap, aspect="auto", interpolation="nearest", **kw)
    if labels is not None:
        child.set_yticks(range(len(labels)), labels, fontsize=9)
        child.set_xticks(range(len(labels)), col_labels if col_labels is not None else labels, fontsize=9)
        child.tick_params(length=0, pad=2)
    return child


def _mark(child: Axes, cells: Sequence[tuple[int, int]], color: str = "red") -> None:
    """Outline the (row, column) cells of a heat map inset."""
    for r, c in cells:
        child.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=color, lw=2.2))


# ----------------------------------------------------------------------------------------------------- weeks
def _week01(ax: Axes) -> None:
    """Autoencoder: image → narrowing encoder → code z → widening decoder → reconstruction; loss ‖x − x̂‖²."""
    img = _picture()
    _show(ax, 0.3, 0.9, 1.9, img, "input x")
    _arrow(ax, (2.25, 1.85), (2.75, 1.85))
    _trapezoid(ax, 2.8, 4.7, 1.85, 2.4, 0.8, "encoder\n$f_\\theta$", BLUE)
    _arrow(ax, (4.72, 1.85), (5.1, 1.85))
    _box(ax, (5.15, 1.45), 0.75, 0.8, "code\nz", ORANGE, fontsize=11, edge="#c55a00", lw=2.2, fontweight="bold")
    ax.text(5.52, 1.25, "bottleneck\ndim(z) ≪ dim(x)", ha="center", va="top", fontsize=9, color="#c55a00")
    _arrow(ax, (5.95, 1.85), (6.35, 1.85))
    _trapezoid(ax, 6.4, 8.3, 1.85, 0.8, 2.4, "decoder\n$g_\\phi$", GREEN)
    _arrow(ax, (8.32, 1.85), (8.85, 1.85))
    _show(ax, 8.9, 0.9, 1.9, _blur(img), "reconstruction x̂ = g(f(x))")
    ax.add_patch(FancyArrowPatch((1.25, 0.85), (9.85, 0.85), arrowstyle="<|-|>", mutation_scale=13, lw=1.4,
                                 color="#c00000", connectionstyle="arc3,rad=0.12", shrinkA=2, shrinkB=2))
    ax.text(5.55, 0.12, "loss  $\\|x - \\hat{x}\\|^2$  (pixel-wise, no labels)", ha="center", fontsize=11,
            color="#c00000")
    _note(ax, (10.95, 1.35), "the bottleneck forces\na compressed representation:\nz must keep what is\n"
                             "needed to rebuild x", fontsize=10)


def _week02(ax: Axes) -> None:
    """Rotation pretext task: one picture rotated by 0/90/180/270°, a shared CNN, and a 4-way rotation classifier."""
    img = _picture()
    _show(ax, 0.2, 1.1, 1.3, img, "unlabelled image")
    size, ys = 0.66, [2.62, 1.82, 1.02, 0.22]
    for k, y in enumerate(ys):
        _arrow(ax, (1.55, 1.75), (2.45, y + size / 2), color="#777777")
        _show(ax, 2.5, y, size, np.rot90(img, k=-k))
        ax.text(3.22, y + size / 2, f"{90 * k}°", va="center", fontsize=10)
        _arrow(ax, (3.62, y + size / 2), (4.25, 1.75), color="#777777")
    ax.text(2.0, 3.3, "rotate", fontsize=9, ha="center", color="#555555")
    _box(ax, (4.3, 0.75), 1.6, 2.0, "shared CNN\n(one set of\nweights)", BLUE, fontsize=10)
    _arrow(ax, (5.95, 1.75), (6.45, 1.75), "features")
    _box(ax, (6.5, 1.25), 1.5, 1.0, "4-way\nclassifier", PURPLE, fontsize=10)
    _arrow(ax, (8.05, 1.75), (8.55, 1.75))
    for k, y in enumerate(ys):
        _box(ax, (8.6, y + 0.08), 0.95, 0.5, f"class {k}\n{90 * k}°", ORANGE if k == 1 else GREY, fontsize=9)
    ax.text(9.08, 0.0, "target = rotation applied\n(e.g. class 1 for 90°)", ha="center", va="bottom", fontsize=9)
    _note(ax, (9.85, 1.2), "labels for free: predicting the\nrotation requires knowing\nwhat is up "
                           "(sky, roof, ground);\nthen keep the CNN, drop\nthe classifier", fontsize=10)


def _week03(ax: Axes) -> None:
    """BERT pre-training: 15 % of tokens selected (80 % [MASK] / 10 % random / 10 % kept), MLM head and NSP head."""
    tokens = ["[CLS]", "the", "movie", "was", "[MASK]", "and", "the", "plot", "was", "apple", "[SEP]", "i",
              "loved", "it", "[SEP]"]
    chosen = {4: ("great", "[MASK] (80 %)", ORANGE), 9: ("slow", "random (10 %)", RED),
              12: ("loved", "unchanged (10 %)", YELLOW)}
    step, w, x0 = 0.86, 0.78, 0.35
    for i, tok in enumerate(tokens):
        x = x0 + i * step
        color = chosen[i][2] if i in chosen else (PURPLE if tok in ("[CLS]", "[SEP]") else GREY)
        _box(ax, (x, 0.55), w, 0.42, tok, color, fontsize=9.5, lw=2 if i in chosen else 1.0)
        _arrow(ax, (x + w / 2, 1.0), (x + w / 2, 1.3), color="#777777")
        if i in chosen:
            ax.text(x + w / 2, 0.48, f"{chosen[i][1]}\nwas \"{chosen[i][0]}\"", ha="center", va="top", fontsize=9)
    ax.text(x0, 0.12, "segment A", fontsize=9, color="#555555")
    ax.text(x0 + 11 * step, 0.12, "segment B", fontsize=9, color="#555555")
    _box(ax, (x0, 1.32), 14 * step + w, 0.55, "Transformer encoder (bidirectional self-attention over all tokens)",
         BLUE, fontsize=10.5)
    for i, (target, _, _) in chosen.items():
        x = x0 + i * step + w / 2
        _arrow(ax, (x, 1.9), (x, 2.25), color="#333333")
        _box(ax, (x - 0.62, 2.28), 1.24, 0.55, f"MLM head\n→ \"{target}\"", GREEN, fontsize=9)
    _arrow(ax, (x0 + w / 2, 1.9), (x0 + w / 2, 2.25))
    _box(ax, (x0 - 0.2, 2.28), 1.3, 0.55, "NSP head\nIsNext?", PURPLE, fontsize=9)
    _note(ax, (5.05, 2.35), "15 % of positions are selected;\nloss only at those positions",
          fontsize=9.5)


def _week04(ax: Axes) -> None:
    """SimCLR: two augmented views, shared encoder f and projection g, and the 2N×2N NT-Xent similarity matrix."""
    img = _picture()
    _show(ax, 0.15, 1.05, 1.35, img, "image x")
    view_i = np.clip(np.kron(img[4:24, 2:22], np.ones((2, 2, 1)))[..., [1, 0, 2]] * 1.1, 0, 1)  # crop + hue shift
    view_j = np.clip(np.fliplr(img[8:30, 8:30]) * 0.7 + 0.15, 0, 1)  # crop + flip + contrast
    for view, y, name, z in [(view_i, 2.1, "view $\\tilde{x}_i$", "$z_i$"), (view_j, 0.2, "view $\\tilde{x}_j$",
                                                                            "$z_j$")]:
        _arrow(ax, (1.55, 1.72), (2.15, y + 0.5), "t ~ T" if y > 1 else "t' ~ T",
               offset=(0.15, -0.25) if y > 1 else (0.15, 0.1))
        _show(ax, 2.2, y, 1.0, view)
        ax.text(2.7, y - 0.05, name, ha="center", va="top", fontsize=9) if y < 1 else ax.text(
            2.7, y + 1.04, name, ha="center", va="bottom", fontsize=9)
        _arrow(ax, (3.25, y + 0.5), (3.6, y + 0.5))
        _box(ax, (3.65, y + 0.15), 1.1, 0.7, "encoder f\n(ResNet) → h", BLUE, fontsize=9)
        _arrow(ax, (4.8, y + 0.5), (5.1, y + 0.5))
        _box(ax, (5.15, y + 0.15), 0.95, 0.7, "projection\ng (MLP)", GREEN, fontsize=9)
        _arrow(ax, (6.15, y + 0.5), (6.5, y + 0.5))
        ax.text(6.6, y + 0.5, z, va="center", fontsize=12)
    ax.plot([4.2, 4.2], [1.05, 2.25], ls="--", color="#555555", lw=1)
    ax.text(4.28, 1.7, "shared\nweights", fontsize=9, va="center", color="#555555")
    n = 4
    rng = np.random.default_rng(0)
    sim = rng.uniform(-0.3, 0.4, (2 * n, 2 * n))
    sim = (sim + sim.T) / 2
    positives = [(i, (i + n) % (2 * n)) for i in range(2 * n)]
    for r, c in positives:
        sim[r, c] = 0.9
    sim = np.ma.masked_array(sim, mask=np.eye(2 * n, dtype=bool))
    cmap = plt.get_cmap("viridis").with_extremes(bad="#9e9e9e")
    labels = [f"{k + 1}{v}" for v in ("i", "j") for k in range(n)]
    hm = _heatmap(ax, 7.55, 0.3, 2.75, sim, cmap=cmap, labels=labels, vmin=-0.3, vmax=1)
    _mark(hm, positives)
    hm.set_title("cosine sim. of all 2N = 8 z's (N = 4)", fontsize=9, pad=3)
    _note(ax, (10.55, 0.75), "NT-Xent: softmax over each row\n(temperature τ), the positive must win.\n"
                             "red box: positive of row k = the\nother view of the same image\n(k ↔ k + N);\n"
                             "grey diagonal: self-similarity,\nmasked out; all other 2N − 2\ncells are negatives",
          fontsize=9.5)


def _week05(ax: Axes) -> None:
    """MoCo: query encoder with gradients, momentum key encoder, a FIFO queue of negatives; then cluster features."""
    img = _picture()
    _show(ax, 0.15, 2.3, 0.85, np.clip(img[2:28, 4:30] * 1.1, 0, 1), "query view")
    _show(ax, 0.15, 0.75, 0.85, np.fliplr(img[6:30, 0:24]) * 0.85, "key view")
    _arrow(ax, (1.05, 2.72), (1.45, 2.72))
    _box(ax, (1.5, 2.35), 1.5, 0.75, "query encoder $f_q$\n(gradients)", BLUE, fontsize=9.5)
    _arrow(ax, (1.05, 1.17), (1.45, 1.17))
    _box(ax, (1.5, 0.8), 1.5, 0.75, "key encoder $f_k$\n(no gradients)", GREY, fontsize=9.5)
    _arrow(ax, (2.25, 2.33), (2.25, 1.58), ls="--", color="#7030a0")
    ax.text(2.35, 1.95, "momentum update (m = 0.999):\n$\\theta_k \\leftarrow m\\,\\theta_k + (1-m)\\,\\theta_q$",
            fontsize=9, va="center", color="#7030a0")
    _arrow(ax, (3.05, 2.72), (3.45, 2.72))
    ax.text(3.5, 2.72, "q", fontsize=12, va="center")
    _arrow(ax, (3.05, 1.17), (3.45, 1.17))
    ax.text(3.5, 1.17, "$k_+$", fontsize=12, va="center")
    _box(ax, (5.8, 2.4), 2.4, 0.65, "logits: $q\\cdot k_+$ (positive)\n$q\\cdot k_1 \\ldots q\\cdot k_K$ (negatives)",
         ORANGE, fontsize=9)
    _arrow(ax, (3.75, 2.72), (5.75, 2.72))
    _arrow(ax, (3.75, 1.25), (5.75, 2.5), rad=0.15)
    _arrow(ax, (8.25, 2.72), (8.6, 2.72))
    ax.text(8.65, 2.72, "InfoNCE\n(1+K)-way", fontsize=9, va="center")
    n_slots, x0, w = 16, 3.7, 0.3
    for s in range(n_slots):
        _box(ax, (x0 + s * w, 0.35), w - 0.04, 0.42, "", PURPLE if s > 0 else ORANGE, lw=0.8)
    ax.text(x0 + n_slots * w / 2, 0.08, "queue of K old keys (negatives from earlier batches)", ha="center",
            fontsize=9)
    _arrow(ax, (3.62, 1.0), (x0 + 0.13, 0.8))
    ax.text(x0 - 0.1, 0.56, "enqueue\nnewest →", ha="right", va="center", fontsize=9)
    _arrow(ax, (x0 + n_slots * w, 0.56), (x0 + n_slots * w + 0.45, 0.56))
    ax.text(x0 + n_slots * w + 0.22, 0.72, "dequeue\noldest", ha="center", va="bottom", fontsize=9)
    _arrow(ax, (x0 + n_slots * w / 2, 0.8), (6.6, 2.38), ls=":", color="#555555")
    ax.plot([9.75, 9.75], [0.1, 3.3], color="#999999", lw=1)
    rng = np.random.default_rng(0)
    sc = _inset(ax, 10.0, 0.95, 1.6, 1.6)
    for c, (mx, my) in zip(["#1f77b4", "#ff7f0e", "#2ca02c"], [(0, 0), (3, 1), (1, 3)]):
        sc.scatter(mx + rng.normal(0, 0.5, 25), my + rng.normal(0, 0.5, 25), s=8, color=c)
    sc.set_title("frozen features", fontsize=9, pad=2)
    ax.text(11.75, 2.95, "then cluster the\nfrozen features:", fontsize=10, va="top", fontweight="bold")
    ax.text(11.75, 2.3, "• k-means\n• SCAN (neighbours\n   agree)\n• PMI", fontsize=9.5, va="top")


def _week08(ax: Axes) -> None:
    """Masked autoencoder: hide 75 % of patches, encode only the visible ones, decode with mask tokens."""
    img, grid, patch = _picture(), 4, 8
    visible = np.sort(np.random.default_rng(3).choice(grid * grid, size=grid * grid // 4, replace=False))
    masked_img = np.full_like(img, 0.55)
    for p in visible:
        r, c = divmod(int(p), grid)
        masked_img[r * patch:(r + 1) * patch, c * patch:(c + 1) * patch] = img[r * patch:(r + 1) * patch,
                                                                               c * patch:(c + 1) * patch]
    _show(ax, 0.15, 0.9, 1.8, img, "image, 4 × 4 patches")
    _arrow(ax, (2.0, 1.8), (2.4, 1.8), "mask\n75 %", offset=(0.0, -0.55))
    shown = _show(ax, 2.45, 0.9, 1.8, masked_img, "12 of 16 patches hidden")
    for k in range(1, grid):
        shown.axhline(k * patch - 0.5, color="white", lw=1)
        shown.axvline(k * patch - 0.5, color="white", lw=1)
    _arrow(ax, (4.3, 1.8), (4.7, 1.8))
    for k, p in enumerate(visible):
        _box(ax, (4.75, 2.55 - k * 0.5), 0.6, 0.4, f"p{p}", ORANGE, fontsize=9)
    ax.text(5.05, 0.95, "visible\nonly (25 %)", ha="center", va="top", fontsize=9)
    _arrow(ax, (5.4, 1.8), (5.75, 1.8))
    _box(ax, (5.8, 1.0), 1.3, 1.6, "ViT\nencoder\n(large)", BLUE, fontsize=10)
    _arrow(ax, (7.15, 1.8), (7.5, 1.8))
    step = 2.9 / (grid * grid)
    for p in range(grid * grid):
        _box(ax, (7.55, 3.1 - (p + 1) * step), 0.45, step * 0.85, "", ORANGE if p in visible else GREY, lw=0.6)
    ax.text(8.05, 3.15, "orange: encoded\ngrey: shared [MASK]\ntoken (+ position)", fontsize=9, va="top")
    _arrow(ax, (8.05, 1.6), (8.75, 1.6))
    _box(ax, (8.8, 1.0), 1.2, 1.2, "decoder\n(small)", GREEN, fontsize=10)
    _arrow(ax, (10.05, 1.6), (10.4, 1.6))
    _show(ax, 10.45, 0.7, 1.8, _blur(img, 1), "predicted pixels")
    ax.text(11.35, 0.55, "MSE on the hidden\npatches only", ha="center", va="top", fontsize=9.5, color="#c00000")
    _note(ax, (0.15, 0.05), "the encoder never sees mask tokens: cheap, and it must infer the hidden content",
          fontsize=9.5)


def _bars(ax: Axes, x: float, y: float, w: float, h: float, probs: np.ndarray, title: str, color: str) -> None:
    """A small bar chart of class probabilities (used by week 06)."""
    child = _inset(ax, x, y, w, h)
    child.bar(range(len(probs)), probs, color=color, edgecolor="#333333")
    for k, p in enumerate(probs):
        child.text(k, p + 0.02, f"{p:.2f}", ha="center", va="bottom", fontsize=9)
    child.set_ylim(0, 1.12)
    child.set_xticks(range(len(probs)), [f"c{k}" for k in range(len(probs))], fontsize=9)
    child.set_title(title, fontsize=10, pad=3)
    for side in ("top", "right"):
        child.spines[side].set_visible(False)


def _week06(ax: Axes) -> None:
    """Distillation with soft targets: the same teacher logits softened at T = 1 and T = 4, and the student loss."""
    logits = np.array([6.0, 3.0, 2.0, 0.5, 0.0])
    soft = {t: np.exp(logits / t) / np.exp(logits / t).sum() for t in (1, 4)}
    _box(ax, (0.2, 1.55), 1.7, 0.9, "teacher\n(large, trained,\nfrozen)", BLUE, fontsize=10)
    ax.text(1.05, 1.3, "logits $z_t$ =\n[6, 3, 2, 0.5, 0]", ha="center", va="top", fontsize=10)
    _arrow(ax, (1.95, 2.0), (2.75, 2.0), "T = 1")
    _arrow(ax, (5.35, 1.75), (5.95, 1.75), "same $z_t$\nT = 4")
    _bars(ax, 2.9, 0.55, 2.4, 2.35, soft[1], "softmax($z_t$ / 1): peaked", "#9fc5e8")
    _bars(ax, 6.0, 0.55, 2.4, 2.35, soft[4], "softmax($z_t$ / 4): softer", "#f6b26b")
    ax.text(5.65, 0.08, "same logits, same argmax: T > 1 reveals which wrong classes the teacher finds similar",
            ha="center", fontsize=9.5, style="italic")
    _box(ax, (8.9, 2.45), 1.5, 0.7, "student\n(small)", GREEN, fontsize=10)
    ax.text(11.0, 2.8, "logits $z_s$", fontsize=10, va="center")
    _arrow(ax, (10.45, 2.8), (10.95, 2.8))
    formula = ("$\\mathcal{L} = (1-\\alpha)\\,\\mathrm{CE}(y,\\ \\sigma(z_s))$\n"
               "$\\quad +\\ \\alpha\\, T^2\\, \\mathrm{KL}(\\sigma(z_t/T)\\ \\|\\ \\sigma(z_s/T))$")
    ax.text(8.9, 1.85, formula, fontsize=12, va="center", ha="left")
    _arrow(ax, (8.45, 1.5), (8.85, 1.7))
    _arrow(ax, (11.45, 2.62), (11.45, 2.25))
    _note(ax, (8.9, 0.45), "hard labels y + teacher's soft targets;\n$T^2$ keeps the soft-term gradients on\n"
                           "the same scale as the hard term", fontsize=9.5)


def _week07(ax: Axes) -> None:
    """DINO: global and local crops, EMA teacher on global crops only (centre + sharpen), student on all crops."""
    img = _picture(seed=1)
    big = _show(ax, 0.15, 0.55, 2.3, img, "one image, many crops")
    globals_, locals_ = [(1, 1, 26, 26), (6, 4, 25, 27)], [(2, 18, 10, 10), (20, 2, 10, 10), (14, 14, 10, 10),
                                                           (4, 5, 10, 10)]
    for (c, r, w, h), col in [(g, "#ff0000") for g in globals_] + [(lo, "#0000ff") for lo in locals_]:
        big.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=col, lw=1.6))
    ax.text(1.3, 0.3, "red: 2 global crops (> 50 %)\nblue: local crops (< 50 %)", ha="center", va="top", fontsize=9)
    for k, (c, r, w, h) in enumerate(globals_):
        _show(ax, 2.85 + k * 0.85, 2.25, 0.75, img[r:r + h, c:c + w], f"global {k + 1}")
    for k, (c, r, w, h) in enumerate(locals_):
        _show(ax, 2.85 + k * 0.45, 0.35, 0.38, img[r:r + h, c:c + w])
    ax.text(3.6, 0.8, "local crops (+ globals)", ha="center", va="bottom", fontsize=9)
    _arrow(ax, (4.5, 2.62), (5.05, 2.62))
    _box(ax, (5.1, 2.2), 1.75, 0.85, "teacher $g_{\\theta_t}$\nEMA of student", BLUE, fontsize=9.5)
    _arrow(ax, (6.9, 2.62), (7.3, 2.62))
    _box(ax, (7.35, 2.2), 1.85, 0.85, "centering + sharpen\nsoftmax, $\\tau_t$ = 0.04", ORANGE, fontsize=9.5)
    ax.text(8.27, 3.12, "stop-gradient", ha="center", fontsize=9.5, color="#c00000", fontweight="bold")
    _arrow(ax, (4.75, 0.55), (5.05, 0.85))
    _arrow(ax, (4.5, 2.35), (5.05, 1.1), color="#777777")
    _box(ax, (5.1, 0.5), 1.75, 0.85, "student $g_{\\theta_s}$\n(sees all crops)", GREEN, fontsize=9.5)
    _arrow(ax, (6.9, 0.92), (7.3, 0.92))
    _box(ax, (7.35, 0.5), 1.85, 0.85, "softmax\n$\\tau_s$ = 0.1", GREEN, fontsize=9.5)
    _arrow(ax, (5.97, 1.4), (5.97, 2.15), "EMA  $\\theta_t \\leftarrow \\lambda\\theta_t + (1-\\lambda)\\theta_s$",
           ls="--", color="#7030a0", offset=(1.35, -0.2))
    _arrow(ax, (9.25, 2.62), (9.8, 2.05), "$P_t$", offset=(0.15, 0.05))
    _arrow(ax, (9.25, 0.92), (9.8, 1.5), "$P_s$", offset=(0.15, -0.3))
    _box(ax, (9.85, 1.4), 1.3, 0.75, "cross-\nentropy", RED, fontsize=10)
    _note(ax, (11.3, 1.0), "$H(P_t(g), P_s(v))$ for each\nglobal view g and every\nother view v ≠ g;\n"
                           "only the student gets\ngradients", fontsize=9.5)


def _week09(ax: Axes) -> None:
    """CLIP: N images and N captions, two encoders, the N×N cosine-similarity matrix; zero-shot and OOD notes."""
    img = _picture()
    tints = [(1, 0.85, 0.7), (0.8, 0.8, 1), (1, 1, 0.75), (0.75, 1, 0.8)]
    views = [img, np.fliplr(img), img[4:28, 4:28], np.flipud(np.fliplr(img[::-1]))]
    for k, (v, t) in enumerate(zip(views, tints)):
        _show(ax, 0.2 + k * 0.62, 2.45, 0.55, np.clip(v * np.array(t), 0, 1), f"$I_{k + 1}$")
    prompts = ["a house in orange light", "a mirrored house, blue sky", "a close-up of a house",
               "a mirrored house, green tint"]
    for k, p in enumerate(prompts):
        _box(ax, (0.2, 1.55 - k * 0.42), 2.35, 0.34, f"$T_{k + 1}$: \"{p}\"", YELLOW, fontsize=9)
    _arrow(ax, (2.7, 2.72), (3.15, 2.72))
    _box(ax, (3.2, 2.35), 1.7, 0.75, "image encoder\n→ $\\hat{I}_k$ (unit norm)", BLUE, fontsize=9.5)
    _arrow(ax, (2.7, 1.05), (3.15, 1.05))
    _box(ax, (3.2, 0.67), 1.7, 0.75, "text encoder\n→ $\\hat{T}_k$ (unit norm)", GREEN, fontsize=9.5)
    _arrow(ax, (4.95, 2.72), (5.6, 2.2))
    _arrow(ax, (4.95, 1.05), (5.6, 1.5))
    rng = np.random.default_rng(0)
    n = 4
    sim = rng.uniform(0.05, 0.35, (n, n)) + np.eye(n) * 0.55
    hm = _heatmap(ax, 6.0, 0.35, 2.6, sim, cmap="magma", labels=[f"$I_{k + 1}$" for k in range(n)],
                  col_labels=[f"$T_{k + 1}$" for k in range(n)], vmin=0, vmax=1)
    for r in range(n):
        for c in range(n):
            hm.text(c, r, f"{sim[r, c]:.2f}", ha="center", va="center", fontsize=9,
                    color="black" if sim[r, c] > 0.6 else "white")
    _mark(hm, [(k, k) for k in range(n)], color="#00c000")
    hm.set_title("cosine $\\hat{I}_r \\cdot \\hat{T}_c$ (N = 4); green: matching pairs", fontsize=9, pad=3)
    ax.text(7.3, 0.0, "symmetric cross-entropy over rows and columns", ha="center", fontsize=9)
    _note(ax, (8.95, 1.0), "zero-shot: embed one prompt per class\n(\"a photo of a {class}\"), predict the\n"
                           "class prompt with the highest similarity.\n\nOOD: a low max-similarity / a feature\n"
                           "far from every in-distribution feature", fontsize=9.5)


def _contacts(length: int = 40) -> np.ndarray:
    """A synthetic true contact map: a helix-like band plus a few long-range (sheet-like) contacts."""
    idx = np.arange(length)
    sep = np.abs(idx[:, None] - idx[None, :])
    true = ((sep >= 3) & (sep <= 4) & (idx[:, None] < 16) & (idx[None, :] < 16)).astype(float)
    for a, b in [(20, 37), (21, 36), (22, 35), (23, 34), (24, 33), (2, 30), (3, 29), (8, 26)]:
        true[a, b] = true[b, a] = 1.0
    return true


def _week12(ax: Axes) -> None:
    """Protein LM: sequence → ESM-2 → symmetrised attention maps → APC → predicted vs true contact map."""
    seq = "MKTAYIAK"
    for k, aa in enumerate(seq):
        _box(ax, (0.2 + k * 0.36, 2.65), 0.32, 0.38, aa, ORANGE, fontsize=10, family="monospace")
    ax.text(0.2 + len(seq) * 0.36 + 0.05, 2.84, "…  (L = 40)", va="center", fontsize=9)
    _arrow(ax, (2.2, 2.6), (2.2, 2.2))
    _box(ax, (0.6, 1.4), 3.2, 0.75, "ESM-2 Transformer\n(masked-LM pre-trained)", BLUE, fontsize=10)
    true = _contacts()
    rng = np.random.default_rng(0)
    pred = np.clip(0.6 * true + 1.2 * _blur(true, 1) + rng.uniform(0, 0.25, true.shape), 0, 1)
    for k in range(3):
        att = rng.uniform(0, 0.4, true.shape) + true * rng.uniform(0.2, 0.8)
        att[:, 0] += 0.8  # attention sink on the first token: a background that APC removes
        att = (att + att.T) / 2
        child = _heatmap(ax, 4.3 + k * 0.28, 1.45 - k * 0.28, 1.7, att, cmap="Blues")
        if k == 0:
            child.set_title("attention maps\n(layers × heads, $A + A^T$)", fontsize=9, pad=3)
    _arrow(ax, (3.85, 1.77), (4.25, 1.9))
    _arrow(ax, (6.65, 1.5), (7.05, 1.5))
    _box(ax, (7.1, 1.0), 1.7, 1.0, "APC\n$F_{ij} - F_i F_j / F$\n+ logistic reg.", PURPLE, fontsize=9.5)
    _arrow(ax, (8.85, 1.5), (9.25, 1.5))
    _heatmap(ax, 9.3, 0.45, 1.9, pred, cmap="Greys", vmin=0, vmax=1).set_title("predicted contacts", fontsize=9,
                                                                                 pad=3)
    _heatmap(ax, 11.45, 0.45, 1.9, true, cmap="Greys", vmin=0, vmax=1).set_title("true contact map (L × L)",
                                                                                  fontsize=9, pad=3)
    _note(ax, (0.2, 0.3), "residues in contact co-vary;\nattention learns which pairs", fontsize=10)


def _week10(ax: Axes) -> None:
    """Scaling law (log-log line), effective robustness (points above the baseline), cue conflict, CKA across seeds."""
    plot = _inset(ax, 0.45, 0.55, 2.6, 2.35)
    c = np.geomspace(1, 200, 6)
    plot.loglog(c, 30 * c ** -0.35 * np.exp(np.random.default_rng(0).normal(0, 0.04, 6)), "o", color="#3465a4")
    plot.loglog(c, 30 * c ** -0.35, "--", color="#444444")
    plot.set_title("error ≈ a · C$^{\\,b}$ (log-log)", fontsize=9, pad=3)
    plot.set_xlabel("data or compute C", fontsize=8, labelpad=1)
    plot.set_ylabel("test error", fontsize=8, labelpad=1)
    plot.tick_params(which="both", labelleft=False, labelbottom=False, length=0)
    plane = _inset(ax, 3.75, 0.55, 2.6, 2.35)
    ids = np.linspace(-0.6, 1.2, 8)
    plane.plot(ids, 0.9 * ids - 0.8 + np.random.default_rng(1).normal(0, 0.05, 8), "o", color="grey", ms=4)
    plane.plot([-0.8, 1.4], [0.9 * -0.8 - 0.8, 0.9 * 1.4 - 0.8], "k--", lw=1)
    plane.plot([0.1, 0.9], [0.55, 1.1], "o", color="#cc0000", ms=6)
    plane.annotate("", (0.1, 0.55), (0.1, 0.9 * 0.1 - 0.8), arrowprops=dict(arrowstyle="<->", color="#cc0000"))
    plane.text(0.15, -0.2, "effective\nrobustness", fontsize=8, color="#cc0000")
    plane.set_title("OOD vs ID accuracy (logit axes)", fontsize=9, pad=3)
    plane.set_xlabel("ImageNetV2", fontsize=8, labelpad=1)
    plane.set_ylabel("ImageNet-R", fontsize=8, labelpad=1)
    yy, xx = np.mgrid[0:32, 0:32]
    tile = np.where(((yy - 16) ** 2 + (xx - 16) ** 2 < 110)[..., None],
                    np.where((xx % 6 < 3)[..., None], (0.9, 0.5, 0.1), (0.2, 0.2, 0.6)), 0.6)
    _show(ax, 7.05, 1.2, 1.5, tile, "shape: disc, texture: stripes")
    ax.text(7.8, 0.6, "shape bias = shape decisions /\n(shape + texture decisions)", ha="center", va="center",
            fontsize=8.5)
    rng = np.random.default_rng(2)
    cka = np.clip(np.exp(-np.abs(np.subtract.outer(np.arange(6), np.arange(6))) / 1.3) + rng.normal(0, 0.03, (6, 6)),
                  0, 1)
    hm = _heatmap(ax, 9.2, 0.55, 2.2, cka, cmap="magma", vmin=0, vmax=1)
    hm.set_title("linear CKA, layer × layer\n(two seeds: the diagonal)", fontsize=9, pad=3)
    _note(ax, (11.6, 1.2), "data, not\narchitecture,\nsets robustness\nand shape bias", fontsize=9.5)


def _week11(ax: Axes) -> None:
    """Week 11: [CLS] attention kept to 60 % of its mass as a segmentation; k-NN on frozen features; attention distance."""
    n = 14
    yy, xx = np.mgrid[0:n, 0:n]
    scene = np.stack([0.35 + 0.25 * yy / n, 0.5 + 0.1 * xx / n, np.full((n, n), 0.6)], axis=-1)
    obj = ((xx - 7.5) / 4.0) ** 2 + ((yy - 8.0) / 3.2) ** 2 < 1
    scene[obj] = (0.85, 0.45, 0.2)
    _show(ax, 0.2, 0.6, 1.9, scene, "image (object + clutter)")
    rng = np.random.default_rng(11)
    attention = np.exp(-(((xx - 7.5) / 3.5) ** 2 + ((yy - 8.0) / 3.0) ** 2)) + 0.15 * rng.random((n, n))
    _arrow(ax, (2.2, 1.55), (2.7, 1.55), "ViT")
    _show(ax, 2.8, 0.6, 1.9, attention, "[CLS] attention, last block", cmap="inferno")
    order = np.argsort(attention.ravel())[::-1]
    kept = np.zeros(n * n, bool)
    kept[order[:int(np.searchsorted(np.cumsum(attention.ravel()[order]) / attention.sum(), 0.6)) + 1]] = True
    _arrow(ax, (4.8, 1.55), (5.3, 1.55), "60 %")
    mask = _show(ax, 5.4, 0.6, 1.9, kept.reshape(n, n), "mask of 60 % mass", cmap="Greys_r")
    mask.contour(obj, levels=[0.5], colors="#cc0000", linewidths=1.5)
    ax.text(6.35, 0.35, "red: true object  →  Jaccard", ha="center", va="top", fontsize=9, color="#cc0000")
    plot = _inset(ax, 7.9, 0.6, 2.3, 1.9)
    layers = np.arange(1, 13)
    for name, late, color in [("DINO / CLIP", 115, "#3465a4"), ("supervised", 105, "#4e9a06"), ("MAE", 62, "#cc0000")]:
        plot.plot(layers, 40 + (late - 40) * (layers / 12) ** 0.7, "o-", ms=3, color=color, label=name)
    plot.set_title("mean attention distance", fontsize=9, pad=3)
    plot.set_xlabel("layer", fontsize=8, labelpad=1)
    plot.tick_params(labelsize=7, length=2)
    plot.legend(fontsize=7, frameon=False, loc="upper left")
    _box(ax, (10.55, 1.75), 2.7, 0.9, "k-NN on frozen features:\nSSL keeps distinctions\nlabels never asked for", GREEN,
         fontsize=9)
    _note(ax, (10.55, 0.45), "no label mentions\nobjects, yet SSL\nattention finds them", fontsize=9.5)


_WEEKS: dict[str, tuple[str, str, Callable[[Axes], None]]] = {
    "01": ("week01_autoencoder", "Autoencoder: squeeze the image through a small code z, then rebuild it", _week01),
    "02": ("week02_rotation", "Rotation pretext task: predict how the image was rotated, learn what objects look like",
           _week02),
    "03": ("week03_bert", "BERT: predict masked tokens from both sides (MLM) and whether B follows A (NSP)", _week03),
    "04": ("week04_simclr", "SimCLR: two views of one image must match each other among all 2N views", _week04),
    "05": ("week05_moco_clustering", "MoCo: a slowly moving key encoder and a queue give many consistent negatives",
           _week05),
    "06": ("week06_vit_distillation", "Distillation: the student learns from the teacher's softened probabilities",
           _week06),
    "07": ("week07_dino", "DINO: the student matches an EMA teacher across global and local crops, without labels",
           _week07),
    "08": ("week08_masked_modeling", "Masked autoencoder: rebuild the 75 % of patches the encoder never saw",
           _week08),
    "09": ("week09_clip_ood", "CLIP: matching images and captions score highest in an N × N similarity matrix",
           _week09),
    "10": ("week10_scaling_robustness", "Scaling and robustness: power laws, effective robustness, shape bias, CKA",
           _week10),
    "11": ("week11_ssl_representations", "What self-supervised ViTs learn: attention finds objects, features keep "
           "what labels drop", _week11),
    "12": ("week12_protein_lm", "Protein language model: attention maps of ESM-2 predict which residues touch",
           _week12),
}


def _resolve(week: str) -> tuple[str, Callable[[Axes], None]]:
    """The (suptitle, drawing function) of ``week``: "1", "01", "week01" or the full folder name."""
    key = str(week).strip().lower()
    match = re.fullmatch(r"(?:week)?(\d{1,2})(_\w+)?", key)
    if match:
        number = match.group(1).zfill(2)
        if number in _WEEKS and (match.group(2) is None or key == _WEEKS[number][0]):
            return _WEEKS[number][1], _WEEKS[number][2]
    available = ", ".join(f"{k} ({folder})" for k, (folder, _, _) in _WEEKS.items())
    raise ValueError(f"no concept figure for week {week!r}; available: {available}")


def concept_figure(week: str) -> None:
    """Draw and show the concept figure of ``week`` ("01", "week01", "week01_autoencoder" all work)."""
    title, draw = _resolve(week)
    draw(_canvas(title))
    plt.show()


FIGURE_FILE = "figures/concept.png"  # inside each week's folder; the first markdown cell embeds it


def save_concept_figure(week: str, path: Path) -> Path:
    """Draw ``week``'s concept figure into the PNG ``path`` (fixed size, 100 dpi, no timestamp) and close it."""
    title, draw = _resolve(week)
    ax = _canvas(title)
    draw(ax)
    path.parent.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(ax.figure)
    return path


def write_all(root: Path) -> list[Path]:
    """Regenerate every week's committed ``<week folder>/figures/concept.png`` under the repository ``root``."""
    return [save_concept_figure(number, root / folder / FIGURE_FILE) for number, (folder, _, _) in _WEEKS.items()]


if __name__ == "__main__":  # python -m utils.concepts: regenerate the committed figures after changing a drawing
    for written in write_all(Path(__file__).resolve().parent.parent):
        print("wrote", written)
