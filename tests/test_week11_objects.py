"""Week 11's data and evaluation helpers: generated object scenes, patch masks, Euclidean k-NN, the VOC loader."""
from __future__ import annotations

import pytest
import torch

import utils
from utils import objects


def test_scenes_are_deterministic_and_masks_mark_the_object():
    spec = objects.ClutterSpec()
    a, b = objects.ObjectScenes("test", seed=3), objects.ObjectScenes("test", seed=3)
    assert torch.equal(a.images, b.images) and torch.equal(a.masks, b.masks)
    assert a.images.shape == (len(a), 3, spec.size, spec.size) and a.masks.shape == (len(a), spec.size, spec.size)
    assert 0 <= float(a.images.min()) and float(a.images.max()) <= 1 and a.masks.dtype == torch.bool
    area = a.masks.float().mean((1, 2))
    assert (area > 0.03).all() and (area < 0.5).all(), "every scene holds one object of a sensible size"
    assert not torch.equal(objects.ObjectScenes("test", seed=4).images, a.images), "another seed, other scenes"


def test_views_redraw_the_same_objects_on_new_clutter():
    scenes = objects.ObjectScenes("test", seed=0)
    gen = torch.Generator().manual_seed(0)
    idx = torch.tensor([0, 1, 2, 3])
    (x1, m1), (x2, m2) = scenes.views(idx, gen), scenes.views(idx, gen)
    assert x1.shape == (4, 3, 32, 32) and m1.shape == (4, 32, 32)
    assert not torch.allclose(x1, x2) and not torch.equal(m1, m2), "new places and clutter each time"


def test_object_pixels_differ_from_the_background():
    scenes = objects.ObjectScenes("test", seed=0)
    inside = scenes.images.permute(0, 2, 3, 1)[scenes.masks].mean(0)
    outside = scenes.images.permute(0, 2, 3, 1)[~scenes.masks].mean(0)
    assert (inside - outside).abs().max() > 0.05


def test_patch_fractions_and_upsampling_agree():
    mask = torch.zeros(1, 8, 8, dtype=torch.bool)
    mask[0, :4, :4] = True  # exactly the top-left 4 x 4 patch
    frac = objects.patch_fractions(mask, 4)
    assert frac.shape == (1, 4) and frac.tolist() == [[1.0, 0.0, 0.0, 0.0]]
    assert torch.equal(objects.upsample_patch_mask(frac > 0.5, 2, 4), mask)


def test_loaders_choose_by_profile_in_smoke():
    images, fg, valid = objects.segmentation_set("smoke", 32, seed=0)
    assert images.dtype == torch.uint8 and fg.shape == valid.shape == images[:, 0].shape and valid.all()
    sets = objects.knn_datasets("smoke", 32, seed=0)
    x, y = sets["train"][0]
    assert x.shape == (3, 32, 32) and 0 <= int(y) <= 9 and len(sets["test"]) == len(images)


def test_euclidean_knn_votes_by_distance():
    train_x = torch.tensor([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0], [10.0, 10.1]])
    train_y = torch.tensor([0, 0, 1, 1, 1])
    test_x, test_y = torch.tensor([[0.05, 0.0], [9.9, 10.0]]), torch.tensor([0, 1])
    assert utils.euclidean_knn_accuracy(train_x, train_y, test_x, test_y, k=1) == 100.0
    assert utils.euclidean_knn_accuracy(train_x, train_y, test_x, test_y, k=2) == 100.0
    assert utils.euclidean_knn_accuracy(train_x, train_y, test_x, test_y, k=5, chunk_size=1) == 50.0  # majority: 1
    scaled = utils.euclidean_knn_accuracy(train_x * 3, train_y, test_x * 3, test_y, k=1)
    assert scaled == 100.0


def test_voc_offline_error_names_dataset_url_and_folder(tmp_path, monkeypatch):
    import utils
    from utils import voc

    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: (_ for _ in ()).throw(OSError("offline")))
    with pytest.raises(utils.DatasetUnavailableError) as info:
        voc.voc_masks("val", size=32)
    message = str(info.value)
    assert "PASCAL VOC 2012" in message and voc.VOC_URL in message and str(tmp_path / "voc") in message
