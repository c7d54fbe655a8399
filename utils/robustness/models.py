"""Pretrained models of week 10 (open_clip, torchvision, timm) behind the course's offline message, and their cost."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import torch
from torch import nn

from ..weights import open_clip_model, timm_model, torchvision_model


def load_open_clip(model: str, pretrained: str, device: torch.device | str = "cpu"
                   ) -> tuple[nn.Module, Callable, Callable]:
    """``(model, preprocess, tokenizer)`` of an open_clip checkpoint on ``device``, in eval mode (``utils.open_clip_model``)."""
    net, preprocess, tokenizer = open_clip_model(model, pretrained, device)
    return net.eval(), preprocess, tokenizer


def load_torchvision_resnet50() -> tuple[nn.Module, Callable]:
    """torchvision's supervised ResNet-50 (``IMAGENET1K_V1``, the ResNet-50 of Geirhos et al.) and its preprocessing."""
    import torchvision

    weights = torchvision.models.ResNet50_Weights.IMAGENET1K_V1
    return torchvision_model("resnet50", weights).eval(), weights.transforms()


def load_timm(name: str) -> tuple[nn.Module, Callable]:
    """A pretrained timm model (Hugging Face hub cache in ``<data>/timm``) and its evaluation preprocessing."""
    import timm

    net = timm_model(name)
    config = timm.data.resolve_data_config({}, model=net)
    return net.eval(), timm.data.create_transform(**config)


def gmacs(module: nn.Module, example: torch.Tensor) -> float:
    """Multiply-accumulates (in 1e9) of one forward pass of ``module`` on ``example`` (1 image), by ``FlopCounterMode``."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        module(example)
    return counter.get_total_flops() / 2 / 1e9 / len(example)  # a multiply-accumulate is 2 FLOPs


@torch.no_grad()
def layer_features(model: nn.Module, layers: Sequence[str], batches: Iterable[Any], device: torch.device,
                   pool: Callable[[torch.Tensor], torch.Tensor]) -> dict[str, torch.Tensor]:
    """Outputs of the named sub-modules on every batch (forward hooks), each pooled to ``(N, D)`` on the CPU.

    ``batches`` yields images ``(B, 3, H, W)`` or tuples whose first item they are; ``pool`` maps one output to ``(B, D)``.
    """
    modules = dict(model.named_modules())
    missing = [name for name in layers if name not in modules]
    if missing:
        raise KeyError(f"{type(model).__name__} has no sub-module(s) {missing}")
    store: dict[str, list[torch.Tensor]] = {name: [] for name in layers}
    hooks = [modules[name].register_forward_hook(lambda _m, _i, out, name=name: store[name].append(pool(out).float().cpu()))
             for name in layers]
    try:
        model.eval()
        for batch in batches:
            images = batch[0] if isinstance(batch, (tuple, list)) else batch
            model(images.to(device))
    finally:
        for hook in hooks:
            hook.remove()
    return {name: torch.cat(outputs) for name, outputs in store.items()}


def pool_spatial(output: torch.Tensor) -> torch.Tensor:
    """Pool a layer output to ``(B, D)``: CNN maps ``(B, C, H, W)`` and ViT tokens ``(B, T, C)`` by their mean, else flatten."""
    if output.dim() == 4:
        return output.mean((2, 3))
    if output.dim() == 3:
        return output.mean(1)
    return output.flatten(1)


def load_imagenet_classifier(name: str) -> tuple[nn.Module, Callable]:
    """A supervised ImageNet-1k classifier and its preprocessing: ``resnet50`` is torchvision's, other names timm's."""
    return load_torchvision_resnet50() if name == "resnet50" else load_timm(name)
