"""Week 9's feature cache: a dry run must never poison the real run (issue 26).

The full profile caches the backbone features of every split. A dry run computes them on a slice; if the
real run found that file, it would load features of the wrong images. Two tests:

* the cache function itself (taken from the notebook, run on a tiny model): a file with another number of
  images than its dataset is recomputed, with a printed line; a matching one is loaded;
* the scenario end to end on the stand-ins, in a throw-away checkout: the dry run, then the real full run
  (``COURSE_DRY_RUN=0``) in the same checkout. The real run must get through every cell; only the final check
  may fail, because random stand-in weights cannot reach the course's numbers.
"""
from __future__ import annotations

import ast
import pathlib
import shutil

import nbformat
import pytest
import torch
import torch.nn as nn

import utils
from tests import rehearsal
from tests.nbtools import REPO_ROOT, solution_path

WEEK = "week09_clip_ood"


def _notebook_function(name: str):
    """The function ``name`` as the notebook defines it (its ``def`` only, executed with the notebook's imports)."""
    for cell in nbformat.read(solution_path(WEEK), as_version=4).cells:
        if cell.cell_type != "code" or f"def {name}(" not in cell.source:
            continue
        node = next(n for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef) and n.name == name)
        namespace = {"utils": utils, "torch": torch, "nn": nn, "pathlib": pathlib}
        exec(compile(ast.Module(body=[node], type_ignores=[]), f"<{WEEK}: {name}>", "exec"), namespace)
        return namespace[name]
    raise AssertionError(f"{WEEK} defines no function {name!r}")


class _Flat(nn.Module):
    """A stand-in CLIP: ``.visual`` flattens the images; ``calls`` counts its forward passes."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.visual = nn.Flatten()
        self.visual.register_forward_hook(lambda *args: setattr(self, "calls", self.calls + 1))


def test_feature_cache_of_another_size_is_recomputed(tmp_path, capsys):
    features = _notebook_function("features")
    data = torch.utils.data.TensorDataset(torch.rand(6, 1, 2, 2), torch.arange(6))
    path = tmp_path / "features" / "model_weights_cifar100_train.pt"
    utils.save_checkpoint({"feats": torch.zeros(4, 4), "labels": torch.zeros(4, dtype=torch.long)}, path)  # a slice

    model = _Flat()
    feats, labels = features(model, data, path, 4, torch.device("cpu"), cache=True)
    assert model.calls > 0 and feats.shape == (6, 4) and labels.tolist() == list(range(6))
    assert "holds 4 images, its dataset 6: recomputing it" in capsys.readouterr().out
    assert utils.load_checkpoint(path)["feats"].shape == (6, 4), "the recomputed features replace the stale file"

    again = _Flat()
    cached, _ = features(again, data, path, 4, torch.device("cpu"), cache=True)
    assert again.calls == 0 and torch.equal(cached, feats), "a file that matches its dataset is loaded"

    path.unlink()
    features(_Flat(), data, path, 4, torch.device("cpu"), cache=False)
    assert not path.exists(), "without cache nothing is written"


def _checkout(tmp: pathlib.Path) -> pathlib.Path:
    """A throw-away checkout holding week 9 (its notebook and expectations) and the course's ``utils``."""
    root = tmp / "checkout"
    (root / WEEK).mkdir(parents=True)
    for name in (f"{WEEK}.ipynb", "expected_metrics.json"):
        shutil.copy(REPO_ROOT / WEEK / name, root / WEEK / name)
    (root / "utils").symlink_to(REPO_ROOT / "utils", target_is_directory=True)
    return root


# The lighter model the notebook offers (tests/test_rehearsal.py's LIGHTER_MODELS): the cache logic does not depend
# on the model, and ViT-B/32 makes the real run on the CPU four times cheaper than ConvNeXt-Base-W at 256 px.
LIGHTER = {'full=dict(model="convnext_base_w", pretrained="laion2b_s13b_b82k"':
           'full=dict(model="ViT-B-32", pretrained="laion2b_s34b_b79k"'}


def test_dry_run_then_real_run_in_the_same_checkout(tmp_path, monkeypatch):
    from tests.standins import images, weights

    standins = tmp_path / "standins"
    images.write_cifar10(standins)
    images.write_cifar100(standins)
    weights.write_open_clip(standins, "ViT-B-32", "laion2b_s34b_b79k")
    checkout = _checkout(tmp_path)
    monkeypatch.setattr(rehearsal, "solution_path", lambda week: checkout / week / f"{week}.ipynb")
    monkeypatch.delenv("COURSE_CHECKPOINTS", raising=False)  # checkpoints and caches stay inside the checkout

    dry = rehearsal.rehearse(WEEK, standins, tmp_path / "dry", substitutions=LIGHTER)
    assert dry["error"] is None, dry["error"][-3000:]
    assert dry["report"]["dry_run"]

    real_env = rehearsal.rehearsal_env
    monkeypatch.setattr(rehearsal, "rehearsal_env", lambda root: {**real_env(root), "COURSE_DRY_RUN": "0"})
    real = rehearsal.rehearse(WEEK, standins, tmp_path / "real", substitutions=LIGHTER)
    assert real["report"] is not None and not real["report"]["dry_run"], (real["error"] or "")[-3000:]
    assert real["error"] is None or "metric(s) did not meet expectations" in real["error"], real["error"][-3000:]
    produced = {r["metric"] for r in real["report"]["rows"] if r["measured"] is not None}
    assert set(utils.load_expected(checkout / WEEK / "expected_metrics.json", "full")) <= produced
    assert "features: train (200, 768)" in real["outputs"], "the real run must use all 200 stand-in training images"
    assert (checkout / WEEK / "checkpoints" / "full-dry-run" / "features").is_dir()
    assert (checkout / WEEK / "checkpoints" / "full" / "features").is_dir(), "the real run keeps its own cache"
