"""Week 11's smoke data: handwritten digits ("objects") pasted on generated clutter, with their pixel masks.

Every image holds one light digit at a random place and size over a smooth coloured background and a few
coloured *fragments* of other digits (strokes cut out by a soft window), so that stroke texture alone does not
say where the object is. The mask of the object is known exactly, which is what an
attention-as-segmentation score needs. Rendering is batched in torch and fixed by a ``torch.Generator``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset, TensorDataset

from .data import digits_split_indices


@dataclass(frozen=True)
class ClutterSpec:
    """How a scene is drawn: image size, object size range (px), number of fragments, background strength."""

    size: int = 32
    object_size: tuple[float, float] = (14.0, 20.0)
    fragments: int = 3
    fragment_radius: tuple[float, float] = (2.5, 4.0)
    background: float = 0.5
    fragment_strength: float = 0.6
    object_colour: str = "white"
    mask_threshold: float = 0.3


def digit_images(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's digits of one split (``utils.data.digits_split_indices``): ``(images (N, 8, 8) in [0, 1], labels (N,))``."""
    from sklearn.datasets import load_digits

    digits, idx = load_digits(), digits_split_indices(split)
    images = torch.tensor(digits.images[idx] / 16.0, dtype=torch.float32)
    return images, torch.tensor(digits.target[idx], dtype=torch.long)


