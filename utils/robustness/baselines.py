"""ImageNet-only models' published ImageNetV2 / ImageNet-R accuracies: the points effective robustness is measured from."""
from __future__ import annotations

SOURCE = ("timm's results tables (github.com/huggingface/pytorch-image-models, results/"
          "results-imagenetv2-matched-frequency.csv and results/results-imagenet-r.csv, commit 0173a139), top-1 %")

# model: (ImageNetV2 matched-frequency top-1, ImageNet-R top-1); every model trained on ImageNet-1k only.
IMAGENET_ONLY: dict[str, tuple[float, float]] = {
    "vgg16.tv_in1k": (58.830, 27.877),
    "vgg19_bn.tv_in1k": (61.870, 33.240),
    "resnet18.tv_in1k": (57.170, 33.057),
    "resnet34.tv_in1k": (61.220, 36.070),
    "resnet50.tv_in1k": (63.330, 36.183),
    "resnet101.tv_in1k": (65.700, 39.293),
    "resnext50_32x4d.tv_in1k": (66.150, 37.727),
    "densenet121.tv_in1k": (62.940, 36.807),
    "densenet169.tv_in1k": (64.790, 39.170),
    "densenet201.tv_in1k": (65.270, 40.283),
    "inception_v3.tv_in1k": (66.120, 38.943),
    "efficientnet_b0.ra_in1k": (66.250, 36.593),
    "deit_tiny_patch16_224.fb_in1k": (59.800, 32.653),
    "vit_base_patch16_224.augreg_in1k": (66.480, 38.043),
}
