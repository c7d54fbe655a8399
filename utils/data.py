"""Data layer: real course datasets (local-first, clear errors offline) and offline smoke data.

One call signature serves both profiles: ``image_dataset("stl10", "train", transform)`` returns
STL10 in the ``full`` profile and scikit-learn's bundled handwritten digits, served at STL10's
size, channels and value range, in the ``smoke`` profile. The generated smoke data (cluttered and
noisy views, procedural textures) lives in :mod:`utils.generators`.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from .generators import TextureImages
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
    cause = next((line.strip() for line in cause.splitlines() if line.strip()), "unknown")  # one line
    cause = cause if len(cause) <= 200 else cause[:197] + "..."
    try:  # where the files must sit under another data folder
        inside = f", as ${DATA_ENV_VAR}/{Path(folder).resolve().relative_to(data_root()).as_posix()}/"
    except ValueError:
        inside = ""
    return (
        f"Could not get the dataset/weights '{dataset}'.\n"
        f"  URL:      {url}\n"
        f"  Folder:   {folder}  (looked here first; nothing usable was there){expected_line}\n"
        f"  Cause:    {cause}\n"
        "How to fix it (any one):\n"
        f"  1. download it from the URL yourself and place it in {folder}\n"
        f"  2. set {DATA_ENV_VAR} to a data folder that already holds it{inside}\n"
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


def file_digests(path: Path | str, algorithms: Sequence[str] = ("sha256",), chunk_size: int = 1 << 20) -> dict[str, str]:
    """Hex digests of a file under each ``hashlib`` algorithm (e.g. ``("md5", "sha256")``), read once in chunks."""
    digests = {name: hashlib.new(name) for name in algorithms}
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            for digest in digests.values():
                digest.update(chunk)
    return {name: digest.hexdigest() for name, digest in digests.items()}


def sha256sum(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    return file_digests(path, ("sha256",), chunk_size)["sha256"]


def _fetch_to(url: str, part: Path, timeout: float = 60.0) -> None:
    """Append ``url``'s bytes to ``part``, asking for the rest (HTTP Range) when ``part`` already holds some."""
    from tqdm.auto import tqdm

    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        resumed = have and response.status == 206  # 200: the server ignores ranges, start over
        have = have if resumed else 0
        total = response.headers.get("Content-Length")
        total = int(total) + have if total is not None else None
        with open(part, "ab" if resumed else "wb") as out, tqdm(
                total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
                desc=f"{part.name[:-len('.part')]}" + (" (resumed)" if resumed else ""), leave=False) as bar:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                bar.update(len(chunk))
        if total is not None and part.stat().st_size != total:
            raise OSError(f"transfer ended early: {part.stat().st_size} of {total} bytes")


def download_file(url: str, dest: Path | str, *, dataset: str, sha256: str | None = None, attempts: int = 3) -> Path:
    """Return ``dest``, downloading ``url`` first if missing (progress bar, resumes a partial ``.part``, checks ``sha256``)."""
    dest = Path(dest)
    if dest.exists() and (sha256 is None or sha256sum(dest) == sha256):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")  # never looks complete; a later call resumes it
    expected = f"{dest.name}" + (f" (sha256 {sha256})" if sha256 else "")
    with fetching(dataset, url, dest.parent, expected):
        for attempt in range(1, attempts + 1):
            try:
                _fetch_to(url, part)
                break
            except (OSError, http.client.HTTPException) as err:  # URLError is an OSError  # dropped connection, timeout: resume, then give up
                if attempt == attempts or isinstance(err, urllib.error.HTTPError):
                    raise
        if sha256 is not None and (actual := sha256sum(part)) != sha256:
            part.unlink()
            raise RuntimeError(f"checksum mismatch: expected sha256 {sha256}, got {actual} (the download was removed)")
        os.replace(part, dest)
    return dest


