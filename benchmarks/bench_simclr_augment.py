"""Throughput of week04's SimCLR view pipeline: kornia on whole batches vs torchvision per image in PIL.

    python benchmarks/bench_simclr_augment.py [--images 2048] [--batch-size 256] [--workers 2]

Both pipelines make two 64x64 views of the same uint8 96x96 images (the digits, served at STL10's
size) with the course's augmentations: resized crop (scale 0.1-1), flip, colour jitter (p=0.8),
Gaussian blur (p=0.5), normalisation. The batched pipeline is the notebook's own ``Augment`` class
(executed from ``week04_simclr/week04_simclr.ipynb``, so the benchmark always times the code the
course runs); the reference is torchvision's classic PIL recipe in a DataLoader with 2 workers.
Prints images/s (one image = two views) and the ratio; on a machine with a CUDA GPU it also times
the batched pipeline on the GPU, which is where the ``full`` profile runs it.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import types
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision.transforms as T
from torch import nn
from torch.utils.data import DataLoader, Dataset

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
NOTEBOOK = REPO_ROOT / "week04_simclr" / "week04_simclr.ipynb"
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def load_augment_class() -> type:
    """Execute the notebook cell that defines ``Augment`` and return the class."""
    import kornia.augmentation as K

    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = next("".join(c["source"]) for c in cells if c["cell_type"] == "code" and "class Augment(" in "".join(c["source"]))
    namespace = {"torch": torch, "nn": nn, "F": F, "K": K, "math": math,
                 "cfg": types.SimpleNamespace(img_size=64), "DEVICE": torch.device("cpu")}
    exec(compile(source, f"{NOTEBOOK.name}:Augment", "exec"), namespace)  # noqa: S102 - our own notebook
    return namespace["Augment"]


def pil_pipeline(img_size: int) -> T.Compose:
    """torchvision's per-image PIL version of the same augmentations."""
    return T.Compose([
        T.RandomResizedCrop(img_size, scale=(0.1, 1.0)),
        T.RandomHorizontalFlip(p=0.5),
        T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8),
        T.RandomApply([T.GaussianBlur(3, sigma=(0.1, 2.0))], p=0.5),
        T.ToTensor(),
        T.Normalize(MEAN, STD),
    ])


class TwoViews(Dataset):
    """PIL images -> two independently augmented views per item."""

    def __init__(self, images: list, transform: T.Compose) -> None:
        self.images, self.transform = images, transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        img = self.images[i]
        return self.transform(img), self.transform(img)


def time_pil(images: list, batch_size: int, workers: int, img_size: int) -> float:
    """Images/s of the PIL pipeline through a DataLoader (worker start-up excluded by a warm-up pass)."""
    loader = DataLoader(TwoViews(images, pil_pipeline(img_size)), batch_size=batch_size, shuffle=True,
                        num_workers=workers, persistent_workers=workers > 0)
    for _ in loader:  # warm-up: starts the workers
        pass
    start = time.perf_counter()
    n = sum(len(v1) for v1, _ in loader)
    return n / (time.perf_counter() - start)


def time_batched(augment: nn.Module, data: torch.Tensor, batch_size: int, device: torch.device) -> float:
    """Images/s of the batched pipeline on uint8 tensors already on ``device``."""
    augment, data = augment.to(device), data.to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(2):  # warm-up (kernel selection, allocator)
        augment(data[:batch_size])
    sync()
    start = time.perf_counter()
    order = torch.randperm(len(data), device=device)
    for b in range(0, len(data), batch_size):
        v1, v2 = augment(data[order[b:b + batch_size]])
    sync()
    return len(data) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", type=int, default=96, help="stored image size (STL10: 96)")
    parser.add_argument("--img-size", type=int, default=64, help="view size (course: 64)")
    args = parser.parse_args()

    import utils

    digits = utils.DigitsImages("unlabeled", size=args.size, channels=3)
    pil_images = [digits.images[i % len(digits)] for i in range(args.images)]
    data = torch.stack([T.functional.pil_to_tensor(img) for img in pil_images])  # same images, uint8
    augment = load_augment_class()(args.img_size)
    threads = torch.get_num_threads()
    print(f"{args.images} images {args.size}x{args.size} -> two {args.img_size}x{args.img_size} views each; "
          f"batch {args.batch_size}; CPU threads {threads}")

    torch.manual_seed(0)
    pil = time_pil(pil_images, args.batch_size, args.workers, args.img_size)
    print(f"torchvision per-image PIL, DataLoader({args.workers} workers): {pil:8.0f} images/s")
    cpu = time_batched(augment, data, args.batch_size, torch.device("cpu"))
    print(f"kornia batched (notebook's Augment), CPU, {threads} threads: {cpu:8.0f} images/s  "
          f"(x{cpu / pil:.2f} vs PIL)")
    if torch.cuda.is_available():
        gpu = time_batched(augment, data, args.batch_size, torch.device("cuda"))
        print(f"kornia batched (notebook's Augment), GPU {torch.cuda.get_device_name(0)}: {gpu:8.0f} images/s  "
              f"(x{gpu / pil:.2f} vs PIL on the CPU)")
    else:
        print("No CUDA GPU here: the GPU row (where the full profile makes its views) was not measured.")
    print("Goal: the batched pipeline >= 2x the PIL pipeline. Timings on a shared machine are noisy; "
          "rerun on an idle one before quoting them.")


if __name__ == "__main__":
    main()