def _place(shapes: torch.Tensor, scale: torch.Tensor, centre: torch.Tensor, size: int) -> torch.Tensor:
    """Draw (B, 1, h, w) ``shapes`` at ``scale`` (fraction of the image side) around ``centre`` (B, 2) in [-1, 1]: (B, 1, size, size)."""
    theta = torch.zeros(len(shapes), 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1.0 / scale
    theta[:, :, 2] = -centre / scale[:, None]
    grid = F.affine_grid(theta, [len(shapes), 1, size, size], align_corners=False)
    return F.grid_sample(shapes, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _colours(n: int, gen: torch.Generator) -> torch.Tensor:
    """Saturated random RGB colours (n, 3, 1, 1), brightness 0.6-1 on the strongest channel."""
    colour = torch.rand(n, 3, generator=gen) ** 2
    colour = colour / colour.amax(1, keepdim=True) * (0.6 + 0.4 * torch.rand(n, 1, generator=gen))
    return colour[:, :, None, None]


def object_looks(n: int, gen: torch.Generator, spec: ClutterSpec = ClutterSpec()) -> dict[str, torch.Tensor]:
    """Random looks of ``n`` objects: ``colour`` (n, 3, 1, 1), ``scale`` (n,) of the image side, ``centre`` (n, 2) in [-1, 1]."""
    colour = _colours(n, gen) if spec.object_colour == "random" else 0.8 + 0.2 * torch.rand(n, 1, 1, 1, generator=gen)
    lo, hi = spec.object_size
    scale = (lo + torch.rand(n, generator=gen) * (hi - lo)) / spec.size
    centre = (torch.rand(n, 2, generator=gen) * 2 - 1) * (1 - scale[:, None])  # the whole object stays inside
    return {"colour": colour.expand(n, 3, 1, 1), "scale": scale, "centre": centre}


def render_scenes(objects: torch.Tensor, pool: torch.Tensor, gen: torch.Generator,
                  spec: ClutterSpec = ClutterSpec(), looks: dict[str, torch.Tensor] | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Paste each of ``objects`` (B, 8, 8) in [0, 1] on fresh clutter cut from ``pool`` (M, 8, 8) digits.

    Returns ``(images (B, 3, S, S) in [0, 1], masks (B, S, S) bool)``, S = ``spec.size``; the mask marks the
    object's pixels (its drawn intensity above ``spec.mask_threshold``). Fragments are drawn under the object.
    ``looks`` (:func:`object_looks`) fixes the objects' colour, size and place; drawn at random if None.
    """
    b, s = len(objects), spec.size
    noise = torch.rand(b, 3, 4, 4, generator=gen)
    image = F.interpolate(noise, size=(s, s), mode="bicubic", align_corners=False).clamp(0, 1) * spec.background
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, s), torch.linspace(-1, 1, s), indexing="ij")
    for _ in range(spec.fragments):  # strokes of other digits, seen through a soft round window
        other = pool[torch.randint(len(pool), (b,), generator=gen)][:, None]
        scale = (spec.object_size[0] + torch.rand(b, generator=gen) * (spec.object_size[1] - spec.object_size[0])) / s
        stroke = _place(other, scale, torch.rand(b, 2, generator=gen) * 2 - 1, s)
        centre = torch.rand(b, 2, generator=gen) * 2 - 1
        radius = (spec.fragment_radius[0] + torch.rand(b, generator=gen) * (spec.fragment_radius[1] - spec.fragment_radius[0]))
        radius = radius * 2 / s
        window = torch.exp(-((xx - centre[:, 0, None, None]) ** 2 + (yy - centre[:, 1, None, None]) ** 2)
                           / (radius[:, None, None] ** 2))[:, None]
        alpha = (stroke * window).clamp(0, 1) * spec.fragment_strength
        image = image * (1 - alpha) + alpha * _colours(b, gen)
    looks = looks if looks is not None else object_looks(b, gen, spec)
    alpha = _place(objects[:, None], looks["scale"], looks["centre"], s).clamp(0, 1)
    image = image * (1 - alpha) + alpha * looks["colour"]
    return image.clamp(0, 1), alpha[:, 0] > spec.mask_threshold


class ObjectScenes:
    """A fixed set of scenes of one digits split, and fresh views of its objects on new clutter.

    ``images`` (N, 3, S, S) in [0, 1], ``masks`` (N, S, S) bool, ``labels`` (N,) digit classes are drawn once
    from ``seed``; :meth:`views` redraws chosen objects at new places on new clutter (what an SSL method sees).
    """

    classes = [str(d) for d in range(10)]

    def __init__(self, split: str, seed: int = 0, spec: ClutterSpec = ClutterSpec()) -> None:
        self.digits, self.labels = digit_images(split)
        self.spec, self.split = spec, split
        gen = torch.Generator().manual_seed(int(seed) * 7919 + {"train": 1, "val": 2, "test": 3, "unlabeled": 4}[split])
        self.images, self.masks = render_scenes(self.digits, self.digits, gen, spec)

    def __len__(self) -> int:
        return len(self.labels)

    def views(self, indices: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """New scenes of the objects ``indices`` (B,): ``(images (B, 3, S, S), masks (B, S, S))``."""
        return render_scenes(self.digits[indices], self.digits, gen, self.spec)

    def pairs(self, indices: torch.Tensor, gen: torch.Generator, same_place: bool = False
              ) -> tuple[torch.Tensor, torch.Tensor]:
        """Two views (B, 3, S, S) of each object: same look and size (and place if ``same_place``), new clutter."""
        looks = object_looks(len(indices), gen, self.spec)
        first = render_scenes(self.digits[indices], self.digits, gen, self.spec, looks)[0]
        if not same_place:
            looks = {**looks, "centre": object_looks(len(indices), gen, self.spec)["centre"]}
        return first, render_scenes(self.digits[indices], self.digits, gen, self.spec, looks)[0]


def patch_fractions(masks: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Fraction of each patch covered by the mask: (B, S, S) bool -> (B, (S / patch_size)**2) floats, row-major."""
    cover = F.avg_pool2d(masks[:, None].float(), patch_size)
    return cover.flatten(1)


def upsample_patch_mask(mask: torch.Tensor, grid_size: int, patch_size: int) -> torch.Tensor:
    """A patch mask (B, grid_size**2) bool -> the pixel mask (B, grid_size * patch_size, same) it covers."""
    grid = mask.reshape(-1, grid_size, grid_size)
    return grid.repeat_interleave(patch_size, 1).repeat_interleave(patch_size, 2)


def split_sizes() -> dict[str, int]:
    """Number of scenes per split (those of ``utils.data.digits_split_indices``)."""
    return {split: len(digits_split_indices(split)) for split in ("train", "val", "test")}




@functools.lru_cache(maxsize=4)
def scene_splits(seed: int) -> tuple[ObjectScenes, ObjectScenes]:
    """The smoke profile's ``(train, test)`` scenes of ``seed`` (rendered once per process)."""
    return ObjectScenes("train", seed), ObjectScenes("test", seed)


def segmentation_set(profile: str, size: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Images with object masks: ``(uint8 images (N, 3, S, S), foreground (N, S, S) bool, valid (N, S, S) bool)``.

    ``full``: PASCAL VOC 2012 val resized to ``size`` (:func:`utils.voc.voc_masks`); ``smoke``: the test scenes.
    """
    if profile == "full":
        from .voc import voc_masks

        return voc_masks("val", size=size)
    scenes = scene_splits(seed)[1]
    return (scenes.images * 255).round().to(torch.uint8), scenes.masks, torch.ones_like(scenes.masks)


def knn_datasets(profile: str, size: int, seed: int = 0) -> dict[str, Dataset]:
    """``{"train", "test"}`` datasets of ``(image (3, S, S) in [0, 1], label)`` for the k-NN evaluation.

    ``full``: PathMNIST at 28 px, zero-padded to ``size`` (the MedMNIST+ protocol); ``smoke``: the scenes with
    their 10 digit classes.
    """
    if profile == "full":
        import torchvision.transforms as T

        from .data import image_dataset

        pad = T.Compose([T.ToTensor(), T.Pad((size - 28) // 2, fill=0)])
        return {split: image_dataset("pathmnist", split, pad, profile="full") for split in ("train", "test")}
    train, test = scene_splits(seed)
    return {"train": TensorDataset(train.images, train.labels), "test": TensorDataset(test.images, test.labels)}
