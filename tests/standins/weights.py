"""Stand-ins of the pretrained weight files the full profile loads, in their released formats (tests only).

Random weights with the real architectures' shapes and key layouts, in the folders the notebooks'
loaders look in first: the torch hub cache (``TORCH_HOME``), the Hugging Face hub cache layout
(``models--<org>--<name>/refs/main`` + ``snapshots/<commit>/``) and the data folder.
"""
from __future__ import annotations

from pathlib import Path

import torch

FAKE_COMMIT = "0" * 40  # the snapshot folder name of a Hugging Face hub cache entry


def write_torchvision_imagenet(root: Path, arch: str = "resnet18") -> Path:
    """``root/torch/hub/checkpoints/<file of the URL>``: torchvision's ``IMAGENET1K_V1`` state dict of ``arch`` (random)."""
    import torchvision

    url = torchvision.models.get_model_weights(arch).IMAGENET1K_V1.url
    path = root / "torch" / "hub" / "checkpoints" / url.rsplit("/", 1)[-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(torchvision.models.get_model(arch).state_dict(), path)
    return path


def write_resnet18_imagenet(root: Path) -> Path:
    """torchvision's ImageNet ResNet18 (``resnet18-f37072fd.pth``), as week 4 reads it."""
    return write_torchvision_imagenet(root, "resnet18")


def write_moco_v2(root: Path) -> Path:
    """``root/moco/moco_v2_800ep_pretrain.pth.tar``: ``epoch``, ``arch``, ``state_dict`` (``module.encoder_q/k.*``), ``optimizer``."""
    import torchvision

    net = torchvision.models.resnet50()
    net.fc = torch.nn.Sequential(torch.nn.Linear(2048, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 128))  # fc.0, fc.2
    encoder = net.state_dict()
    state = {f"module.encoder_q.{k}": v for k, v in encoder.items()}
    state.update({f"module.encoder_k.{k}": v for k, v in encoder.items()})  # shared storage: stored once
    state["module.queue"] = torch.nn.functional.normalize(torch.randn(128, 1024), dim=0)  # released: (128, 65536)
    state["module.queue_ptr"] = torch.zeros(1, dtype=torch.long)
    optimizer = {"state": {}, "param_groups": [{"lr": 0.0, "momentum": 0.9, "dampening": 0, "weight_decay": 1e-4,
                                                "nesterov": False, "params": list(range(len(encoder)))}]}
    path = root / "moco" / "moco_v2_800ep_pretrain.pth.tar"
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"epoch": 800, "arch": "resnet50", "state_dict": state, "optimizer": optimizer}, path)
    return path


def hf_snapshot(cache: Path, repo_id: str, kind: str = "models") -> Path:
    """Create the Hugging Face hub cache entry of ``repo_id`` in ``cache`` and return its snapshot folder."""
    entry = cache / f"{kind}--{repo_id.replace('/', '--')}"
    (entry / "refs").mkdir(parents=True, exist_ok=True)
    (entry / "refs" / "main").write_text(FAKE_COMMIT)
    snapshot = entry / "snapshots" / FAKE_COMMIT
    snapshot.mkdir(parents=True, exist_ok=True)
    return snapshot


def write_timm_vit_b16(root: Path, name: str = "vit_base_patch16_224.augreg_in1k") -> Path:
    """``root/timm/models--timm--<name>/snapshots/<commit>/model.safetensors``: timm's ViT-B/16 (1000 classes)."""
    import timm
    from safetensors.torch import save_file

    model = timm.create_model(name, pretrained=False)
    path = hf_snapshot(root / "timm", model.pretrained_cfg["hf_hub_id"]) / "model.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


def write_open_clip(root: Path, model: str = "convnext_base_w", pretrained: str = "laion2b_s13b_b82k") -> Path:
    """``root/open_clip/<model>_<pretrained>.bin``: an open_clip state dict (the file the hub serves, renamed)."""
    import open_clip

    net = open_clip.create_model(model, pretrained=None)
    path = root / "open_clip" / f"{model}_{pretrained}.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), path)
    return path
