"""Generated and transformed image data of the smoke profile: cluttered and noisy views, procedural textures.

``ClutteredImages`` (week 2) and ``NoisyImages`` (week 1) change each image of a wrapped dataset in a
way fixed by a seed and the index; ``TextureImages`` (week 7) draws tissue-like tiles from scratch.
The real datasets and the loaders that choose between them and these live in :mod:`utils.data`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import Dataset


class SeededImageWrapper(Dataset):
    """Base of datasets that change each image of a wrapped dataset in a way fixed by ``seed`` and the index."""

    def __init__(self, dataset: Dataset, seed: int) -> None:
        self.dataset, self.seed = dataset, seed
        self.targets = getattr(dataset, "targets", None)
        self.classes = getattr(dataset, "classes", None)

    def __len__(self) -> int:
        """Number of items of the wrapped dataset."""
        return len(self.dataset)

    def generator(self, i: int) -> torch.Generator:
        """The random generator of item ``i``: the same every time the item is read."""
        return torch.Generator().manual_seed(self.seed * 1_000_003 + int(i))


class ClutteredImages(SeededImageWrapper):
    """Each image shrunk to ``object_size`` px and pasted at a random spot over a smooth random background.

    Both the background and the position are fixed per item (drawn from ``seed`` and the index), so the
    dataset is deterministic. The smoke profile of week 2 uses it to make the digits a harder
    recognition problem: the background has no canonical orientation, the object does.
    """

    def __init__(self, dataset: Dataset, seed: int, object_size: int = 24, clutter: float = 0.6,
                 grid: int = 6) -> None:
        super().__init__(dataset, seed)
        self.object_size, self.clutter, self.grid = object_size, clutter, grid

    def __getitem__(self, i: int) -> tuple[torch.Tensor, Any]:
        """``(cluttered image tensor (C, S, S) in [0, 1], label)``; the wrapped dataset must return tensors."""
        image, label = self.dataset[i]
        gen = self.generator(i)
        channels, size = image.shape[0], image.shape[-1]
        noise = torch.rand(1, channels, self.grid, self.grid, generator=gen)
        background = F.interpolate(noise, size=(size, size), mode="bicubic", align_corners=False)[0]
        out = background.clamp(0, 1) * self.clutter
        small = F.interpolate(image[None], size=(self.object_size,) * 2, mode="bilinear", align_corners=False,
                              antialias=True)[0]
        r, c = torch.randint(0, size - self.object_size + 1, (2,), generator=gen).tolist()
        window = out[:, r:r + self.object_size, c:c + self.object_size]
        out[:, r:r + self.object_size, c:c + self.object_size] = torch.maximum(window, small)
        return out, label


class NoisyImages(SeededImageWrapper):
    """Each image plus Gaussian pixel noise of standard deviation ``std``, clipped to [0, 1], fixed per item.

    The noise is drawn from ``seed`` and the index, so the dataset is deterministic. The smoke
    profile of week 1 uses it: a random projection keeps noise and signal alike, an autoencoder's
    bottleneck keeps what recurs across images, so clean digits (where both are near the ceiling)
    become a problem on which the learned code has to earn its advantage.
    """

    def __init__(self, dataset: Dataset, seed: int, std: float = 0.3) -> None:
        super().__init__(dataset, seed)
        self.std = std

    def __getitem__(self, i: int) -> tuple[torch.Tensor, Any]:
        """``(noisy image tensor in [0, 1], label)``; the wrapped dataset must return tensors in [0, 1]."""
        image, label = self.dataset[i]
        gen = self.generator(i)
        noise = torch.randn(image.shape, generator=gen)
        return (image + self.std * noise).clamp(0, 1), label


# --------------------------------------------------------------------------------------------
# Offline smoke textures: procedural "tissue-like" tiles (week 7's stand-in for PathMNIST)
# --------------------------------------------------------------------------------------------
TEXTURE_NAMES = ["stripes", "dots", "cells", "checks", "rings", "fibres", "speckle", "clouds", "plain"]
TEXTURE_SPLIT_SIZES = {"train": 128, "val": 16, "test": 50}  # tiles per class
_TEXTURE_SPLIT_SEEDS = {"train": 1, "val": 2, "test": 3}


def _smooth_noise(rng: np.random.Generator, size: int, grid: int) -> np.ndarray:
    """Smooth random field in [0, 1]: a (grid x grid) uniform noise upsampled bicubically to (size, size)."""
    noise = torch.from_numpy(rng.uniform(0, 1, (1, 1, grid, grid)))
    field = F.interpolate(noise, size=(size, size), mode="bicubic", align_corners=False)[0, 0].numpy()
    return (field - field.min()) / (field.max() - field.min() + 1e-8)


def _texture_mask(label: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """One (size, size) pattern in [0, 1] of texture class ``label``, at a random scale, orientation and phase."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    scale = np.exp(rng.uniform(np.log(4.0), np.log(10.0)))  # period / spacing in px, log-uniform
    theta, phase = rng.uniform(0, np.pi), rng.uniform(0, 2 * np.pi, 2)
    u, v = xx * np.cos(theta) + yy * np.sin(theta), -xx * np.sin(theta) + yy * np.cos(theta)
    name = TEXTURE_NAMES[label]
    if name in ("stripes", "checks"):  # a (slightly wavy) grating, or two crossed ones
        wobble = rng.uniform(0.3, 1.2) * np.sin(2 * np.pi * v / rng.uniform(15, 35) + phase[1])
        stripes = 0.5 + 0.5 * np.sin(2 * np.pi * (u + wobble) / scale + phase[0])
        if name == "stripes":
            return stripes
        return stripes * (0.5 + 0.5 * np.sin(2 * np.pi * v / scale + phase[1]))
    if name in ("dots", "rings", "cells"):  # nuclei, hollow nuclei, or cell borders around random seeds
        n = max(2, int(rng.poisson((size + 8) ** 2 / (scale * 1.6) ** 2)))
        cy, cx = rng.uniform(-4, size + 4, (2, n))
        d = np.sqrt((yy[None] - cy[:, None, None]) ** 2 + (xx[None] - cx[:, None, None]) ** 2)
        radius = 0.35 * scale
        if name == "dots":
            return np.exp(-(d / radius) ** 2).max(0)
        if name == "rings":
            return np.exp(-((d - radius * 1.3) / (0.25 * radius + 0.35)) ** 2).max(0)
        d.sort(axis=0)
        return np.exp(-((d[1] - d[0]) / (0.12 * scale * 1.6 + 0.4)) ** 2)
    if name == "fibres":  # many short strokes around one dominant direction
        out = np.zeros((size, size))
        for _ in range(int(rng.integers(10, 22))):
            a = theta + rng.normal(0, 0.25)
            cy, cx, length = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(5, 14)
            along = (xx - cx) * np.cos(a) + (yy - cy) * np.sin(a)
            across = -(xx - cx) * np.sin(a) + (yy - cy) * np.cos(a)
            out = np.maximum(out, np.exp(-across ** 2 / 0.6) * (np.abs(along) < length / 2))
        return out
    if name == "speckle":  # fine grain: pixel noise, lightly smoothed
        return _smooth_noise(rng, size, size) ** 2
    if name == "clouds":  # soft low-frequency blotches ("mucus")
        return _smooth_noise(rng, size, int(rng.integers(3, 6)))
    return np.full((size, size), rng.uniform(0.0, 0.3))  # "plain": background, only stain and noise


