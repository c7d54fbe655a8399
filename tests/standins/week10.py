"""Stand-ins of what week 10's full profile reads, in the released formats and folders (tests only).

Under ``root`` = ``COURSE_DATA``: clip-benchmark's webdatasets ``wds_imagenetv2`` / ``wds_imagenet-r``
(``classnames.txt``, ``zeroshot_classification_templates.txt``, ``test/N.tar`` of ``<key>.webp`` + ``<key>.cls``,
``test/nshards.txt``), model-vs-human's unpacked ``cue-conflict/<shape>/<shape>N-<texture>M.png``, open_clip
checkpoints (``open_clip/<model>_<tag>.bin``), torchvision's ResNet-50 in the torch hub cache (``TORCH_HOME`` =
``root/torch``) and timm's ViT-B/16 in the Hugging Face hub cache layout (``root/timm``). Random content, every class.
"""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from tests.standins import weights
from tests.standins.weights import write_open_clip, write_timm_vit_b16

VIT = "vit_base_patch16_224.augreg_in1k"


def _image(rng: np.random.Generator, size: int = 40) -> Image.Image:
    """A random RGB image."""
    return Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


def write_wds(root: Path, name: str, classnames: list[str], templates: list[str], shards: int = 2,
              seed: int = 0) -> Path:
    """``root/<name>``: one lossless-webp sample per class (keys ``s0000000``...), split over ``shards`` tar files."""
    rng = np.random.default_rng(seed)
    folder = root / name
    (folder / "test").mkdir(parents=True, exist_ok=True)
    (folder / "classnames.txt").write_text("\n".join(classnames) + "\n")
    (folder / "zeroshot_classification_templates.txt").write_text("\n".join(templates) + "\n")
    labels = rng.permutation(len(classnames))
    for shard, part in enumerate(np.array_split(np.arange(len(labels)), shards)):
        with tarfile.open(folder / "test" / f"{shard}.tar", "w") as tar:
            for index in part:
                key = f"s{index:07d}"
                buffer = io.BytesIO()
                _image(rng).save(buffer, format="webp", lossless=True)
                for ext, data in (("webp", buffer.getvalue()), ("cls", str(int(labels[index])).encode())):
                    info = tarfile.TarInfo(f"{key}.{ext}")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
    (folder / "test" / "nshards.txt").write_text(f"{shards}\n")
    return folder


def write_imagenet_wds(root: Path) -> tuple[Path, Path]:
    """``wds_imagenetv2`` (1,000 classes) and ``wds_imagenet-r`` (its 200 classes, ImageNet-R's label order)."""
    from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES

    from utils.robustness import imagenet_r_indices

    templates = ["a photo of a {c}.", "a sketch of a {c}."]
    v2 = write_wds(root, "wds_imagenetv2", list(IMAGENET_CLASSNAMES), templates, seed=0)
    rendition = write_wds(root, "wds_imagenet-r", [IMAGENET_CLASSNAMES[i] for i in imagenet_r_indices()], templates,
                          seed=1)
    return v2, rendition


def write_cue_conflict(root: Path, seed: int = 2) -> Path:
    """``root/cue-conflict``: per shape category, one image with the next category's texture and one that agrees."""
    from utils.robustness import CATEGORIES

    rng = np.random.default_rng(seed)
    folder = root / "cue-conflict"
    for k, shape in enumerate(CATEGORIES):
        (folder / shape).mkdir(parents=True, exist_ok=True)
        texture = CATEGORIES[(k + 1) % len(CATEGORIES)]
        _image(rng, 56).save(folder / shape / f"{shape}1-{texture}1.png")
        _image(rng, 56).save(folder / shape / f"{shape}2-{shape}3.png")
    return folder


def write_resnet50_imagenet(root: Path) -> Path:
    """torchvision's ResNet-50 ``IMAGENET1K_V1`` (``resnet50-0676ba61.pth``) in the torch hub cache."""
    return weights.write_torchvision_imagenet(root, "resnet50")


def write_week10(root: Path, clip_models: list[tuple[str, str]]) -> Path:
    """Every week-10 stand-in, with the open_clip checkpoints of ``clip_models`` (``(model, tag)`` pairs)."""
    from tests.standins.images import write_cifar100

    write_cifar100(root)
    write_imagenet_wds(root)
    write_cue_conflict(root)
    write_resnet50_imagenet(root)
    write_timm_vit_b16(root, VIT)
    for model, tag in clip_models:
        write_open_clip(root, model, tag)
    return root
