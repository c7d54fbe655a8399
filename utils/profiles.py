"""Run profiles (``smoke`` / ``full``), seeding, device choice and per-profile configs."""
from __future__ import annotations

import os
import random
import re
import warnings
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import torch

PROFILES = ("smoke", "full")
ENV_VAR = "COURSE_PROFILE"
DRY_RUN_ENV = "COURSE_DRY_RUN"  # "1": the full code path with run length cut (see `dry_run_config`)
DRY_RUN_CPU_BATCH = 16  # a dry run without a GPU also caps batch sizes, so it fits a laptop's memory


def get_profile() -> str:
    """Return ``"smoke"`` or ``"full"`` from ``COURSE_PROFILE``, defaulting to ``full`` only with a CUDA GPU."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if not value:
        return "full" if torch.cuda.is_available() else "smoke"
    if value not in PROFILES:
        raise ValueError(
            f"{ENV_VAR}={os.environ[ENV_VAR]!r} is not a profile; allowed values are "
            f"{', '.join(repr(p) for p in PROFILES)} (or leave it unset)."
        )
    return value


def is_dry_run() -> bool:
    """Whether ``COURSE_DRY_RUN`` asks for a dry run (``1``/``true``/``yes``); any other non-empty value is an error."""
    value = os.environ.get(DRY_RUN_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise ValueError(f"{DRY_RUN_ENV}={os.environ[DRY_RUN_ENV]!r}: use 1 (dry run) or 0 / unset (a real run)")


def run_name(profile: str) -> str:
    """Name of a run's checkpoint folder: the profile, or ``full-dry-run`` so a dry run never resumes a real run."""
    return f"{profile}-dry-run" if profile == "full" and is_dry_run() else profile


CHECKPOINTS_ENV = "COURSE_CHECKPOINTS"  # a folder that outlives the session (e.g. Google Drive on Colab)


def checkpoint_dir(week_dir: Path | str, profile: str) -> Path:
    """The week's checkpoint folder for ``profile``: ``<week>/checkpoints/<profile>`` (``full-dry-run`` in a dry run).

    With ``COURSE_CHECKPOINTS`` set it is ``$COURSE_CHECKPOINTS/<week folder name>/<profile>`` instead, so
    checkpoints can live where a disconnect does not wipe them (Colab's ``/content`` is wiped).
    """
    base = os.environ.get(CHECKPOINTS_ENV, "").strip()
    root = Path(base).expanduser() / Path(week_dir).name if base else Path(week_dir) / "checkpoints"
    return root / run_name(profile)


def profile_reason(profile: str | None = None) -> str:
    """Explain in one sentence why ``profile`` (default: the active one) was chosen."""
    profile = profile or get_profile()
    if os.environ.get(ENV_VAR, "").strip():
        return f"{ENV_VAR}={os.environ[ENV_VAR].strip()} was set"
    if profile == "full":
        return f"{ENV_VAR} is unset and a CUDA GPU ({torch.cuda.get_device_name(0)}) is available"
    return f"{ENV_VAR} is unset and no CUDA GPU was found"


def profile_banner(profile: str | None = None) -> str:
    """Return a short multi-line banner saying which profile runs, why, and what it means."""
    profile = profile or get_profile()
    meaning = {
        "full": "the course's real datasets, pretrained weights and hyperparameters (GPU, downloads once)",
        "smoke": "small offline data and small models on the CPU, minutes at most; "
        "set COURSE_PROFILE=full on a GPU for the real course",
    }[profile]
    line = "=" * 72
    banner = f"{line}\nProfile: {profile.upper()}  ({profile_reason(profile)})\n  -> {meaning}"
    if is_dry_run():
        banner += (f"\nDRY RUN ({DRY_RUN_ENV}=1): the real code path, data and weights, with run length cut "
                   f"(1 epoch, a slice of each split); metrics are produced, not judged")
    if profile == "full" and not torch.cuda.is_available():
        banner += ("\nWARNING: full profile without a CUDA GPU: "
                   + ("expect minutes per week on a CPU (dry run)" if is_dry_run() else
                      "expect days of CPU time (hours on a GPU); use COURSE_PROFILE=smoke or a GPU"))
    return f"{banner}\n{line}"


