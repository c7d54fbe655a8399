"""Training helpers: a fit loop with progress bars, atomic checkpoints with resume, schedules, EMA."""
from __future__ import annotations

import copy
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm


class History(dict):
    """Per-epoch metrics: ``history["train_loss"][epoch]``; keys appear as they are first logged."""

    def log(self, **metrics: float) -> None:
        """Append one value per metric."""
        for key, value in metrics.items():
            self.setdefault(key, []).append(float(value))

    def last(self) -> dict[str, float]:
        """The most recent value of every metric."""
        return {k: v[-1] for k, v in self.items() if v}


def to_device(batch: Any, device: torch.device | str) -> Any:
    """Move a tensor, or tensors nested in lists/tuples/dicts, to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, Mapping):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch


def save_checkpoint(state: Mapping[str, Any], path: Path | str) -> Path:
    """Write ``state`` with ``torch.save`` atomically: to a temporary file first, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        torch.save(dict(state), tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load_checkpoint(path: Path | str, map_location: torch.device | str = "cpu") -> dict[str, Any]:
    """Load a checkpoint safely (``weights_only=True``: tensors and plain containers only)."""
    return torch.load(path, map_location=map_location, weights_only=True)


def _rng_state() -> dict[str, Any]:
    """Capture the RNG states of torch (CPU and CUDA) and NumPy as tensors."""
    np_state = np.random.get_state()
    state = {"torch": torch.get_rng_state(), "numpy_keys": torch.from_numpy(np_state[1].astype(np.int64)),
             "numpy_pos": int(np_state[2])}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: Mapping[str, Any]) -> None:
    """Restore RNG states captured by :func:`_rng_state` (torch accepts them only as CPU byte tensors)."""
    torch.set_rng_state(state["torch"].cpu())
    np.random.set_state(("MT19937", state["numpy_keys"].cpu().numpy().astype(np.uint32), state["numpy_pos"], 0, 0.0))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, train_loader: Iterable,
        step_fn: Callable[[nn.Module, Any], Any], epochs: int, *, device: torch.device | str = "cpu",
        val_fn: Callable[[nn.Module], Mapping[str, float]] | None = None,
        scheduler: Any = None, scheduler_interval: str = "epoch",
        checkpoint_dir: Path | str | None = None, monitor: str = "val_loss", mode: str = "min",
        resume: bool = True, grad_accum: int = 1, amp: bool = False, clip_grad: float | None = None,
        after_step: Callable[[nn.Module], None] | None = None,
        before_epoch: Callable[[nn.Module, int], None] | None = None,
        after_epoch: Callable[[nn.Module, Mapping[str, float]], None] | None = None,
        epoch_fn: Callable[..., float | Mapping[str, float]] | None = None, desc: str = "train",
        verbose: bool = True) -> History:
    """Train ``model`` for ``epochs`` epochs and return the per-epoch :class:`History`.

    ``step_fn(model, batch)`` gets the batch already on ``device`` and returns the loss tensor, or a
    dict with ``"loss"`` and any extra scalars to log. ``val_fn(model)`` returns validation metrics
    after each epoch. With ``checkpoint_dir`` the loop writes ``last.pt`` every epoch and ``best.pt``
    whenever ``monitor`` improves (``mode`` min/max), and resumes from ``last.pt`` when ``resume``.
    ``grad_accum`` sums gradients over that many batches per optimizer step (loss divided by it);
    ``amp`` uses CUDA autocast with a gradient scaler; ``after_step(model)`` runs after each
    optimizer step (e.g. an EMA update); ``before_epoch(model, epoch)`` runs at the start of each
    epoch (e.g. re-creating a teacher) and ``after_epoch(model, metrics)`` after the epoch's metrics
    are logged (e.g. keeping the weights of the epoch with the lowest loss).

    ``epoch_fn(model, optimizer, train_loader, step_fn, scaler)`` replaces the built-in pass over the
    batches by one a notebook teaches (week 4's ``train_one_epoch``): it runs one epoch and returns
    its mean loss (or a dict with ``"loss"``); batches reach it as they are (not moved to ``device``).
    Everything around the epoch stays here: resume (weights, optimizer, scaler, RNG states),
    checkpoints, validation, history and epoch-wise scheduling.

    Checkpoints are loaded onto the CPU and copied into the model and optimizer on their devices,
    so the saved RNG states stay CPU tensors (what ``torch.set_rng_state`` accepts) on a GPU too.
    """
    if mode not in ("min", "max"):
        raise ValueError("mode must be 'min' or 'max'")
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError("scheduler_interval must be 'epoch' or 'step'")
    if epoch_fn is not None and (grad_accum != 1 or clip_grad is not None or after_step is not None
                                 or (scheduler is not None and scheduler_interval == "step")):
        raise ValueError("with epoch_fn, gradient accumulation, clipping, after_step and per-step scheduling "
                         "belong to the epoch function")
    device = torch.device(device)
    use_amp = amp and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    history, start_epoch = History(), 0
    best = math.inf if mode == "min" else -math.inf
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if ckpt_dir is not None and resume and (ckpt_dir / "last.pt").exists():
        state = load_checkpoint(ckpt_dir / "last.pt", map_location="cpu")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None and state.get("scheduler") is not None:
            scheduler.load_state_dict(state["scheduler"])
        if state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        history, start_epoch, best = History(state["history"]), state["epoch"] + 1, state["best"]
        _set_rng_state(state["rng"])
        if verbose:
            print(f"Resumed from {ckpt_dir / 'last.pt'} at epoch {start_epoch}/{epochs}")

    epoch_bar = tqdm(range(start_epoch, epochs), desc=desc, unit="epoch", disable=not verbose,
                     initial=start_epoch, total=epochs)
    for epoch in epoch_bar:
        model.train()
        if before_epoch is not None:
            before_epoch(model, epoch)
        t0 = time.perf_counter()
        if epoch_fn is not None:
            out = epoch_fn(model, optimizer, train_loader, step_fn, scaler)
            sums, n_batches = dict(out) if isinstance(out, Mapping) else {"loss": float(out)}, 1
        else:
            sums, n_batches = _train_epoch(model, optimizer, train_loader, step_fn, device, scaler, use_amp,
                                           grad_accum, clip_grad, after_step,
                                           scheduler if scheduler_interval == "step" else None,
                                           f"epoch {epoch + 1}/{epochs}", verbose)
        if scheduler is not None and scheduler_interval == "epoch":
            scheduler.step()
        metrics = {("train_loss" if k == "loss" else f"train_{k}"): v / max(n_batches, 1) for k, v in sums.items()}
        if val_fn is not None:
            metrics.update(val_fn(model))
        history.log(epoch=epoch, **metrics, seconds=time.perf_counter() - t0)
        epoch_bar.set_postfix({k: f"{v:.4g}" for k, v in metrics.items()})
        if after_epoch is not None:
            after_epoch(model, metrics)
        if ckpt_dir is not None:
            current = metrics.get(monitor, metrics["train_loss"])
            improved = current < best if mode == "min" else current > best
            if improved:
                best = current
                save_checkpoint({"model": model.state_dict(), "epoch": epoch, monitor: current},
                                ckpt_dir / "best.pt")
            save_checkpoint({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                             "scheduler": scheduler.state_dict() if scheduler is not None else None,
                             "scaler": scaler.state_dict() if use_amp else None, "epoch": epoch,
                             "history": dict(history), "best": best, "rng": _rng_state()},
                            ckpt_dir / "last.pt")
    return history


