"""Data layer: real course datasets (local-first, clear errors offline) and offline smoke data.

One call signature serves both profiles: ``image_dataset("stl10", "train", transform)`` returns
STL10 in the ``full`` profile and scikit-learn's bundled handwritten digits, served at STL10's
size, channels and value range, in the ``smoke`` profile.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from .profiles import get_profile, is_dry_run

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV_VAR = "COURSE_DATA"


def data_root() -> Path:
    """Return the data folder: ``$COURSE_DATA`` if set, else ``<repo>/data`` (created if missing)."""
    root = Path(os.environ.get(DATA_ENV_VAR) or REPO_ROOT / "data").expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


class DatasetUnavailableError(RuntimeError):
    """A dataset or weight file is neither on disk nor downloadable; the message says how to fix it."""


def unavailable_message(dataset: str, url: str, folder: Path | str, cause: str, expected: str = "") -> str:
    """Compose the one error message every failed download raises: what, where from, where to, how to fix."""
    expected_line = f"\n  Expected: {expected}" if expected else ""
    return (
        f"Could not get the dataset/weights '{dataset}'.\n"
        f"  URL:      {url}\n"
        f"  Folder:   {folder}  (looked here first; nothing usable was there){expected_line}\n"
        f"  Cause:    {cause}\n"
        "How to fix it (any one):\n"
        f"  1. download it from the URL yourself and place it in {folder}\n"
        f"  2. set {DATA_ENV_VAR}=/path/to/a/folder/that/already/holds/it\n"
        "  3. run offline with COURSE_PROFILE=smoke (small bundled data, CPU, minutes)"
    )


@contextlib.contextmanager
def fetching(dataset: str, url: str, folder: Path | str, expected: str = "") -> Iterator[None]:
    """Turn any exception raised while downloading into one clear :class:`DatasetUnavailableError`."""
    try:
        yield
    except DatasetUnavailableError:
        raise
    except Exception as err:  # URLError, HTTPError, OSError, checksum RuntimeError, hub errors...
        cause = f"{type(err).__name__}: {err}".strip()
        raise DatasetUnavailableError(unavailable_message(dataset, url, folder, cause, expected)) from None


def sha256sum(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(url: str, dest: Path | str, *, dataset: str, sha256: str | None = None) -> Path:
    """Return ``dest``, downloading ``url`` there first if missing; verify ``sha256`` when given."""
    dest = Path(dest)
    if dest.exists() and (sha256 is None or sha256sum(dest) == sha256):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    expected = f"{dest.name}" + (f" (sha256 {sha256})" if sha256 else "")
    with fetching(dataset, url, dest.parent, expected):
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
                shutil.copyfileobj(response, out)
            if sha256 is not None and (actual := sha256sum(tmp)) != sha256:
                raise RuntimeError(f"checksum mismatch: expected sha256 {sha256}, got {actual}")
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    return dest


# --------------------------------------------------------------------------------------------
# Offline smoke images: scikit-learn's bundled handwritten digits (1,797 real 8x8 images)
# --------------------------------------------------------------------------------------------
DIGIT_NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_DIGIT_SPLITS = ("train", "val", "test", "unlabeled")


def digits_split_indices(split: str, seed: int = 0) -> np.ndarray:
    """Fixed, stratified indices of a digits split: test 25 %, val 10 %, train 65 %; unlabeled = train+val."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if split not in _DIGIT_SPLITS:
        raise ValueError(f"unknown digits split {split!r}; choose from {_DIGIT_SPLITS}")
    y = load_digits().target
    idx = np.arange(len(y))
    rest, test = train_test_split(idx, test_size=0.25, stratify=y, random_state=seed)
    train, val = train_test_split(rest, test_size=0.10 / 0.75, stratify=y[rest], random_state=seed)
    return {"train": np.sort(train), "val": np.sort(val), "test": np.sort(test),
            "unlabeled": np.sort(rest)}[split]