def set_cpu_threads(threads: int | None) -> int:
    """Use ``threads`` CPU threads in PyTorch's operations (None: its default) unless ``OMP_NUM_THREADS`` is set; return the count.

    For a week whose smoke model is too small to split its steps over threads (they mostly wait for each other).
    An explicit ``OMP_NUM_THREADS`` wins, so a run can still be measured at another thread count.
    """
    if threads is not None and not os.environ.get("OMP_NUM_THREADS", "").strip():
        torch.set_num_threads(threads)
    return torch.get_num_threads()


def get_device() -> torch.device:
    """Return the CUDA device when one is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python, NumPy and PyTorch (all devices) and choose the GPU's kernels (see :func:`configure_gpu`)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    configure_gpu(deterministic)


def configure_gpu(deterministic: bool = False) -> None:
    """On a CUDA machine: fast kernels (TF32 matmuls and convolutions, cuDNN autotuning), or reproducible ones.

    TF32 keeps float32's range with a 10-bit mantissa inside matmuls and convolutions (Ampere and later;
    a T4 ignores it): several times faster, and well inside what SGD's noise tolerates. ``deterministic``
    asks for bit-reproducible runs instead: float32 matmuls, deterministic cuDNN kernels, no autotuning.
    Without a GPU nothing changes (CPU results do not depend on these settings).
    """
    if not torch.cuda.is_available():
        return
    torch.backends.cuda.matmul.allow_tf32 = not deterministic
    torch.backends.cudnn.allow_tf32 = not deterministic
    torch.backends.cudnn.benchmark = not deterministic
    torch.backends.cudnn.deterministic = deterministic


class Config(dict):
    """A dict of hyperparameters that also allows attribute access (``cfg.lr``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as err:
            raise AttributeError(f"config has no key {name!r}; keys: {sorted(self)}") from err

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __repr__(self) -> str:
        width = max((len(k) for k in self), default=0)
        return "\n".join(f"{k:<{width}} = {v!r}" for k, v in self.items())


_EPOCHS = re.compile(r"(^|_)epochs$")
_ITERATIONS = re.compile(r"(^|_)(iterations|steps)$")
_BATCH = re.compile(r"(^|_)batch_size$")
DRY_RUN_LIMITS = {"iters_per_epoch": 5, "val_batches": 2, "tsne_points": 200, "kmeans_n_init": 1}


def dry_run_config(values: Mapping[str, Any], cuda: bool | None = None) -> dict[str, Any]:
    """Cut a config's run length for a dry run: every ``*epochs`` > 0 becomes 1, ``*iterations``/``*steps`` at most 10.

    ``iters_per_epoch``, ``val_batches``, ``tsne_points`` and ``kmeans_n_init`` are capped too
    (``DRY_RUN_LIMITS``); without a GPU (``cuda`` False) every ``*batch_size`` is capped at
    ``DRY_RUN_CPU_BATCH``. Every other value (models, learning rates, image sizes) stays as it is.
    """
    cuda = torch.cuda.is_available() if cuda is None else cuda
    out = dict(values)
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        if _EPOCHS.search(key) and value > 0:
            out[key] = 1
        elif _ITERATIONS.search(key) and value > 0:
            out[key] = min(value, 10)
        elif key in DRY_RUN_LIMITS:
            out[key] = min(value, DRY_RUN_LIMITS[key])
        elif _BATCH.search(key) and not cuda:
            out[key] = min(value, DRY_RUN_CPU_BATCH)
    return out


def make_config(profile: str, smoke: Mapping[str, Any], full: Mapping[str, Any]) -> Config:
    """Pick the hyperparameters of ``profile`` (both must define the same keys); a full dry run cuts run length."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; allowed values are 'smoke', 'full'")
    if set(smoke) != set(full):
        missing = sorted(set(smoke) ^ set(full))
        raise KeyError(f"smoke and full configs must have the same keys; differing: {missing}")
    values = dict(smoke if profile == "smoke" else full)
    dry = profile == "full" and is_dry_run()
    if dry:
        values = dry_run_config(values)
    elif is_dry_run():
        warnings.warn(f"{DRY_RUN_ENV}=1 only cuts the full profile; smoke runs as it is", stacklevel=2)
    return Config(values, profile=profile, dry_run=dry)