def _train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, train_loader: Iterable,
                 step_fn: Callable[[nn.Module, Any], Any], device: torch.device, scaler: torch.amp.GradScaler,
                 use_amp: bool, grad_accum: int, clip_grad: float | None,
                 after_step: Callable[[nn.Module], None] | None, step_scheduler: Any, desc: str,
                 verbose: bool) -> tuple[dict[str, float], int]:
    """:func:`fit`'s pass over the batches; returns the summed step outputs and the number of batches."""
    sums: dict[str, float] = {}
    n_batches = 0
    optimizer.zero_grad(set_to_none=True)
    batches = tqdm(train_loader, desc=desc, leave=False, disable=not verbose)
    num_batches = len(train_loader) if hasattr(train_loader, "__len__") else None
    for i, batch in enumerate(batches):
        with torch.autocast(device_type=device.type, enabled=use_amp):
            out = step_fn(model, to_device(batch, device))
        out = out if isinstance(out, Mapping) else {"loss": out}
        scaler.scale(out["loss"] / grad_accum).backward()
        last_batch = num_batches is not None and i + 1 == num_batches
        if (i + 1) % grad_accum == 0 or last_batch:
            if clip_grad is not None:
                scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)
            if after_step is not None:
                after_step(model)
            if step_scheduler is not None:
                step_scheduler.step()
        for key, value in out.items():
            sums[key] = sums.get(key, 0.0) + float(value.detach() if isinstance(value, torch.Tensor) else value)
        n_batches += 1
        batches.set_postfix(loss=f"{float(out['loss'].detach()):.4f}")
    return sums, n_batches


