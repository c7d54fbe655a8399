"""Pretrained weights, downloaded once behind the course's offline message (weeks 4, 5, 6, 8, 9, 10, 11).

Every loader keeps its files where the library itself looks (timm and open_clip: a Hugging Face hub cache
under the data folder; torchvision: the torch hub cache), so a copy placed there by hand is used first, and
any failure to fetch becomes one :class:`utils.DatasetUnavailableError` naming the weights, the URL, the
folder and the fix.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from .data import data_root, download_file, fetching, file_digests

# MoCo v2, 800 epochs on ImageNet (facebookresearch/moco README). Its table publishes only an MD5 prefix.
MOCO_V2_URL = "https://dl.fbaipublicfiles.com/moco/moco_checkpoints/moco_v2_800ep/moco_v2_800ep_pretrain.pth.tar"
MOCO_V2_MD5_PREFIX = "a04e12f8"  # facebookresearch/moco README, column "md5"


def timm_model(name: str, cache: Path | str | None = None, **kwargs: Any) -> nn.Module:
    """A pretrained timm model (``timm.create_model(name, pretrained=True, **kwargs)``), cached in ``<data>/timm``."""
    import timm

    cache = Path(cache) if cache is not None else data_root() / "timm"
    with fetching(f"timm weights {name}", f"https://huggingface.co/timm/{name}", cache,
                  f"the Hugging Face hub cache of timm/{name} (models--timm--...) in {cache}"):
        return timm.create_model(name, pretrained=True, cache_dir=cache, **kwargs)


def open_clip_model(model: str, pretrained: str, device: torch.device | str = "cpu"
                    ) -> tuple[nn.Module, Callable, Callable]:
    """``(model, preprocess, tokenizer)`` on ``device``, from ``<data>/open_clip/<model>_<tag>.bin`` if it is there.

    open_clip moves the model to ``device`` before it reads the checkpoint, so on a GPU the host holds one copy of
    the weights, not two (ViT-H-14: 4.6 GB of host memory instead of 8.3 GB, ``benchmarks/bench_host_memory.py``).
    """
    import open_clip

    info = open_clip.get_pretrained_cfg(model, pretrained)
    if not info:
        raise ValueError(f"open_clip has no pretrained tag {pretrained!r} for {model!r}")
    url = (f"https://huggingface.co/{info['hf_hub'].strip('/')}/resolve/main/open_clip_pytorch_model.bin"
           if info.get("hf_hub") else info["url"])
    cache = data_root() / "open_clip"
    local = cache / f"{model}_{pretrained}.bin"
    with fetching(f"open_clip {model} ({pretrained})", url, cache,
                  f"{local.name} (the file at the URL, renamed) or the Hugging Face cache in {cache}"):
        net, _, preprocess = open_clip.create_model_and_transforms(
            model, pretrained=str(local) if local.exists() else pretrained, cache_dir=str(cache), device=device)
    return net, preprocess, open_clip.get_tokenizer(model)


def torchvision_model(arch: str, weights: Any) -> nn.Module:
    """``torchvision.models.<arch>(weights=weights)``, the file cached in the torch hub folder (``TORCH_HOME``)."""
    import torchvision

    folder = Path(torch.hub.get_dir()) / "checkpoints"
    with fetching(f"torchvision {arch} {weights}", weights.url, folder, weights.url.rsplit("/", 1)[-1]):
        return getattr(torchvision.models, arch)(weights=weights)


def moco_v2_checkpoint(folder: Path | str | None = None) -> Path:
    """Path of the MoCo v2 800-epoch checkpoint in ``folder`` (default ``<data>/moco``), downloaded once and verified.

    The published MD5 prefix is checked on every call; the file's full SHA-256 (not published) is recorded in a
    ``.sha256`` sidecar on first download and checked against it afterwards (a truncated or swapped file).
    """
    folder = Path(folder) if folder is not None else data_root() / "moco"
    path = folder / MOCO_V2_URL.rsplit("/", 1)[-1]
    sidecar = path.with_name(path.name + ".sha256")
    download_file(MOCO_V2_URL, path, dataset="MoCo v2 800ep")  # full SHA-256 unknown: checked below
    with fetching("MoCo v2 800ep", MOCO_V2_URL, folder, f"{path.name} (md5 starts with {MOCO_V2_MD5_PREFIX})"):
        md5, sha256 = file_digests(path, ("md5", "sha256")).values()  # one pass over the 0.9 GB file
        if not md5.startswith(MOCO_V2_MD5_PREFIX):
            raise RuntimeError(f"checksum mismatch: md5 {md5} does not start with {MOCO_V2_MD5_PREFIX}; "
                               f"delete {path} and download it again")
        if sidecar.exists() and sidecar.read_text().split()[0] != sha256:
            raise RuntimeError(f"checksum mismatch: sha256 {sha256} differs from the one recorded in "
                               f"{sidecar} on first download; delete both files and download again")
        if not sidecar.exists():
            sidecar.write_text(f"{sha256}  {path.name}\n")
            print(f"recorded sha256 {sha256} in {sidecar.name}")
    return path
