"""PASCAL VOC 2012 segmentation masks for week 11's attention-as-segmentation (torchvision's VOCSegmentation)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .data import data_root, dry_run_items, fetching
from .profiles import is_dry_run

VOC_URL = "http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar"
VOC_TAR = "VOCtrainval_11-May-2012.tar (1.9 GB, md5 6cd6e144f989b92b3379bac3b3de84fd)"
VOID = 255  # VOC's label of object boundaries and hard pixels: neither object nor background


def voc_folder() -> Path:
    """Where VOC lives: ``data_root()/voc`` (holding ``VOCdevkit/VOC2012/`` or the tar that contains it)."""
    return data_root() / "voc"


def voc_segmentation(image_set: str = "val"):
    """torchvision's ``VOCSegmentation`` (year 2012) from :func:`voc_folder`, downloaded once if missing."""
    import torchvision.datasets as tvd

    folder = voc_folder()
    folder.mkdir(parents=True, exist_ok=True)
    try:  # local first: the extracted folder
        return tvd.VOCSegmentation(str(folder), year="2012", image_set=image_set, download=False)
    except (RuntimeError, FileNotFoundError, OSError):
        with fetching("PASCAL VOC 2012", VOC_URL, folder, f"{VOC_TAR} or its extracted VOCdevkit/VOC2012/"):
            return tvd.VOCSegmentation(str(folder), year="2012", image_set=image_set, download=True)


def voc_masks(image_set: str = "val", size: int = 224, limit: int | None = None
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """VOC images and their foreground masks resized to ``size`` x ``size``.

    Returns ``(images (N, 3, size, size) uint8, foreground (N, size, size) bool, valid (N, size, size) bool)``:
    foreground = any of the 20 object classes, valid = not VOC's void label (255). A dry run keeps the
    first ``dry_run_items()`` images; ``limit`` keeps at most that many.
    """
    data = voc_segmentation(image_set)
    n = len(data) if limit is None else min(limit, len(data))
    n = min(n, dry_run_items()) if is_dry_run() else n
    images, fg, valid = [], [], []
    for i in range(n):
        image, target = data[i]
        x = torch.from_numpy(np.array(image.convert("RGB"), dtype=np.uint8)).permute(2, 0, 1)[None].float()
        images.append(F.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                                    align_corners=False).round().clamp(0, 255).to(torch.uint8)[0])
        labels = torch.from_numpy(np.asarray(target, dtype=np.uint8).copy())[None, None].float()
        labels = F.interpolate(labels, size=(size, size), mode="nearest")[0, 0].long()
        fg.append((labels > 0) & (labels != VOID))
        valid.append(labels != VOID)
    return torch.stack(images), torch.stack(fg), torch.stack(valid)
