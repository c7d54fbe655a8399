"""The full profile's rehearsal of week 11 (what SSL ViTs learn): the dry run on stand-ins of VOC 2012, PathMNIST
and six timm ViTs (hub-cache layout).

See ``tests/test_rehearsal.py`` for what a rehearsal checks. Week 11 trains nothing in ``full``; it loads
``vit_small_patch16_224.dino``, ``deit_small_patch16_224.fb_in1k``, a random ViT-S/16, and the ViT-B/16s of DINO,
supervised (augreg2), MAE and CLIP (OpenAI weights in timm's format). VOC is rehearsed extracted; a unit test below
reads it from the released tar only (torchvision extracts it; the stand-in cannot match the tar's MD5, so that one
check is patched in the test).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from tests.rehearsal import assert_rehearsal_passes
from tests.standins import week11

WEEK = "week11_ssl_representations"


@pytest.fixture(scope="module")
def week11_standins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in folder with VOC extracted, PathMNIST and the six ViTs, written once."""
    return week11.write_week11(tmp_path_factory.mktemp("standins_week11"))


def without_voc(standins: Path, root: Path) -> Path:
    """A stand-in folder sharing everything but VOC with ``standins`` (links, not copies of the weights)."""
    root.mkdir(parents=True)
    for entry in standins.iterdir():
        if entry.name != "voc":
            (root / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return root


def test_week11_full_dry_run_on_standins(week11_standins, tmp_path):
    result = assert_rehearsal_passes(WEEK, week11_standins, tmp_path)
    assert "week 7's DINO checkpoint is not at" in result["outputs"] or "week 7's DINO" in result["outputs"]
    for name in ("DINO ViT-S/16", "supervised DeiT-S/16", "DINO ViT-B/16", "CLIP ViT-B/16", "MAE"):
        assert name in result["outputs"], f"{name} was not evaluated"


def test_week11_voc_from_the_released_tar(tmp_path, monkeypatch):
    """Only the tar in the VOC folder (as a manual download leaves it): the loader extracts it and reads the masks.

    (The notebook's own code path on an extracted VOC is the dry run above; this checks the tar step alone.)"""
    import torchvision.datasets.utils as tvu

    from utils import voc

    week11.write_voc2012(tmp_path, as_tar=True)
    assert not (tmp_path / "voc" / "VOCdevkit").exists()
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setattr(tvu, "check_integrity", lambda fpath, md5=None: os.path.isfile(fpath))  # the stand-in tar
    images, foreground, valid = voc.voc_masks("val", size=32, limit=2)
    assert images.shape == (2, 3, 32, 32) and images.dtype == torch.uint8
    assert foreground.shape == valid.shape == (2, 32, 32) and foreground.any() and (foreground <= valid).all()
    assert (tmp_path / "voc" / "VOCdevkit" / "VOC2012" / "ImageSets" / "Segmentation" / "val.txt").exists()


def test_week11_offline_without_voc_stops_with_the_course_message(week11_standins, tmp_path):
    from tests.rehearsal import rehearse

    root = without_voc(week11_standins, tmp_path / "root")
    result = rehearse(WEEK, root, tmp_path / "out")
    assert result["error"] is not None and "DatasetUnavailableError" in result["error"]
    assert "PASCAL VOC 2012" in result["error"] and "VOCtrainval_11-May-2012.tar" in result["error"]
