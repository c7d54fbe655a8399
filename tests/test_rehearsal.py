"""The full profile's rehearsal: every week's full code path as a dry run on the CPU, on format-faithful stand-ins.

Each test writes the stand-ins its week reads (``tests/standins``), executes the solution notebook with
``COURSE_PROFILE=full COURSE_DRY_RUN=1`` (``tests/rehearsal.py``), and asserts that every cell ran and
that the final check produced every expected full-profile metric. Values are not judged: one epoch on
random images measures nothing; what is tested is that data, weights and code fit together.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.rehearsal import assert_rehearsal_passes
from tests.standins import images, weights

STANDINS = {
    "stl10": images.write_stl10, "cifar10": images.write_cifar10, "cifar100": images.write_cifar100,
    "pathmnist": images.write_pathmnist, "resnet18": weights.write_resnet18_imagenet,
    "moco_v2": weights.write_moco_v2, "timm_vit_b16": weights.write_timm_vit_b16,
    "open_clip_convnext_base_w": weights.write_open_clip,
    "open_clip_vit_b32": lambda root: weights.write_open_clip(root, "ViT-B-32", "laion2b_s34b_b79k"),
    "timm_dinov2_vits14": lambda root: weights.write_timm_vit_b16(root, "vit_small_patch14_dinov2.lvd142m"),
}


@pytest.fixture(scope="session")
def standin_root(tmp_path_factory: pytest.TempPathFactory):
    """A session-wide stand-in folder; ``need(*names)`` writes each stand-in once and returns the folder."""
    root = tmp_path_factory.mktemp("standins")
    written: set[str] = set()

    def need(*names: str) -> Path:
        for name in names:
            if name not in written:
                STANDINS[name](root)
                written.add(name)
        return root

    return need


def test_week05_full_dry_run_on_standins(standin_root, tmp_path):
    # The MoCo v2 stand-in cannot match the published MD5 prefix: tests/rehearsal.py's PATCHES["moco_v2_md5_prefix"]
    # (run in every rehearsal) sets utils.weights.MOCO_V2_MD5_PREFIX to the stand-in's own, a rehearsal-only patch.
    root = standin_root("stl10", "moco_v2")
    assert_rehearsal_passes("week05_moco_clustering", root, tmp_path)
    # utils.moco_v2_checkpoint ran its checks to the end: the first download's SHA-256 is recorded next to the file
    assert (root / "moco" / "moco_v2_800ep_pretrain.pth.tar.sha256").exists()


@pytest.mark.parametrize("week, needs", [
    ("week01_autoencoder", ("stl10",)),
    ("week02_rotation", ("stl10",)),
    ("week04_simclr", ("stl10", "resnet18")),
    ("week06_vit_distillation", ("cifar100", "timm_vit_b16")),
    ("week07_dino", ("pathmnist",)),
    ("week08_masked_modeling", ("cifar10", "timm_dinov2_vits14")),
    ("week09_clip_ood", ("cifar10", "cifar100", "open_clip_convnext_base_w")),
])
def test_full_dry_run_on_standins(week, needs, standin_root, tmp_path):
    assert_rehearsal_passes(week, standin_root(*needs), tmp_path)


# Every lighter model a notebook offers is rehearsed too, by the one-line change its markdown tells students to
# make (week 12 offers none since issue 26: its expectations are ESM-2 650M's, which fits a T4).
LIGHTER_MODELS = {
    "week09_clip_ood": ({'full=dict(model="convnext_base_w", pretrained="laion2b_s13b_b82k"':
                         'full=dict(model="ViT-B-32", pretrained="laion2b_s34b_b79k"'},
                        ("cifar10", "cifar100", "open_clip_vit_b32"), "ViT-B-32: "),  # its parameter-count line
}


@pytest.mark.parametrize("week", sorted(LIGHTER_MODELS))
def test_lighter_model_option_dry_run_on_standins(week, standin_root, tmp_path):
    substitutions, needs, loaded = LIGHTER_MODELS[week]
    result = assert_rehearsal_passes(week, standin_root(*needs), tmp_path, substitutions=substitutions)
    assert loaded in result["outputs"], "the lighter model was not the one loaded"


# The resume check: one full training run per trainer (week 1: `utils.fit`; week 7: the DINO trainer, built on
# it), lengthened to two epochs, killed right after epoch 1's `last.pt` is written, then re-run as a user would.
TWO_EPOCHS = "cfg.epochs = 2  # rehearsal instrument: two epochs, so that there is something to resume\n"
INTERRUPT = '''
import utils.training as _training
_save_checkpoint = _training.save_checkpoint

def _save_then_interrupt(state, path):
    """Rehearsal instrument: the run dies right after epoch 1's last.pt is on disk."""
    written = _save_checkpoint(state, path)
    if written.name == "last.pt" and state["epoch"] == 0:
        raise RuntimeError("rehearsal: run interrupted after epoch 1")
    return written

_training.save_checkpoint = _save_then_interrupt
'''


def measured(result: dict) -> dict[str, float]:
    """The metric values a rehearsal's final check measured."""
    return {r["metric"]: r["measured"] for r in result["report"]["rows"] if r["measured"] is not None}


@pytest.mark.parametrize("week, needs", [("week01_autoencoder", ("stl10",)), ("week07_dino", ("pathmnist",))])
def test_interrupted_full_run_resumes_from_last_checkpoint(week, needs, standin_root, tmp_path):
    import torch

    from tests.rehearsal import dry_run_checkpoints, rehearse

    root = standin_root(*needs)
    uninterrupted = assert_rehearsal_passes(week, root, tmp_path / "a", instrument=TWO_EPOCHS)
    reference = torch.load(dry_run_checkpoints(week) / "last.pt", weights_only=True)
    assert reference["epoch"] == 1

    shutil.rmtree(dry_run_checkpoints(week))
    crashed = rehearse(week, root, tmp_path / "b", instrument=TWO_EPOCHS + INTERRUPT)
    assert crashed["error"] is not None and "run interrupted after epoch 1" in crashed["error"]
    assert torch.load(dry_run_checkpoints(week) / "last.pt", weights_only=True)["epoch"] == 0

    resumed = assert_rehearsal_passes(week, root, tmp_path / "c", fresh=False, instrument=TWO_EPOCHS)
    assert f"Resumed from {dry_run_checkpoints(week) / 'last.pt'} at epoch 1/2" in resumed["outputs"]
    final = torch.load(dry_run_checkpoints(week) / "last.pt", weights_only=True)
    for key, values in reference["history"].items():
        if key != "seconds":
            assert final["history"][key] == pytest.approx(values, rel=1e-5), f"history {key!r} differs after resume"
    for name, tensor in reference["model"].items():
        assert torch.allclose(tensor.float(), final["model"][name].float(), atol=1e-6), f"{name} differs after resume"
    assert measured(resumed) == pytest.approx(measured(uninterrupted), rel=1e-5, abs=1e-6)