def load_best(model: nn.Module, checkpoint_dir: Path | str, map_location: torch.device | str = "cpu") -> dict[str, Any]:
    """Load ``best.pt`` weights from ``checkpoint_dir`` into ``model``; print and return its metadata."""
    path = Path(checkpoint_dir) / "best.pt"
    state = load_checkpoint(path, map_location=map_location)
    model.load_state_dict(state.pop("model"))
    print(f"Model {path} is loaded from epoch {state['epoch']}: "
          + ", ".join(f"{k} {v:.4f}" for k, v in state.items() if k != "epoch"))
    return state


def cosine_schedule(base: float, final: float, total_steps: int, warmup_steps: int = 0,
                    start_warmup_value: float = 0.0) -> np.ndarray:
    """Per-step values: linear warmup from ``start_warmup_value`` to ``base``, then cosine to ``final``."""
    if total_steps <= 0 or not 0 <= warmup_steps <= total_steps:
        raise ValueError("need total_steps > 0 and 0 <= warmup_steps <= total_steps")
    warmup = np.linspace(start_warmup_value, base, warmup_steps, endpoint=False)
    steps = np.arange(total_steps - warmup_steps)
    decay_len = max(len(steps) - 1, 1)
    cosine = final + 0.5 * (base - final) * (1 + np.cos(np.pi * steps / decay_len))
    return np.concatenate([warmup, cosine])


def warmup_cosine_lambda(total_steps: int, warmup_steps: int = 0, final_ratio: float = 0.0) -> Callable[[int], float]:
    """A ``LambdaLR`` multiplier: linear warmup to 1 over ``warmup_steps``, then cosine to ``final_ratio``."""
    values = cosine_schedule(1.0, final_ratio, total_steps, warmup_steps)

    def factor(step: int) -> float:
        return float(values[min(step, total_steps - 1)])

    return factor


def adamw_warmup_cosine(params: Iterable, lr: float, weight_decay: float, total_steps: int, warmup_steps: int = 0,
                        betas: tuple[float, float] = (0.9, 0.999)) -> tuple[torch.optim.AdamW, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW with a per-step linear warm-up then cosine decay to 0 (taught in week 2); step the scheduler every batch."""
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, betas=betas)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_cosine_lambda(total_steps, warmup_steps))
    return optimizer, scheduler


class ModelEMA(nn.Module):
    """Exponential moving average of a model's weights: ``ema = decay * ema + (1 - decay) * model``."""

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        super().__init__()
        self.module = copy.deepcopy(model).eval()
        self.decay = decay
        for p in self.module.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module, decay: float | None = None) -> None:
        """Move the averaged weights towards ``model``'s (buffers such as BN statistics are copied)."""
        d = self.decay if decay is None else decay
        for ema_p, p in zip(self.module.parameters(), model.parameters()):
            ema_p.mul_(d).add_(p.detach(), alpha=1 - d)
        for ema_b, b in zip(self.module.buffers(), model.buffers()):
            ema_b.copy_(b)

    @torch.no_grad()
    def reset(self, model: nn.Module) -> None:
        """Restart the average from ``model``'s current weights and buffers."""
        for ema_t, t in zip(self.module.state_dict().values(), model.state_dict().values()):
            ema_t.copy_(t)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the averaged model."""
        return self.module(*args, **kwargs)


class MovingAverage:
    """Exponentially smoothed scalar with bias correction (for noisy per-step metrics)."""

    def __init__(self, beta: float = 0.99) -> None:
        self.beta, self.value, self.steps = beta, 0.0, 0

    def update(self, x: float) -> float:
        """Add one observation and return the bias-corrected average."""
        self.steps += 1
        self.value = self.beta * self.value + (1 - self.beta) * float(x)
        return self.get()

    def get(self) -> float:
        """The current bias-corrected average (0 before any update)."""
        return self.value / (1 - self.beta ** self.steps) if self.steps else 0.0


def define_param_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Optimizer groups: weight decay on weights and kernels (ndim > 1), none on gains and biases (taught in week 4)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.ndim <= 1]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters of a model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
