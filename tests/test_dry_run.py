"""The dry run of the full profile (``COURSE_DRY_RUN=1``): run length cut in the config, data sliced, own
checkpoints, a final check that requires every metric but judges none, and ``python -m utils.run --dry-run``."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import utils
from utils import run as run_module
from utils.data import DryRunSubset, stratified_head
from utils.expectations import check_metrics
from utils.profiles import DRY_RUN_CPU_BATCH, dry_run_config

FULL = dict(epochs=40, head_epochs=100, warmup_epochs=0, num_iterations=15000, total_steps=8, batch_size=256,
            eval_batch_size=512, lr=1e-3, img_size=224, resume=True, iters_per_epoch=500, val_batches=1000,
            tsne_points=5000, kmeans_n_init=10, model="ViT-B-32")


def test_dry_run_config_cuts_run_length_only():
    cut = dry_run_config(FULL, cuda=False)
    assert cut["epochs"] == cut["head_epochs"] == 1 and cut["warmup_epochs"] == 0  # 0 stays 0
    assert cut["num_iterations"] == 10 and cut["total_steps"] == 8
    assert cut["batch_size"] == cut["eval_batch_size"] == DRY_RUN_CPU_BATCH
    assert (cut["iters_per_epoch"], cut["val_batches"], cut["tsne_points"], cut["kmeans_n_init"]) == (5, 2, 200, 1)
    unchanged = ("lr", "img_size", "resume", "model")
    assert {k: cut[k] for k in unchanged} == {k: FULL[k] for k in unchanged}
    assert dry_run_config(FULL, cuda=True)["batch_size"] == 256  # real batch sizes on a GPU: memory is tested too


def test_make_config_cuts_only_the_full_profile(monkeypatch):
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    full = utils.make_config("full", smoke=dict(epochs=3), full=dict(epochs=40))
    assert full.epochs == 1 and full.dry_run
    with pytest.warns(UserWarning, match="only cuts the full profile"):
        smoke = utils.make_config("smoke", smoke=dict(epochs=3), full=dict(epochs=40))
    assert smoke.epochs == 3 and not smoke.dry_run
    monkeypatch.setenv("COURSE_DRY_RUN", "0")
    assert utils.make_config("full", smoke=dict(epochs=3), full=dict(epochs=40)).epochs == 40


def test_dry_run_has_its_own_checkpoints_and_banner(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    assert utils.checkpoint_dir(tmp_path, "full") == tmp_path / "checkpoints" / "full-dry-run"
    assert utils.checkpoint_dir(tmp_path, "smoke") == tmp_path / "checkpoints" / "smoke"
    assert "DRY RUN" in utils.profile_banner()
    monkeypatch.setenv("COURSE_DRY_RUN", "0")
    assert utils.checkpoint_dir(tmp_path, "full") == tmp_path / "checkpoints" / "full"
    assert "DRY RUN" not in utils.profile_banner()


def test_full_profile_without_gpu_warns_about_the_cost(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert "WARNING: full profile without a CUDA GPU" in utils.profile_banner()


def test_stratified_head_keeps_every_class_in_dataset_order():
    labels = np.array([0] * 50 + [1] * 3 + [2] * 20 + [3])
    keep = stratified_head(labels, 10)
    assert len(keep) == 10 and np.all(np.diff(keep) > 0)
    assert set(labels[keep]) == {0, 1, 2, 3}
    assert len(stratified_head(labels, 1000)) == len(labels)


def test_dry_run_subset_forwards_targets_classes_and_attributes():
    class Labelled(torch.utils.data.Dataset):
        classes, targets, transform = ["a", "b"], [0, 1, 0, 1, 1], None

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return i * 10, self.targets[i]

    base = Labelled()
    subset = DryRunSubset(base, [1, 2, 4])
    assert len(subset) == 3 and subset[1] == (20, 0) and list(subset.targets) == [1, 0, 1]
    assert subset.classes == ["a", "b"] and subset.transform is None
    subset.transform = "flip"
    assert base.transform == "flip"  # a transform set on the slice reaches the real dataset


@pytest.fixture
def expected_file(tmp_path):
    path = tmp_path / "expected_metrics.json"
    path.write_text(json.dumps({"smoke": {"acc": {"min": 60}}, "full": {"acc": {"min": 90}, "nmi": {"min": 50}}}))
    return path


def test_dry_run_check_requires_every_metric_but_judges_none(monkeypatch, expected_file, capsys):
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    rows = check_metrics({"acc": 3.0, "nmi": 1.0}, expected_file, "full")  # far below: not judged
    assert {r["verdict"] for r in rows} == {"produced"} and "DRY RUN" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="nmi"):
        check_metrics({"acc": 95.0}, expected_file, "full")
    with pytest.raises(AssertionError, match="acc"):  # smoke is always judged
        check_metrics({"acc": 3.0}, expected_file, "smoke")


def test_run_refuses_dry_run_of_smoke():
    with pytest.raises(SystemExit):
        run_module.main(["week01_autoencoder", "--profile", "smoke", "--dry-run"])


def test_offline_dry_run_stops_at_first_download_with_the_whole_message(tmp_path):
    """No data on disk, no network: the first week stops at its first dataset, whose message reaches the console."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COURSE_DATA": str(tmp_path / "data"),
           "TORCH_HOME": str(tmp_path / "torch"), "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "",
           "MPLBACKEND": "Agg", "no_proxy": "*", "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "utils.run", "week01_autoencoder", "week02_rotation", "--profile",
                           "full", "--dry-run", "--out", str(tmp_path / "runs")], cwd=Path(utils.__file__).parents[1],
                          env=env, capture_output=True, text=True, timeout=600)
    console = done.stdout + done.stderr
    assert done.returncode != 0, console
    assert "Could not get the dataset/weights 'STL10'" in console and "How to fix it" in console, console
    assert str(tmp_path / "data" / "stl10") in console and "http://ai.stanford.edu/~acoates/stl10/" in console
    assert "--> running week02_rotation" not in console and "not run: week02_rotation" in console  # stops at once
