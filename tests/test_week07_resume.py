"""Week 07 (DINO): an interrupted and resumed training run equals an uninterrupted one.

The trainer is method code and lives in the notebook, so this test executes the notebook's code
cells up to (not including) the cell that starts the real training run, in the smoke profile, and
then trains tiny models with the notebook's own ``DINOTrainer`` (on the GPU with AMP when there is one:
benchmarks/gpu_check.py runs this test there).
"""
import pytest
import torch

from tests.nbtools import notebook_namespace

WEEK = "week07_dino"
STOP_AT = "trainer = DINOTrainer("
EPOCHS = 3


@pytest.fixture(scope="module")
def ns():
    """The notebook's namespace after every code cell before the real training run."""
    return notebook_namespace(WEEK, STOP_AT)


class Interrupt(Exception):
    """Raised inside a training step to simulate a crash / killed kernel."""


def make_trainer(ns, checkpoint_dir, num_steps):
    """A tiny DINO trainer on 48 images (batch 16: 3 steps per epoch) with the notebook's classes."""
    np_ = ns["np"]
    ns["utils"].set_seed(0)
    vit = ns["VisionTransformer"](patch_size=7, embed_dim=16, depth=1, num_heads=2, img_size=28, num_classes=0)
    student = ns["DINOModel"](vit, ns["DINOHead"](16, 12, 2, 32, 8))
    data = ns["MultiCropDataset"](ns["train_images"][:48], ns["train_labels"][:48], 2, 2,
                                  ns["cfg"].mean, ns["cfg"].std, ns["cfg"].flip_p)
    schedules = [ns["utils"].cosine_schedule(1e-3, 1e-4, num_steps, 2), np_.linspace(0.02, 0.04, num_steps),
                 np_.linspace(0.04, 0.07, num_steps), np_.linspace(0.9, 1.0, num_steps)]
    return ns["DINOTrainer"](student, data, *schedules, batch_size=16, checkpoint_dir=checkpoint_dir,
                             device=ns["DEVICE"], amp=ns["DEVICE"].type == "cuda")  # the GPU and AMP when there is one


def test_resume_matches_uninterrupted(ns, tmp_path):
    steps = 3 * EPOCHS
    full = make_trainer(ns, tmp_path / "uninterrupted", steps)
    history_full = full.train(EPOCHS, resume=True)

    crashing = make_trainer(ns, tmp_path / "interrupted", steps)
    original_step = crashing.training_step

    def crash_in_second_epoch(model, batch):
        if int(model.step) == 4:  # second step of epoch 2: epoch 1 is checkpointed, epoch 2 half done
            raise Interrupt
        return original_step(model, batch)

    crashing.training_step = crash_in_second_epoch
    with pytest.raises(Interrupt):
        crashing.train(EPOCHS, resume=True)
    assert int(crashing.model.step) == 4

    resumed = make_trainer(ns, tmp_path / "interrupted", steps)
    history_resumed = resumed.train(EPOCHS, resume=True)

    assert int(resumed.model.step) == int(full.model.step) == steps
    for key in ("epoch", "train_loss", "train_lr", "train_wd", "train_teacher_temp", "train_momentum"):
        assert history_resumed[key] == pytest.approx(history_full[key], rel=1e-6, abs=1e-9), key
    state_full, state_resumed = full.model.state_dict(), resumed.model.state_dict()
    assert state_full.keys() == state_resumed.keys()
    for name, tensor in state_full.items():
        assert torch.allclose(tensor.float(), state_resumed[name].float(), atol=1e-5), f"{name} differs after resume"
    assert full.model.loss_fn.center.abs().sum() > 0


def test_schedule_values_follow_the_step(ns, tmp_path):
    """Each step uses the schedule value at the global step (learning rate, weight decay)."""
    trainer = make_trainer(ns, None, 6)
    seen = []
    original_step = trainer.training_step

    def record(model, batch):
        out = original_step(model, batch)
        seen.append((int(model.step), trainer.optimizer.param_groups[0]["lr"],
                     trainer.optimizer.param_groups[0]["weight_decay"], out["teacher_temp"], out["momentum"]))
        return out

    trainer.training_step = record
    trainer.train(2, resume=False)
    assert [s[0] for s in seen] == list(range(6))
    for step, lr, wd, temp, momentum in seen:
        assert lr == pytest.approx(trainer.lr[step]) and wd == pytest.approx(trainer.wd[step])
        assert temp == pytest.approx(trainer.teacher_temp[step]) and momentum == pytest.approx(trainer.momentum[step])
