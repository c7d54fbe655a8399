"""Week 04 (SimCLR): pre-training interrupted after an epoch and re-run ends where an uninterrupted run ends.

Week 4 trains with its own ``train_one_epoch`` (students write the gradient accumulation) inside ``utils.fit``
(``epoch_fn``), so resume after a disconnect restores the weights, the optimizer, the AMP scaler and the
random-number state that draws the augmentations and the batch order. This test executes the notebook's code
cells up to the real pre-training run (smoke profile; the GPU when there is one, as in benchmarks/gpu_check.py)
and trains a small ResNetSimCLR with the notebook's own functions.
"""
import pytest
import torch

from tests.nbtools import notebook_namespace

WEEK = "week04_simclr"
STOP_AT = "history = utils.fit(model, optimizer, pretrain_batches"
EPOCHS = 3


@pytest.fixture(scope="module")
def ns():
    """The notebook's namespace after every code cell before the real training run."""
    return notebook_namespace(WEEK, STOP_AT)


class Interrupt(Exception):
    """Raised inside the second epoch to simulate a disconnect."""


def pretrain(ns, checkpoint_dir, crash_in_epoch=None):
    """The notebook's pre-training call on 64 images (batch 16, accumulation 2), for EPOCHS epochs."""
    utils, device = ns["utils"], ns["DEVICE"]
    utils.set_seed(0)
    model = ns["ResNetSimCLR"](16).to(device)
    optimizer = torch.optim.Adam(ns["define_param_groups"](model, 1e-6), lr=1e-3)
    batches = utils.TensorBatches(ns["x_unlabeled"][:64], batch_size=16, shuffle=True, drop_last=True)
    epochs_run = []

    def epoch_fn(net, opt, b, step, scaler):
        epochs_run.append(len(epochs_run))
        if crash_in_epoch is not None and len(epochs_run) == crash_in_epoch:
            raise Interrupt
        return ns["train_one_epoch"](net, opt, b, 2, step_fn=step, scaler=scaler)

    torch.manual_seed(1234)  # what the kernel's RNG holds before the call: a resume must replace it
    step = ns["functools"].partial(ns["simclr_step"], augment=ns["augment"], criterion=ns["criterion"])
    history = utils.fit(model, optimizer, batches, step, EPOCHS, device=device, amp=True,
                        epoch_fn=epoch_fn, checkpoint_dir=checkpoint_dir, resume=True, verbose=False)
    return model, history


def test_resume_matches_uninterrupted(ns, tmp_path):
    model_full, history_full = pretrain(ns, tmp_path / "uninterrupted")
    with pytest.raises(Interrupt):
        pretrain(ns, tmp_path / "interrupted", crash_in_epoch=2)
    model_resumed, history_resumed = pretrain(ns, tmp_path / "interrupted")
    assert history_resumed["epoch"] == history_full["epoch"] == list(range(EPOCHS))
    assert history_resumed["train_loss"] == pytest.approx(history_full["train_loss"], rel=1e-4)
    for (name, a), b in zip(model_full.state_dict().items(), model_resumed.state_dict().values()):
        assert torch.allclose(a.float(), b.float(), atol=1e-4, rtol=1e-4), f"{name} differs after resume"
