"""Geirhos et al.'s cue-conflict stimuli (shape of one class, texture of another) and their 16 ImageNet categories."""
from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from ..data import data_root, dry_run_items, fetching, stratified_head
from ..profiles import is_dry_run

URL = "https://github.com/bethgelab/model-vs-human/releases/download/v0.1/cue-conflict.tar.gz"
CATEGORIES = ("airplane", "bear", "bicycle", "bird", "boat", "bottle", "car", "cat", "chair", "clock", "dog",
              "elephant", "keyboard", "knife", "oven", "truck")
# ImageNet-1k indices of each category: model-vs-human, modelvshuman/helper/human_categories.py (Geirhos et al. 2019).
IMAGENET_INDICES: dict[str, tuple[int, ...]] = {
    "airplane": (404,), "bear": (294, 295, 296, 297), "bicycle": (444, 671),
    "bird": (8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 23, 24, 80, 81, 82, 83, 87, 88, 89, 90, 91, 92, 93, 94, 95,
             96, 98, 99, 100, 127, 128, 129, 130, 131, 132, 133, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145),
    "boat": (472, 554, 625, 814, 914), "bottle": (440, 720, 737, 898, 899, 901, 907), "car": (436, 511, 817),
    "cat": (281, 282, 283, 284, 285, 286), "chair": (423, 559, 765, 857), "clock": (409, 530, 892),
    "dog": tuple(i for i in range(152, 269) if i not in (192, 204, 227, 242, 251, 258, 260, 264)),
    "elephant": (385, 386), "keyboard": (508, 878), "knife": (499,), "oven": (766,),
    "truck": (555, 569, 656, 675, 717, 734, 864, 867),
}
_NAME = re.compile(r"^([a-z]+)\d+-([a-z]+)\d+\.png$")  # e.g. airplane1-bicycle2.png: shape airplane, texture bicycle


def cue_conflict_folder(root: Path | None = None) -> Path:
    """The extracted ``cue-conflict/`` folder (16 sub-folders named by shape), downloaded and unpacked if missing."""
    root = Path(root) if root is not None else data_root()
    folder = root / "cue-conflict"
    if not folder.is_dir():
        from ..data import download_file

        archive = root / "cue-conflict.tar.gz"
        with fetching("cue-conflict stimuli (Geirhos et al., model-vs-human)", URL, root,
                      "cue-conflict/<category>/<shape>N-<texture>M.png (the archive, unpacked)"):
            if not archive.exists():
                download_file(URL, archive, dataset="cue-conflict stimuli")
            with tarfile.open(archive) as tar:
                tar.extractall(root, filter="data")
    return folder


class CueConflictImages(Dataset):
    """The cue-conflict PNGs of ``folder``; item ``i`` is ``(transform(image), shape_label, texture_label)``.

    Labels index ``CATEGORIES`` (also as arrays ``shape_labels``, ``texture_labels``); images whose shape and
    texture classes agree are kept (the score drops them).
    A dry run keeps a slice with every shape class.
    """

    def __init__(self, folder: Path, transform: Callable | None = None) -> None:
        items = []
        for path in sorted(Path(folder).glob("*/*.png")):
            match = _NAME.match(path.name)
            if match is None or match.group(1) not in CATEGORIES or match.group(2) not in CATEGORIES:
                raise ValueError(f"{path}: not a cue-conflict file name (<shape>N-<texture>M.png with the 16 categories)")
            items.append((path, CATEGORIES.index(match.group(1)), CATEGORIES.index(match.group(2))))
        if not items:
            raise FileNotFoundError(f"no cue-conflict images in {folder}")
        self.targets = np.array([shape for _, shape, _ in items])
        if is_dry_run():
            items = [items[i] for i in stratified_head(self.targets, dry_run_items())]
            self.targets = np.array([shape for _, shape, _ in items])
        self.items, self.transform = items, transform
        self.shape_labels = np.array([shape for _, shape, _ in items])
        self.texture_labels = np.array([texture for _, _, texture in items])

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> tuple[Any, int, int]:
        path, shape, texture = self.items[i]
        image = Image.open(path).convert("RGB")
        return (self.transform(image) if self.transform is not None else image), shape, texture


def imagenet_to_categories(probabilities: torch.Tensor) -> torch.Tensor:
    """``(N, 1000)`` ImageNet probabilities -> ``(N, 16)`` category scores: the mean over each category's indices."""
    return torch.stack([probabilities[:, list(IMAGENET_INDICES[c])].mean(1) for c in CATEGORIES], dim=1)
