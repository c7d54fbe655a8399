"""clip-benchmark's webdataset test sets (``clip-benchmark/wds_*`` on the Hugging Face hub), read from their tar shards."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image
from torch.utils.data import Dataset

from ..data import data_root, dry_run_items, fetching, stratified_head
from ..profiles import is_dry_run

IMAGE_EXTENSIONS = ("webp", "jpg", "jpeg", "png")


def hub_url(name: str) -> str:
    """The hub page of ``clip-benchmark/<name>`` (e.g. ``wds_imagenetv2``)."""
    return f"https://huggingface.co/datasets/clip-benchmark/{name}"


def wds_folder(name: str, split: str = "test", root: Path | None = None) -> Path:
    """``<data>/<name>``: ``classnames.txt``, ``zeroshot_classification_templates.txt``, ``<split>/N.tar``; fetched if missing."""
    folder = (Path(root) if root is not None else data_root()) / name
    if not sorted((folder / split).glob("*.tar")) or not (folder / "classnames.txt").exists():
        with fetching(f"clip-benchmark {name}", hub_url(name), folder,
                      f"classnames.txt, zeroshot_classification_templates.txt and {split}/0.tar, 1.tar, ..."):
            from huggingface_hub import snapshot_download

            snapshot_download(f"clip-benchmark/{name}", repo_type="dataset", local_dir=folder,
                              allow_patterns=["*.txt", f"{split}/*"])
    return folder


def read_lines(path: Path) -> list[str]:
    """The non-empty lines of a text file (class names, templates)."""
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]


class WebDatasetShards(Dataset):
    """The samples of ``folder/split/*.tar``; item ``i`` is ``(transform(image), label)``.

    A sample is the tar members sharing one key: ``<key>.webp`` (or jpg/png) and ``<key>.cls`` (the label as text).
    ``classes`` come from ``classnames.txt``, ``templates`` from ``zeroshot_classification_templates.txt``.
    A dry run keeps a slice with every class present.
    """

    def __init__(self, folder: Path, split: str = "test", transform: Callable | None = None) -> None:
        folder = Path(folder)
        self.classes, self.transform = read_lines(folder / "classnames.txt"), transform
        templates = folder / "zeroshot_classification_templates.txt"
        self.templates = read_lines(templates) if templates.exists() else ["a photo of a {c}."]
        samples: list[tuple[Path, int, int]] = []  # (shard, offset of the image member, label)
        for shard in sorted((folder / split).glob("*.tar"), key=lambda p: int(p.stem) if p.stem.isdigit() else p.stem):
            images, labels = {}, {}
            with tarfile.open(shard) as tar:
                for member in tar:
                    key, _, ext = member.name.partition(".")
                    if ext in IMAGE_EXTENSIONS:
                        images[key] = member.offset_data, member.size
                    elif ext == "cls":
                        labels[key] = int(tar.extractfile(member).read().decode().strip())
            samples += [(shard, *images[k], labels[k]) for k in sorted(images) if k in labels]
        if not samples:
            raise FileNotFoundError(f"no samples (<key>.webp + <key>.cls) in {folder / split}/*.tar")
        self.targets = np.array([s[-1] for s in samples])
        if is_dry_run():
            keep = stratified_head(self.targets, dry_run_items())
            samples, self.targets = [samples[i] for i in keep], self.targets[keep]
        self.samples = samples

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> tuple[Any, int]:
        shard, offset, size, label = self.samples[i]
        with open(shard, "rb") as handle:
            handle.seek(offset)
            image = Image.open(io.BytesIO(handle.read(size))).convert("RGB")
        return (self.transform(image) if self.transform is not None else image), label


def imagenet_r_indices() -> list[int]:
    """ImageNet-1k index of each of ImageNet-R's 200 classes, in ImageNet-R's (sorted WordNet id) label order.

    From the synset lists timm ships (``timm/data/_info/imagenet_r_synsets.txt``, ``imagenet_synsets.txt``).
    """
    import timm.data

    info = Path(timm.data.__file__).parent / "_info"
    imagenet = read_lines(info / "imagenet_synsets.txt")
    return [imagenet.index(wnid) for wnid in sorted(read_lines(info / "imagenet_r_synsets.txt"))]