class TextureImages(Dataset):
    """Procedural tissue-like 28x28 RGB tiles: 9 texture classes (stripes, dots, cells, ..., plain).

    Scale, orientation, phase, positions, stain colours, brightness, contrast and pixel noise are drawn
    at random per tile (fixed by the split), so tiles of one class differ strongly at the pixel level
    while the class is a property of the texture. Week 7's smoke stand-in for PathMNIST.
    """

    classes = TEXTURE_NAMES

    def __init__(self, split: str = "train", size: int = 28, transform: Callable | None = None,
                 per_class: int | None = None) -> None:
        if split not in TEXTURE_SPLIT_SIZES:
            raise ValueError(f"unknown texture split {split!r}; choose from {tuple(TEXTURE_SPLIT_SIZES)}")
        per_class = per_class or TEXTURE_SPLIT_SIZES[split]
        rng = np.random.default_rng(_TEXTURE_SPLIT_SEEDS[split])
        labels = np.repeat(np.arange(len(TEXTURE_NAMES)), per_class)
        labels = labels[rng.permutation(len(labels))]
        self.targets, self.transform, self.split = labels.astype(np.int64), transform, split
        self.images = [Image.fromarray(self._render(int(c), rng, size)) for c in labels]

    @staticmethod
    def _render(label: int, rng: np.random.Generator, size: int) -> np.ndarray:
        """A uint8 (size, size, 3) tile of class ``label``: pattern mixed between two random stain colours."""
        mask = _texture_mask(label, rng, size)
        background = np.array([0.46, 0.36, 0.425]) + rng.normal(0, 0.03, 3)  # eosin-like pink, darkened
        stain = np.array([0.0225, 0.0125, 0.031]) + rng.normal(0, 0.04, 3)  # haematoxylin-like, near black
        contrast, brightness = rng.uniform(0.99, 1.0), rng.uniform(0.95, 1.05)
        img = background + contrast * mask[..., None] * (stain - background)
        img = img * brightness + rng.normal(0, 0.04, (size, size, 3))
        return (img.clip(0, 1) * 255).round().astype(np.uint8)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[Any, int]:
        img, label = self.images[i], int(self.targets[i])
        return (self.transform(img) if self.transform is not None else img), label
