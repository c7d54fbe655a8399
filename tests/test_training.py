"""Tests for training helpers: atomic checkpoints, resume, schedules, EMA."""
import numpy as np
import pytest
import torch
from torch import nn

import utils


def _problem(seed=0):
    """A tiny regression problem and model."""
    torch.manual_seed(seed)
    x = torch.randn(64, 4)
    y = x @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.1
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
    model = nn.Linear(4, 1)
    return model, loader


def _step(model, batch):
    x, y = batch
    return nn.functional.mse_loss(model(x).squeeze(1), y)


def test_fit_learns_and_logs_history(tmp_path):
    model, loader = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    hist = utils.fit(model, opt, loader, _step, 5, checkpoint_dir=tmp_path, verbose=False,
                     val_fn=lambda m: {"val_loss": 0.0})
    assert hist["epoch"] == [0, 1, 2, 3, 4] and hist["train_loss"][-1] < hist["train_loss"][0] / 10
    assert (tmp_path / "last.pt").exists() and (tmp_path / "best.pt").exists()
    assert not list(tmp_path.glob(".*.tmp")), "temporary files must be renamed away"


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path):
    utils.set_seed(0)
    model_a, loader_a = _problem()
    opt_a = torch.optim.SGD(model_a.parameters(), lr=0.05, momentum=0.9)
    sched_a = torch.optim.lr_scheduler.StepLR(opt_a, 2, 0.5)
    utils.set_seed(1)
    hist_a = utils.fit(model_a, opt_a, loader_a, _step, 6, scheduler=sched_a, verbose=False)

    utils.set_seed(0)
    model_b, loader_b = _problem()
    opt_b = torch.optim.SGD(model_b.parameters(), lr=0.05, momentum=0.9)
    sched_b = torch.optim.lr_scheduler.StepLR(opt_b, 2, 0.5)
    utils.set_seed(1)
    utils.fit(model_b, opt_b, loader_b, _step, 3, scheduler=sched_b, checkpoint_dir=tmp_path, verbose=False)
    # "restart the kernel": fresh objects, then resume from last.pt
    utils.set_seed(0)
    model_c, loader_c = _problem()
    with torch.no_grad():
        model_c.weight.zero_()
    opt_c = torch.optim.SGD(model_c.parameters(), lr=0.05, momentum=0.9)
    sched_c = torch.optim.lr_scheduler.StepLR(opt_c, 2, 0.5)
    utils.set_seed(123)  # a different global seed: the checkpoint's RNG state must win
    hist_c = utils.fit(model_c, opt_c, loader_c, _step, 6, scheduler=sched_c, checkpoint_dir=tmp_path, verbose=False)
    assert hist_c["epoch"] == hist_a["epoch"]
    assert np.allclose(hist_c["train_loss"], hist_a["train_loss"], rtol=1e-5)
    assert torch.allclose(model_c.weight, model_a.weight, atol=1e-6)
    assert opt_c.param_groups[0]["lr"] == opt_a.param_groups[0]["lr"]


def test_checkpoints_load_with_weights_only(tmp_path):
    path = utils.save_checkpoint({"model": nn.Linear(2, 2).state_dict(), "epoch": 3, "note": "x"}, tmp_path / "c.pt")
    state = utils.load_checkpoint(path)
    assert state["epoch"] == 3 and set(state["model"]) == {"weight", "bias"}

    import argparse  # arbitrary pickled objects (like MoCo's argparse.Namespace) are refused
    torch.save({"args": argparse.Namespace(lr=0.1)}, tmp_path / "evil.pt")
    with pytest.raises(Exception):
        utils.load_checkpoint(tmp_path / "evil.pt")


def test_save_checkpoint_is_atomic_on_failure(tmp_path, monkeypatch):
    path = utils.save_checkpoint({"v": torch.tensor(1)}, tmp_path / "c.pt")
    def boom(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(torch, "save", boom)
    with pytest.raises(OSError):
        utils.save_checkpoint({"v": torch.tensor(2)}, path)
    assert utils.load_checkpoint(path)["v"].item() == 1, "the old checkpoint must survive a failed write"
    assert not list(tmp_path.glob(".*.tmp"))


def test_fit_grad_accumulation_matches_large_batch():
    torch.manual_seed(0)
    x, y = torch.randn(32, 4), torch.randn(32)
    big = nn.Linear(4, 1)
    small = nn.Linear(4, 1)
    small.load_state_dict(big.state_dict())
    for model, bs, accum in [(big, 32, 1), (small, 8, 4)]:
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=bs)
        utils.fit(model, torch.optim.SGD(model.parameters(), lr=0.1), loader, _step, 1, grad_accum=accum, verbose=False)
    assert torch.allclose(big.weight, small.weight, atol=1e-6)


def test_cosine_schedule_shape_and_endpoints():
    s = utils.cosine_schedule(1.0, 0.1, total_steps=100, warmup_steps=10)
    assert len(s) == 100 and s[0] == 0.0 and s[10] == pytest.approx(1.0) and s[-1] == pytest.approx(0.1)
    assert np.all(np.diff(s[:11]) > 0) and np.all(np.diff(s[10:]) <= 1e-12)
    f = utils.warmup_cosine_lambda(10, 2)
    assert f(0) == 0.0 and f(2) == pytest.approx(1.0) and f(100) == pytest.approx(0.0)