class DigitsImages(Dataset):
    """Handwritten digits as PIL images of a chosen size and channel count; labels -1 for ``unlabeled``."""

    classes = DIGIT_NAMES

    def __init__(self, split: str = "train", size: int = 32, channels: int = 3,
                 transform: Callable | None = None, target_transform: Callable | None = None) -> None:
        from sklearn.datasets import load_digits

        digits = load_digits()
        self.indices = digits_split_indices(split)
        self.split, self.size, self.channels = split, size, channels
        self.transform, self.target_transform = transform, target_transform
        raw = (digits.images[self.indices] / 16.0 * 255.0).round().astype(np.uint8)  # (N, 8, 8) in [0, 255]
        mode = "RGB" if channels == 3 else "L"
        self.images = [Image.fromarray(img, mode="L").resize((size, size), Image.BILINEAR).convert(mode)
                       for img in raw]
        labels = digits.target[self.indices].astype(np.int64)
        self.targets = np.full_like(labels, -1) if split == "unlabeled" else labels

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[Any, int]:
        img, label = self.images[i], int(self.targets[i])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return img, label


# --------------------------------------------------------------------------------------------
# Real image datasets
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageSpec:
    """What an image dataset looks like: native size, channels, classes, splits and source URL."""

    size: int
    channels: int
    num_classes: int
    splits: tuple[str, ...]
    url: str


