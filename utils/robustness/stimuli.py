"""Generated shape-and-texture stimuli: shapes filled with textures, with independent shape and texture labels."""
from __future__ import annotations

import numpy as np
import torch

SHAPE_NAMES = ("disc", "square", "triangle", "cross")
TEXTURE_NAMES = ("horizontal stripes", "vertical stripes", "checks", "grain")


def shape_mask(shape: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """A boolean (size, size) silhouette of class ``shape`` at a random position, scale and rotation."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    radius = rng.uniform(0.28, 0.40) * size
    cy, cx = rng.uniform(radius + 1, size - radius - 1, 2)
    angle = rng.uniform(0, 2 * np.pi)
    u = ((xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)) / radius
    v = (-(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)) / radius
    name = SHAPE_NAMES[shape]
    if name == "disc":
        return u ** 2 + v ** 2 <= 1.0
    if name == "square":
        return np.maximum(np.abs(u), np.abs(v)) <= 0.75
    if name == "triangle":  # equilateral, centred on its centroid
        return (v >= -0.5) & (np.sqrt(3) * u - v <= 1.0) & (-np.sqrt(3) * u - v <= 1.0)
    return ((np.abs(u) <= 0.28) | (np.abs(v) <= 0.28)) & (np.maximum(np.abs(u), np.abs(v)) <= 0.95)  # cross


def texture_field(texture: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """A (size, size) pattern in [0, 1] of class ``texture`` at a random period, orientation and phase."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    period, phase = rng.uniform(3.0, 5.0), rng.uniform(0, 2 * np.pi, 2)
    name = TEXTURE_NAMES[texture]
    if name == "horizontal stripes":
        return 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * yy / period + phase[0]))
    if name == "vertical stripes":
        return 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * xx / period + phase[0]))
    if name == "checks":
        return 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * xx / period + phase[0]) * np.sin(2 * np.pi * yy / period + phase[1]))
    return (rng.uniform(0, 1, (size, size)) > 0.5) * 1.0  # grain: independent binary pixels


def render(shape: int, texture: int, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    """A float32 (3, size, size) image in [0, 1]: the texture (two random colours) inside the shape, on grey noise."""
    mask = shape_mask(shape, rng, size)
    pattern = texture_field(texture, rng, size)
    colour_a, colour_b = rng.uniform(0, 1, (2, 3))
    inside = colour_a[:, None, None] + pattern[None] * (colour_b - colour_a)[:, None, None]
    background = rng.uniform(0.3, 0.7) + rng.normal(0, 0.05, (1, size, size))
    return np.where(mask[None], inside, background).clip(0, 1).astype(np.float32)


def render_images(shapes: torch.Tensor, textures: torch.Tensor, seed: int, size: int = 32) -> torch.Tensor:
    """Images ``(n, 3, size, size)`` float32 in [0, 1]: shape ``shapes[i]`` filled with texture ``textures[i]``.

    Position, scale, rotation, texture period and phase, colours and background are drawn with ``seed``.
    """
    rng = np.random.default_rng(seed)
    images = [render(int(s), int(t), rng, size) for s, t in zip(shapes, textures)]
    return torch.from_numpy(np.stack(images)) if images else torch.zeros(0, 3, size, size)


def balanced_labels(n: int, num_classes: int, generator: torch.Generator) -> torch.Tensor:
    """``n`` class labels, each class equally often (up to one), in random order."""
    return (torch.arange(n) % num_classes)[torch.randperm(n, generator=generator)]