def test_model_ema_moves_towards_model():
    model = nn.Linear(2, 1, bias=False)
    ema = utils.ModelEMA(model, decay=0.9)
    with torch.no_grad():
        model.weight.add_(1.0)
    before = ema.module.weight.clone()
    ema.update(model)
    assert torch.allclose(ema.module.weight, 0.9 * before + 0.1 * model.weight)
    assert not any(p.requires_grad for p in ema.parameters())


def test_model_ema_reset_copies_the_model():
    model = nn.Linear(2, 1)
    ema = utils.ModelEMA(model, decay=0.9)
    with torch.no_grad():
        model.weight.add_(1.0)
    ema.reset(model)
    assert all(torch.equal(a, b) for a, b in zip(ema.module.state_dict().values(), model.state_dict().values()))
    assert not any(p.requires_grad for p in ema.parameters())


def test_fit_epoch_hooks_run_in_order_with_the_epoch_metrics():
    model, loader = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    calls = []
    hist = utils.fit(model, opt, loader, _step, 3, verbose=False,
                     before_epoch=lambda m, epoch: calls.append(("before", epoch)),
                     after_epoch=lambda m, metrics: calls.append(("after", metrics["train_loss"])))
    assert calls == [x for e in range(3) for x in (("before", e), ("after", hist["train_loss"][e]))]


def test_define_param_groups_decays_weights_only():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.LazyLinear(2))
    model(torch.randn(1, 3, 5, 5))
    model[0].bias.requires_grad_(False)  # frozen parameters are left out
    decay, no_decay = utils.define_param_groups(model, 0.05)
    assert decay["weight_decay"] == 0.05 and no_decay["weight_decay"] == 0.0
    assert {id(p) for p in decay["params"]} == {id(model[0].weight), id(model[3].weight)}
    assert {id(p) for p in no_decay["params"]} == {id(model[1].weight), id(model[1].bias), id(model[3].bias)}


def test_moving_average_bias_corrected():
    avg = utils.MovingAverage(beta=0.9)
    assert avg.update(5.0) == pytest.approx(5.0)
    assert avg.update(5.0) == pytest.approx(5.0)


def test_resume_reads_the_checkpoint_on_the_cpu_whatever_the_training_device(tmp_path):
    """Issue 26: resuming on a GPU loaded last.pt onto the GPU, so its RNG states became CUDA tensors, which
    ``torch.set_rng_state`` rejects. Resuming a finished run for device "cuda" runs no batch, so on a CPU-only
    machine this reaches exactly the resume path: it must read the file on the CPU (the old code asked
    torch.load for a CUDA device and failed here)."""
    model, loader = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    utils.fit(model, opt, loader, _step, 2, checkpoint_dir=tmp_path, verbose=False)
    before = torch.get_rng_state()
    torch.manual_seed(99)  # the checkpoint's RNG state must replace this one
    hist = utils.fit(model, opt, loader, _step, 2, checkpoint_dir=tmp_path, device="cuda", verbose=False)
    assert hist["epoch"] == [0, 1]
    assert torch.equal(torch.get_rng_state(), before), "the RNG state saved with the last epoch is restored"


def _accumulating_epoch(accum):
    """An epoch function like week 4's train_one_epoch: accumulate ``accum`` micro-batches per step."""
    def epoch(model, optimizer, batches, step_fn, scaler):
        optimizer.zero_grad()
        total, n = 0.0, 0
        for i, batch in enumerate(batches):
            loss = step_fn(model, batch)
            scaler.scale(loss / accum).backward()
            if (i + 1) % accum == 0 or i + 1 == len(batches):
                scaler.step(optimizer)
                scaler.update()
                optimizer.zero_grad()
            total, n = total + loss.item(), n + 1
        return total / n
    return epoch


def test_epoch_fn_takes_over_the_epoch_and_resumes_like_the_built_in_loop(tmp_path):
    """fit(epoch_fn=...) runs the notebook's own epoch; interrupted and resumed it ends where an uninterrupted run ends."""
    utils.set_seed(0)
    model_a, loader_a = _problem()
    opt_a = torch.optim.SGD(model_a.parameters(), lr=0.05, momentum=0.9)
    hist_a = utils.fit(model_a, opt_a, loader_a, _step, 4, epoch_fn=_accumulating_epoch(2), verbose=False)
    assert hist_a["train_loss"][-1] < hist_a["train_loss"][0]
    utils.set_seed(0)
    model_b, loader_b = _problem()
    opt_b = torch.optim.SGD(model_b.parameters(), lr=0.05, momentum=0.9)
    utils.fit(model_b, opt_b, loader_b, _step, 2, epoch_fn=_accumulating_epoch(2), checkpoint_dir=tmp_path,
              verbose=False)
    utils.set_seed(0)
    model_c, loader_c = _problem()
    opt_c = torch.optim.SGD(model_c.parameters(), lr=0.05, momentum=0.9)
    torch.manual_seed(7)  # shuffling after the resume must come from the checkpoint's RNG state
    hist_c = utils.fit(model_c, opt_c, loader_c, _step, 4, epoch_fn=_accumulating_epoch(2), checkpoint_dir=tmp_path,
                       verbose=False)
    assert np.allclose(hist_c["train_loss"], hist_a["train_loss"], rtol=1e-5)
    assert torch.allclose(model_c.weight, model_a.weight, atol=1e-6)
    with pytest.raises(ValueError, match="epoch_fn"):
        utils.fit(model_c, opt_c, loader_c, _step, 1, epoch_fn=_accumulating_epoch(2), grad_accum=2, verbose=False)
