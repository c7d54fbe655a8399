"""Miniature stand-ins of the course's image datasets, in their released on-disk formats (tests only).

Random pixels, a few images per class, every class present; the folders and file formats are the
ones torchvision's STL10 / CIFAR loaders and medmnist read, under ``root`` = ``COURSE_DATA``.
"""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

STL10_CLASSES = ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR100_CLASSES = (
    "apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can "
    "castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin "
    "elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster "
    "man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck "
    "pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk "
    "skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television tiger "
    "tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm").split()
CIFAR100_COARSE = (
    "aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices "
    "household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes "
    "large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees "
    "vehicles_1 vehicles_2").split()
assert len(CIFAR100_CLASSES) == 100 and len(CIFAR100_COARSE) == 20


def _labels(num_classes: int, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """``per_class`` items of every class, shuffled."""
    return rng.permutation(np.repeat(np.arange(num_classes), per_class))


def write_stl10(root: Path, per_class: tuple[int, int] = (8, 3), unlabeled: int = 64, seed: int = 0) -> Path:
    """``root/stl10/stl10_binary``: ``{train,test}_{X,y}.bin``, ``unlabeled_X.bin``, class names and folds."""
    rng = np.random.default_rng(seed)
    folder = root / "stl10" / "stl10_binary"
    folder.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", per_class[0]), ("test", per_class[1])):
        y = _labels(10, n, rng)
        # column-major uint8 (N, 3, 96, 96) as released; labels 1..10 as uint8
        rng.integers(0, 256, (len(y), 3, 96, 96), dtype=np.uint8).tofile(folder / f"{split}_X.bin")
        (y + 1).astype(np.uint8).tofile(folder / f"{split}_y.bin")
    rng.integers(0, 256, (unlabeled, 3, 96, 96), dtype=np.uint8).tofile(folder / "unlabeled_X.bin")
    (folder / "class_names.txt").write_text("\n".join(STL10_CLASSES) + "\n")
    n_train = 10 * per_class[0]
    folds = [" ".join(str(i) for i in rng.permutation(n_train)[: n_train // 2]) for _ in range(10)]
    (folder / "fold_indices.txt").write_text("\n".join(folds) + "\n")
    return folder


def _pickle(path: Path, entry: dict) -> None:
    """Write one CIFAR python pickle (protocol 2, as the released files)."""
    with open(path, "wb") as handle:
        pickle.dump(entry, handle, protocol=2)


def write_cifar10(root: Path, per_class: tuple[int, int] = (4, 3), seed: int = 1) -> Path:
    """``root/cifar10/cifar-10-batches-py``: ``data_batch_1..5``, ``test_batch`` and ``batches.meta``."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar10" / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    batches = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in batches:
        y = _labels(10, per_class[1] if name == "test_batch" else per_class[0], rng)
        _pickle(folder / name, {"batch_label": f"{name} (stand-in)", "labels": y.tolist(),
                                "data": rng.integers(0, 256, (len(y), 3072), dtype=np.uint8),
                                "filenames": [f"standin_{i}.png" for i in range(len(y))]})
    _pickle(folder / "batches.meta", {"num_cases_per_batch": 10 * per_class[0], "label_names": CIFAR10_CLASSES,
                                      "num_vis": 3072})
    return folder


def write_cifar100(root: Path, per_class: tuple[int, int] = (2, 1), seed: int = 2) -> Path:
    """``root/cifar100/cifar-100-python``: ``train``, ``test`` and ``meta`` with fine and coarse labels."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar100" / "cifar-100-python"
    folder.mkdir(parents=True, exist_ok=True)
    for name, n in (("train", per_class[0]), ("test", per_class[1])):
        y = _labels(100, n, rng)
        _pickle(folder / name, {"filenames": [f"standin_{i}.png" for i in range(len(y))], "batch_label": name,
                                "fine_labels": y.tolist(), "coarse_labels": (y % 20).tolist(),
                                "data": rng.integers(0, 256, (len(y), 3072), dtype=np.uint8)})
    _pickle(folder / "meta", {"fine_label_names": CIFAR100_CLASSES, "coarse_label_names": CIFAR100_COARSE})
    return folder


def write_pathmnist(root: Path, per_class: tuple[int, int, int] = (6, 2, 3), seed: int = 3) -> Path:
    """``root/medmnist/pathmnist.npz`` with medmnist's keys: ``{split}_images`` (N, 28, 28, 3) and ``{split}_labels`` (N, 1)."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in zip(("train", "val", "test"), per_class):
        y = _labels(9, n, rng)
        arrays[f"{split}_images"] = rng.integers(0, 256, (len(y), 28, 28, 3), dtype=np.uint8)
        arrays[f"{split}_labels"] = y.reshape(-1, 1).astype(np.uint8)
    path = root / "medmnist" / "pathmnist.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path