# --------------------------------------------------------------------------------------------
# Offline smoke images: scikit-learn's bundled handwritten digits (1,797 real 8x8 images)
# --------------------------------------------------------------------------------------------
# ImageNet channel statistics that torchvision's pretrained models expect (first used in week 4; weeks 4-6 use them).
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
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


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, e.g. a container's or a job's share), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity masks
        return os.cpu_count() or 1


def default_num_workers() -> int:
    """DataLoader workers: one per usable CPU up to 8 on a GPU machine (Colab: 2), none on a CPU-only one."""
    return min(8, available_cpus()) if torch.cuda.is_available() else 0


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool = False, drop_last: bool = False,
                num_workers: int | None = None, **kwargs: Any) -> DataLoader:
    """A DataLoader with the course's defaults (workers and pinned memory only on a GPU machine)."""
    num_workers = default_num_workers() if num_workers is None else num_workers
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                      num_workers=num_workers, pin_memory=torch.cuda.is_available(),
                      persistent_workers=num_workers > 0, **kwargs)


def to_unit_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 images in [0, 255] -> float32 in [0, 1]; float images pass through as float32 (taught in week 4)."""
    return images.float().div(255) if images.dtype == torch.uint8 else images.float()


def normalize_images(images: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """(B, C, H, W) uint8 or [0, 1] images -> float32 standardised per channel, on their device (taught in week 4)."""
    x = to_unit_float(images)
    mean_t = torch.as_tensor(mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    std_t = torch.as_tensor(std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    return (x - mean_t) / std_t


class TensorBatches:
    """Mini-batches sliced from in-memory tensors on their own device (no DataLoader, no copies); introduced in week 4.

    Yields a tensor, or a tuple of tensors when several are given; ``shuffle`` draws one ``torch.randperm`` per epoch.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = False, drop_last: bool = False) -> None:
        self.tensors, self.batch_size = tensors, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last

    def __len__(self) -> int:
        """Batches per epoch."""
        n = len(self.tensors[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[torch.Tensor | tuple[torch.Tensor, ...]]:
        """One epoch of batches (a new order each epoch when ``shuffle``)."""
        n, device = len(self.tensors[0]), self.tensors[0].device
        order = torch.randperm(n, device=device) if self.shuffle else torch.arange(n, device=device)
        for b in range(len(self)):
            idx = order[b * self.batch_size:(b + 1) * self.batch_size]
            batch = tuple(t[idx] for t in self.tensors)
            yield batch[0] if len(batch) == 1 else batch


def dataset_to_tensors(dataset: Dataset, batch_size: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack a whole (transformed) dataset into ``(images, labels)`` CPU tensors, filled in place (no second copy).

    The output is allocated once from the first batch's shape and dtype, then filled batch by batch
    (workers on a GPU machine, no pinned memory): peak memory is the dataset's own storage plus one
    copy of the result, not a list of batches and their concatenation (STL10 unlabeled: 2.8 GB each).
    """
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=default_num_workers())
    images: torch.Tensor | None = None
    labels: torch.Tensor | None = None
    start = 0
    for x, y in loader:
        y = torch.as_tensor(y)
        if images is None or labels is None:
            images = torch.empty((len(dataset), *x.shape[1:]), dtype=x.dtype)
            labels = torch.empty(len(dataset), dtype=y.dtype)
        images[start:start + len(x)], labels[start:start + len(x)] = x, y
        start += len(x)
    if images is None or labels is None or start != len(dataset):
        raise ValueError(f"the dataset yielded {start} items, its length is {len(dataset)}")
    return images, labels


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



def tissue_dataset(split: str, transform: Callable | None = None, *, profile: str | None = None) -> Dataset:
    """PathMNIST split ``split`` in the ``full`` profile, the procedural :class:`TextureImages` in ``smoke``."""
    if (profile or get_profile()) == "smoke":
        return TextureImages(split, transform=transform)
    return image_dataset("pathmnist", split, transform, profile=profile)