IMAGE_DATASETS: dict[str, ImageSpec] = {
    "stl10": ImageSpec(96, 3, 10, ("train", "test", "unlabeled"),
                       "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"),
    "cifar10": ImageSpec(32, 3, 10, ("train", "test"),
                         "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),
    "cifar100": ImageSpec(32, 3, 100, ("train", "test"),
                          "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"),
    "pathmnist": ImageSpec(28, 3, 9, ("train", "val", "test"),
                           "https://zenodo.org/records/10519652/files/pathmnist.npz?download=1"),
}


class _IntTarget:
    """Target transform that turns medmnist's ``array([k])`` labels into plain ints."""

    def __call__(self, target: Any) -> int:
        return int(np.asarray(target).reshape(-1)[0])


def _real_image_dataset(name: str, split: str, transform: Callable | None) -> Dataset:
    """Load one real dataset from ``data_root()``, downloading only when it is not there yet."""
    import torchvision.datasets as tvd

    spec, root = IMAGE_DATASETS[name], data_root()
    if name == "stl10":
        folder = root / "stl10"
        make = lambda download: tvd.STL10(str(folder), split=split, transform=transform, download=download)  # noqa: E731
        expected = "stl10_binary.tar.gz (2.6 GB, md5 91f7769df0f17e558f3565bffb0c7dfb) or its extracted stl10_binary/"
    elif name in ("cifar10", "cifar100"):
        folder = root / name
        cls = tvd.CIFAR10 if name == "cifar10" else tvd.CIFAR100
        make = lambda download: cls(str(folder), train=split == "train", transform=transform, download=download)  # noqa: E731
        expected = f"{spec.url.rsplit('/', 1)[-1]} or its extracted folder"
    else:
        import medmnist

        folder = root / "medmnist"
        folder.mkdir(parents=True, exist_ok=True)
        make = lambda download: medmnist.PathMNIST(split=split, transform=transform, target_transform=_IntTarget(),  # noqa: E731
                                                   download=download, root=str(folder), size=28)
        expected = f"pathmnist.npz (md5 {medmnist.INFO['pathmnist']['MD5']})"
    try:
        ds = make(False)  # local first: no network when the files are already there
    except (RuntimeError, FileNotFoundError, OSError):
        with fetching(name.upper(), spec.url, folder, expected):
            ds = make(True)
    if name == "pathmnist":
        ds.targets = np.asarray(ds.labels).reshape(-1).astype(np.int64)
        ds.classes = [ds.info["label"][str(i)] for i in range(spec.num_classes)]
    elif name == "stl10":
        ds.targets = np.asarray(ds.labels).astype(np.int64)
    return ds


def dry_run_items() -> int:
    """Items per split a dry run keeps: 1,024 with a CUDA GPU (real batch sizes fit), 128 without."""
    return 1024 if torch.cuda.is_available() else 128


def stratified_head(labels: Sequence[int], n: int) -> np.ndarray:
    """Indices of ``n`` items taken round-robin over the classes (every class present), in dataset order."""
    labels = np.asarray(labels).reshape(-1)
    order = np.argsort(labels, kind="stable")
    rank = np.empty(len(labels), dtype=np.int64)
    starts = np.searchsorted(labels[order], labels[order], side="left")
    rank[order] = np.arange(len(labels)) - starts  # position of each item within its class
    keep = np.lexsort((labels, rank))[:n]  # all first items of every class, then all second items, ...
    return np.sort(keep)


class DryRunSubset(Dataset):
    """A slice of a real dataset for a dry run; keeps ``targets`` and ``classes`` and forwards other attributes."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, np.asarray(indices, dtype=np.int64)
        self.targets = np.asarray(dataset.targets)[self.indices]
        self.classes = getattr(dataset, "classes", None)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> Any:
        return self.dataset[int(self.indices[i])]

    @property
    def transform(self) -> Callable | None:
        """The wrapped dataset's transform (setting it changes the wrapped dataset's)."""
        return self.dataset.transform

    @transform.setter
    def transform(self, value: Callable | None) -> None:
        self.dataset.transform = value

    def __getattr__(self, name: str) -> Any:
        if name == "dataset":  # not set yet (e.g. while unpickling in a DataLoader worker)
            raise AttributeError(name)
        return getattr(self.dataset, name)


def image_dataset(name: str, split: str, transform: Callable | None = None, *,
                  size: int | None = None, profile: str | None = None) -> Dataset:
    """Return dataset ``name`` (stl10, cifar10, cifar100, pathmnist) split ``split`` for the active profile.

    ``full`` gives the real dataset, ``smoke`` the offline digits served at the same size, channel
    count and [0, 255] PIL value range. ``size`` resizes the images (default: the dataset's own size).
    Items are ``(PIL image or transform(image), int label)``; every dataset has ``targets`` and ``classes``.
    """
    name = name.lower()
    if name not in IMAGE_DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose from {sorted(IMAGE_DATASETS)}")
    spec = IMAGE_DATASETS[name]
    if split not in spec.splits:
        raise ValueError(f"{name} has no split {split!r}; splits are {spec.splits}")
    profile = profile or get_profile()
    if profile == "smoke":
        return DigitsImages(split, size=size or spec.size, channels=spec.channels, transform=transform)
    if size is not None and size != spec.size:
        import torchvision.transforms as T

        resize = T.Resize(size, interpolation=T.InterpolationMode.BICUBIC, antialias=True)
        transform = T.Compose([resize, transform]) if transform is not None else resize
    ds = _real_image_dataset(name, split, transform)
    if is_dry_run():  # the real files, a slice of them: every class present
        ds = DryRunSubset(ds, stratified_head(ds.targets, dry_run_items()))
    return ds


def default_num_workers() -> int:
    """Number of DataLoader workers: 0 on the CPU (no fork overhead for tiny data), else up to 4."""
    return min(4, os.cpu_count() or 1) if torch.cuda.is_available() else 0


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool = False, drop_last: bool = False,
                num_workers: int | None = None, **kwargs: Any) -> DataLoader:
    """A DataLoader with the course's defaults (workers and pinned memory only on a GPU machine)."""
    num_workers = default_num_workers() if num_workers is None else num_workers
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      num_workers=num_workers, pin_memory=torch.cuda.is_available(),
                      persistent_workers=num_workers > 0, **kwargs)


