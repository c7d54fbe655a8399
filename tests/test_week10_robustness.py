"""Unit tests of week 10's data and helpers (``utils.robustness``): stimuli, cue-conflict and webdataset readers,
the stored baseline, model cost, layer features, offline errors."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import utils
from utils import robustness
from tests.standins import week10 as standins

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "week10_scaling_robustness" / "week10_scaling_robustness.ipynb"


def test_render_images_is_seeded_in_range_and_handles_no_images():
    shapes, textures = torch.tensor([0, 1, 2, 3]), torch.tensor([3, 2, 1, 0])
    a, b = robustness.render_images(shapes, textures, seed=5), robustness.render_images(shapes, textures, seed=5)
    assert a.shape == (4, 3, 32, 32) and a.dtype == torch.float32 and 0 <= a.min() and a.max() <= 1
    assert torch.equal(a, b) and not torch.equal(a, robustness.render_images(shapes, textures, seed=6))
    assert robustness.render_images(torch.tensor([]), torch.tensor([]), seed=0).shape == (0, 3, 32, 32)


def test_shapes_and_textures_differ_by_class():
    rng = np.random.default_rng(0)
    masks = [robustness.shape_mask(k, rng, 32) for k in range(4)]
    areas = [m.mean() for m in masks]
    assert all(0.05 < a < 0.6 for a in areas) and len({round(a, 2) for a in areas}) == 4
    fields = [robustness.texture_field(k, np.random.default_rng(1), 32) for k in range(4)]
    horizontal, vertical = fields[0], fields[1]
    assert np.allclose(horizontal, horizontal[:, :1]) and np.allclose(vertical, vertical[:1, :])  # constant along rows / columns
    assert all(set(np.unique(f)) <= {0.0, 1.0} for f in fields)


def test_balanced_labels_are_balanced_and_shuffled():
    labels = robustness.balanced_labels(402, 4, torch.Generator().manual_seed(0))
    counts = torch.bincount(labels, minlength=4)
    assert counts.max() - counts.min() <= 1 and not torch.equal(labels, torch.arange(402) % 4)


def test_category_indices_are_disjoint_imagenet_classes():
    indices = [i for c in robustness.CATEGORIES for i in robustness.IMAGENET_INDICES[c]]
    assert len(robustness.CATEGORIES) == 16 and sorted(robustness.IMAGENET_INDICES) == list(robustness.CATEGORIES)
    assert len(indices) == len(set(indices)) and all(0 <= i < 1000 for i in indices)
    assert len(robustness.IMAGENET_INDICES["dog"]) == 109 and robustness.IMAGENET_INDICES["knife"] == (499,)
    probs = torch.zeros(2, 1000)
    probs[0, 404], probs[1, list(robustness.IMAGENET_INDICES["cat"])] = 1.0, 1.0
    scores = robustness.imagenet_to_categories(probs)
    assert scores.shape == (2, 16) and scores.argmax(1).tolist() == [robustness.CATEGORIES.index("airplane"),
                                                                      robustness.CATEGORIES.index("cat")]


def test_cue_conflict_folder_is_read_with_both_labels(tmp_path):
    folder = standins.write_cue_conflict(tmp_path)
    data = robustness.CueConflictImages(folder, transform=lambda img: torch.tensor(img.size))
    assert len(data) == 32 and data[0][0].tolist() == [56, 56]
    assert (data.shape_labels != data.texture_labels).sum() == 16 and set(data.shape_labels) == set(range(16))
    (folder / "cat" / "not-a-stimulus.png").write_bytes(b"")
    with pytest.raises(ValueError, match="cue-conflict file name"):
        robustness.CueConflictImages(folder)


def test_webdataset_shards_read_samples_classes_and_templates(tmp_path, monkeypatch):
    folder = standins.write_wds(tmp_path, "wds_toy", ["cat", "dog", "fox"], ["a photo of a {c}.", "art of a {c}."],
                                shards=2)
    data = robustness.WebDatasetShards(folder, transform=lambda img: img.size)
    assert len(data) == 3 and data.classes == ["cat", "dog", "fox"] and len(data.templates) == 2
    assert sorted(int(t) for t in data.targets) == [0, 1, 2] and data[1][0] == (40, 40)
    assert robustness.wds_folder("wds_toy", root=tmp_path) == folder  # present: nothing is fetched
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    monkeypatch.setattr(robustness.webdata, "dry_run_items", lambda: 2)
    assert len(robustness.WebDatasetShards(folder)) == 2


def test_imagenet_r_indices_follow_imagenet_r_label_order():
    from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES

    indices = robustness.imagenet_r_indices()
    assert len(indices) == len(set(indices)) == 200 and indices == sorted(indices)
    assert [IMAGENET_CLASSNAMES[i] for i in indices[:3]] == ["goldfish", "great white shark", "hammerhead shark"]


def test_baseline_points_are_imagenet_only_and_cited():
    assert len(robustness.IMAGENET_ONLY) >= 10 and "timm" in robustness.BASELINE_SOURCE
    for name, (v2, rendition) in robustness.IMAGENET_ONLY.items():
        assert 50 < v2 < 80 and 20 < rendition < v2, name
        assert "in21k" not in name and "in22k" not in name and "clip" not in name, name


def test_cifar_templates_and_dry_run_cut(monkeypatch):
    assert len(set(robustness.CIFAR_TEMPLATES)) == 18 and all("{c}" in t for t in robustness.CIFAR_TEMPLATES)
    assert robustness.templates_for_run(robustness.CIFAR_TEMPLATES) == list(robustness.CIFAR_TEMPLATES)
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    assert robustness.templates_for_run(robustness.CIFAR_TEMPLATES) == ["a photo of a {c}."]


def test_gmacs_counts_multiply_accumulates():
    assert robustness.gmacs(nn.Linear(10, 20, bias=False), torch.zeros(1, 10)) == pytest.approx(200 / 1e9)
    conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)
    assert robustness.gmacs(conv, torch.zeros(2, 3, 16, 16)) == pytest.approx(16 * 16 * 8 * 27 / 1e9)  # per image


def test_layer_features_pools_each_named_layer_and_removes_its_hooks():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(5))
    net(torch.zeros(1, 3, 8, 8))
    batches = [torch.randn(3, 3, 8, 8), (torch.randn(2, 3, 8, 8), torch.zeros(2))]
    feats = robustness.layer_features(net, ["1", "3"], batches, torch.device("cpu"), robustness.pool_spatial)
    assert feats["1"].shape == (5, 4) and feats["3"].shape == (5, 5)
    assert all(not m._forward_hooks for m in net.modules())
    with pytest.raises(KeyError, match="no sub-module"):
        robustness.layer_features(net, ["nope"], batches, torch.device("cpu"), robustness.pool_spatial)
    assert robustness.pool_spatial(torch.ones(2, 7, 5)).shape == (2, 5)


def test_offline_downloads_raise_the_course_error(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(utils.DatasetUnavailableError, match="wds_imagenetv2"):
        robustness.wds_folder("wds_imagenetv2")
    monkeypatch.setattr(utils.data, "_fetch_to", lambda url, part, timeout=60.0: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(utils.DatasetUnavailableError, match="cue-conflict"):
        robustness.cue_conflict_folder()
    with pytest.raises(utils.DatasetUnavailableError, match="RN50"):
        robustness.load_open_clip("RN50-quickgelu", "yfcc15m")


@pytest.mark.filterwarnings("ignore:for .* copying from a non-meta parameter")
def test_open_clip_models_are_built_on_the_requested_device(tmp_path, monkeypatch):
    # open_clip moves the model to the device before it reads the checkpoint: one host copy of ViT-H-14, not two
    from tests.standins.weights import write_open_clip

    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    write_open_clip(tmp_path, "RN50-quickgelu", "yfcc15m")
    net, preprocess, tokenizer = robustness.load_open_clip("RN50-quickgelu", "yfcc15m", torch.device("meta"))
    assert {p.device.type for p in net.parameters()} == {"meta"} and not net.training
    net, _, _ = robustness.load_open_clip("RN50-quickgelu", "yfcc15m")  # the default stays the CPU
    assert {p.device.type for p in net.parameters()} == {"cpu"}
    assert tokenizer(["a photo of a cat"]).shape == (1, 77) and callable(preprocess)


def test_every_course_checkpoint_is_a_known_open_clip_tag():
    import open_clip

    import nbformat

    config = next(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if "utils.make_config(" in c.source)
    pairs = re.findall(r'\("([\w-]+)", "([\w]+)"\)', config)
    assert len(pairs) == 8, pairs  # four scaling models, four robustness models
    for model, tag in pairs:
        assert open_clip.get_pretrained_cfg(model, tag), (model, tag)
