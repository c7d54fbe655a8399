"""Small models that several weeks share (each one's docstring says where it is introduced)."""
from __future__ import annotations

import torch
from torch import nn


class SmallConvNet(nn.Module):
    """Three conv-BN-ReLU stages (width, 2 width, 4 width channels, two max-pools), global average pooling, linear ``fc``.

    The smoke profile's small CNN: week 5's MoCo encoder (introduced there) and week 6's teacher.

    Shape: images ``(B, 3, H, W)`` -> outputs ``(B, num_classes)``; ``features(x)`` is ``(B, 4 * width)``.
    """

    def __init__(self, num_classes: int = 128, width: int = 16) -> None:
        super().__init__()

        def stage(c_in: int, c_out: int) -> nn.Sequential:
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                                 nn.ReLU(inplace=True))

        self.features = nn.Sequential(stage(3, width), nn.MaxPool2d(2), stage(width, 2 * width), nn.MaxPool2d(2),
                                      stage(2 * width, 4 * width), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(4 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores or embeddings ``(B, num_classes)`` of images ``(B, 3, H, W)``."""
        return self.fc(self.features(x))
