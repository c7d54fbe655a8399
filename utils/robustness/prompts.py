"""Zero-shot prompt templates: CLIP's 18 CIFAR templates (Radford et al. 2021); a dry run keeps the first one."""
from __future__ import annotations

from typing import Sequence

from ..profiles import is_dry_run

CIFAR_TEMPLATES = tuple(f"a {quality}photo of {article} {{c}}." for article in ("a", "the") for quality in (
    "", "blurry ", "black and white ", "low contrast ", "high contrast ", "bad ", "good "))
CIFAR_TEMPLATES += tuple(f"a photo of {article} {size} {{c}}." for article in ("a", "the") for size in ("small", "big"))


def templates_for_run(templates: Sequence[str]) -> list[str]:
    """The templates to use: all of them, or the first one in a dry run (text encoding of every class is its cost)."""
    return list(templates[:1]) if is_dry_run() else list(templates)
