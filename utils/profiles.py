"""Run profiles (``smoke`` / ``full``), seeding, device choice and per-profile configs."""
from __future__ import annotations

import os
import random
from typing import Any, Mapping

import numpy as np
import torch

PROFILES = ("smoke", "full")
ENV_VAR = "COURSE_PROFILE"


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
    return f"{line}\nProfile: {profile.upper()}  ({profile_reason(profile)})\n  -> {meaning}\n{line}"


def get_device() -> torch.device:
    """Return the CUDA device when one is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python, NumPy and PyTorch (all devices); optionally force deterministic cuDNN kernels."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


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


def make_config(profile: str, smoke: Mapping[str, Any], full: Mapping[str, Any]) -> Config:
    """Pick the hyperparameters of ``profile``; both profiles must define the same keys."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; allowed values are 'smoke', 'full'")
    if set(smoke) != set(full):
        missing = sorted(set(smoke) ^ set(full))
        raise KeyError(f"smoke and full configs must have the same keys; differing: {missing}")
    return Config(dict(smoke if profile == "smoke" else full), profile=profile)