def dataset_to_tensors(dataset: Dataset, batch_size: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack a whole (transformed) dataset into ``(images, labels)`` tensors; handy for small data."""
    xs, ys = [], []
    for x, y in make_loader(dataset, batch_size=batch_size):
        xs.append(x)
        ys.append(torch.as_tensor(y))
    return torch.cat(xs), torch.cat(ys)


class SeededImageWrapper(Dataset):
    """Base of datasets that change each image of a wrapped dataset in a way fixed by ``seed`` and the index."""

    def __init__(self, dataset: Dataset, seed: int) -> None:
        self.dataset, self.seed = dataset, seed
        self.targets = getattr(dataset, "targets", None)
        self.classes = getattr(dataset, "classes", None)

    def __len__(self) -> int:
        """Number of items of the wrapped dataset."""
        return len(self.dataset)

    def generator(self, i: int) -> torch.Generator:
        """The random generator of item ``i``: the same every time the item is read."""
        return torch.Generator().manual_seed(self.seed * 1_000_003 + int(i))


class ClutteredImages(SeededImageWrapper):
    """Each image shrunk to ``object_size`` px and pasted at a random spot over a smooth random background.

    Both the background and the position are fixed per item (drawn from ``seed`` and the index), so the
    dataset is deterministic. The smoke profile of week 2 uses it to make the digits a harder
    recognition problem: the background has no canonical orientation, the object does.
    """

    def __init__(self, dataset: Dataset, seed: int, object_size: int = 24, clutter: float = 0.6,
                 grid: int = 6) -> None:
        super().__init__(dataset, seed)
        self.object_size, self.clutter, self.grid = object_size, clutter, grid

    def __getitem__(self, i: int) -> tuple[torch.Tensor, Any]:
        """``(cluttered image tensor (C, S, S) in [0, 1], label)``; the wrapped dataset must return tensors."""
        image, label = self.dataset[i]
        gen = self.generator(i)
        channels, size = image.shape[0], image.shape[-1]
        noise = torch.rand(1, channels, self.grid, self.grid, generator=gen)
        background = F.interpolate(noise, size=(size, size), mode="bicubic", align_corners=False)[0]
        out = background.clamp(0, 1) * self.clutter
        small = F.interpolate(image[None], size=(self.object_size,) * 2, mode="bilinear", align_corners=False,
                              antialias=True)[0]
        r, c = torch.randint(0, size - self.object_size + 1, (2,), generator=gen).tolist()
        window = out[:, r:r + self.object_size, c:c + self.object_size]
        out[:, r:r + self.object_size, c:c + self.object_size] = torch.maximum(window, small)
        return out, label


class NoisyImages(SeededImageWrapper):
    """Each image plus Gaussian pixel noise of standard deviation ``std``, clipped to [0, 1], fixed per item.

    The noise is drawn from ``seed`` and the index, so the dataset is deterministic. The smoke
    profile of week 1 uses it: a random projection keeps noise and signal alike, an autoencoder's
    bottleneck keeps what recurs across images, so clean digits (where both are near the ceiling)
    become a problem on which the learned code has to earn its advantage.
    """

    def __init__(self, dataset: Dataset, seed: int, std: float = 0.3) -> None:
        super().__init__(dataset, seed)
        self.std = std

    def __getitem__(self, i: int) -> tuple[torch.Tensor, Any]:
        """``(noisy image tensor in [0, 1], label)``; the wrapped dataset must return tensors in [0, 1]."""
        image, label = self.dataset[i]
        gen = self.generator(i)
        noise = torch.randn(image.shape, generator=gen)
        return (image + self.std * noise).clamp(0, 1), label


def class_names(dataset: Dataset) -> Sequence[str]:
    """Human-readable class names of a dataset (falls back to the class indices)."""
    names = getattr(dataset, "classes", None)
    if names is None:
        targets = np.asarray(getattr(dataset, "targets", []))
        names = [str(c) for c in sorted(set(targets.tolist()) - {-1})]
    return list(names)


def load_hf_dataset(hub_id: str, split: str, *, name: str | None = None, config: str | None = None) -> Any:
    """Load a Hugging Face dataset split into ``data_root()/hf``, with the course's clear offline error."""
    import datasets

    cache = data_root() / "hf"
    url = f"https://huggingface.co/datasets/{hub_id}"
    with fetching(name or hub_id, url, cache, f"the Hugging Face cache of {hub_id} ({split} split)"):
        data = datasets.load_dataset(hub_id, config, split=split, cache_dir=str(cache))
    if is_dry_run() and "label" in data.column_names:  # a slice, every label present
        data = data.select(stratified_head(data["label"], dry_run_items()).tolist())
    elif is_dry_run():
        data = data.select(range(min(len(data), dry_run_items())))
    return data
