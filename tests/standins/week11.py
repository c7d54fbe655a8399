"""Stand-ins of week 11's full-profile files (tests only): PASCAL VOC 2012 and six timm ViTs' hub-cache weights.

VOC is written as torchvision's ``VOCSegmentation`` reads it, ``voc/VOCdevkit/VOC2012/`` (JPEG images, palette PNG
masks with the void label 255 on object borders, ``ImageSets/Segmentation/*.txt``), or as the released tar that holds
that folder. The timm weights use :func:`tests.standins.weights.write_timm_vit_b16` (random weights, real shapes, the
Hugging Face hub cache layout). PathMNIST comes from :func:`tests.standins.images.write_pathmnist`.
"""
from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
from PIL import Image

from tests.standins import images, weights

TIMM_MODELS = ("vit_small_patch16_224.dino", "deit_small_patch16_224.fb_in1k", "vit_base_patch16_224.dino",
               "vit_base_patch16_224.augreg2_in21k_ft_in1k", "vit_base_patch16_224.mae", "vit_base_patch16_clip_224.openai")
VOC_TAR = "VOCtrainval_11-May-2012.tar"


def _voc_palette() -> list[int]:
    """VOC's colour map (the bit-interleaved palette of its devkit), 256 RGB entries."""
    palette = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def _write_voc_folder(base: Path, counts: dict[str, int], seed: int) -> Path:
    """``base/VOCdevkit/VOC2012`` with images of random sizes, one or two objects each, void borders."""
    rng = np.random.default_rng(seed)
    voc = base / "VOCdevkit" / "VOC2012"
    for sub in ("JPEGImages", "SegmentationClass", "ImageSets/Segmentation"):
        (voc / sub).mkdir(parents=True, exist_ok=True)
    ids: dict[str, list[str]] = {}
    for split, n in counts.items():
        ids[split] = [f"2012_{split[:2]}{i:04d}" for i in range(n)]
        for name in ids[split]:
            h, w = int(rng.integers(180, 300)), int(rng.integers(180, 300))
            Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(voc / "JPEGImages" / f"{name}.jpg")
            label = np.zeros((h, w), np.uint8)
            for _ in range(int(rng.integers(1, 3))):
                top, left = int(rng.integers(0, h // 2)), int(rng.integers(0, w // 2))
                bottom, right = top + int(rng.integers(30, h // 2)), left + int(rng.integers(30, w // 2))
                label[top:bottom, left:right] = 255  # the void border, then the object inside it
                label[top + 3:bottom - 3, left + 3:right - 3] = int(rng.integers(1, 21))
            mask = Image.fromarray(label, mode="P")
            mask.putpalette(_voc_palette())
            mask.save(voc / "SegmentationClass" / f"{name}.png")
    for split, names in ids.items():
        (voc / "ImageSets" / "Segmentation" / f"{split}.txt").write_text("\n".join(names) + "\n")
    (voc / "ImageSets" / "Segmentation" / "trainval.txt").write_text(
        "\n".join(ids.get("train", []) + ids.get("val", [])) + "\n")
    return voc


def write_voc2012(root: Path, counts: dict[str, int] | None = None, as_tar: bool = False, seed: int = 11) -> Path:
    """``root/voc/VOCdevkit/VOC2012/`` (or, with ``as_tar``, only ``root/voc/VOCtrainval_11-May-2012.tar`` holding it)."""
    counts = counts or {"train": 3, "val": 6}
    folder = root / "voc"
    if not as_tar:
        return _write_voc_folder(folder, counts, seed)
    staging = root / "_voc_staging"
    _write_voc_folder(staging, counts, seed)
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / VOC_TAR, "w") as tar:
        tar.add(staging / "VOCdevkit", arcname="VOCdevkit")
    return folder / VOC_TAR


def write_week11(root: Path, voc_as_tar: bool = False) -> Path:
    """Every file week 11's full profile reads: VOC 2012, PathMNIST and the six timm ViTs."""
    write_voc2012(root, as_tar=voc_as_tar)
    images.write_pathmnist(root)
    for name in TIMM_MODELS:
        weights.write_timm_vit_b16(root, name)
    return root
