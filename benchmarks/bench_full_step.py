"""Benchmark: one training step of every week's full-profile model at its full batch shape (issue 12).

For each week this times what dominates the ``full`` profile's GPU time: a whole training step
(forward, loss, backward, optimizer step, with CUDA AMP where the full config asks for it, exactly
as ``utils.fit`` does) or, for the frozen-feature weeks, the forward pass the week actually runs
(week 5: MoCo ResNet-50 features, week 9: open_clip ConvNeXt-Base-W features, week 12: ESM-2 650M
attention maps) plus the small head they train. Inputs are synthetic tensors of the right shapes and
dtypes (random labels); every model is built at random init (no downloads), so nothing but the
arithmetic is real. Data loading, CPU-side augmentation in loader workers, validation passes,
probes, k-means and plots are not timed.

The hyperparameters are read from each notebook's ``cfg = utils.make_config(PROFILE, smoke=...,
full=...)`` cell (the ``full`` dict), and the models, losses and step functions the notebooks define
themselves (the week 1 autoencoder, week 3 BERT, week 4 SimCLR model/loss/augmentation, week 5 heads
and SCAN loss, week 6 student and distillation loss, week 7 DINO head and loss, week 8 MAE, week 12
attention post-processing and head loss) are executed from the notebook JSON (every import, def, class
and ALL_CAPS constant, in notebook order), so the benchmark times the code the course runs and a
class that starts using another one needs no change here. ``tests/test_bench_full_step.py`` builds
every row and runs one step at a tiny batch on the CPU, so a row cannot rot unnoticed.

Per row it prints steps/s at the timed batch (after warm-up), peak memory (CUDA:
``torch.cuda.max_memory_allocated`` during the row minus what was allocated before its models were
built; CPU: peak resident set size sampled every 5 ms from ``/proc/self/statm`` during the row
minus the RSS before its models were built, a rough figure since freed memory may be reused
without showing up), steps per epoch from the full config's data set size and batch, and the
projected epoch and full-run time next to the time the course states (``—`` where it states none).
With ``--batch-scale`` < 1 (the CPU default, 1/16) every batch is scaled down and the projection
assumes time proportional to the batch (per-sample), which a GPU does not obey: only the CUDA
numbers at scale 1 are a measurement of the real shapes (the week 5 heads and the week 12 protein,
cheap or of batch 1, always run at their full batch). ``batch`` is timed/full samples per step.
Rows marked ``+`` are further parts of the same week; ``one run`` is one run of that part (all its
epochs) and ``week total`` sums the parts times their number of runs (e.g. SCAN and PMI heads).

Run: ``python benchmarks/bench_full_step.py [--weeks 01,04] [--steps N] [--warmup N]
[--device cuda] [--batch-scale 1.0] [--esm-train-proteins N]``.
"""
from __future__ import annotations

import argparse
import ast
import copy
import ctypes
import gc
import json
import math
import os
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
import utils  # noqa: E402

STL10_UNLABELED, STL10_TRAIN, STL10_TEST = 100_000, 5_000, 8_000
CIFAR_TRAIN, CIFAR_TEST = 50_000, 10_000
PATHMNIST_TRAIN = 89_996
CPU_BATCH_SCALE = 1 / 16


# ----------------------------------------------------------------------------------------------
# Reading the notebooks


def notebook_path(week_dir: str) -> Path:
    """The solution notebook of a week folder (``weekNN_x/weekNN_x.ipynb``)."""
    return REPO_ROOT / week_dir / f"{week_dir}.ipynb"


def code_cells(week_dir: str) -> list[str]:
    """Source of every code cell of a week's solution notebook, IPython magics dropped."""
    cells = json.loads(notebook_path(week_dir).read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return ["\n".join(line for line in s.splitlines() if not line.lstrip().startswith(("%", "!"))) for s in sources]


def full_config(week_dir: str) -> dict[str, Any]:
    """The ``full=dict(...)`` of the notebook's ``utils.make_config`` call, evaluated without the notebook."""
    for source in code_cells(week_dir):
        if "make_config(" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "make_config":
                full = next(k.value for k in node.keywords if k.arg == "full")
                allowed = {"dict": dict, "list": list, "range": range, "tuple": tuple, "__builtins__": {}}
                return eval(compile(ast.Expression(full), week_dir, "eval"), allowed)  # noqa: S307 - our notebook
    raise LookupError(f"no make_config(..., full=...) call in {notebook_path(week_dir).name}")


def _is_constant(node: ast.stmt) -> bool:
    """An assignment whose targets are all ALL_CAPS names (``MEAN, STD = ...``, ``UNLABELLED = -1``)."""
    if not isinstance(node, ast.Assign):
        return False
    names = [n for t in node.targets for n in (t.elts if isinstance(t, ast.Tuple) else [t])]
    return all(isinstance(n, ast.Name) and n.id.isupper() for n in names)


def notebook_defs(week_dir: str, names: list[str], namespace: dict[str, Any]) -> dict[str, Any]:
    """The notebook's own definitions, executed the way its cells run them, checked to include ``names``.

    Every top-level ``import``, ``def``, ``class`` and ALL_CAPS constant of every code cell is executed in
    notebook order, so a class that uses another (``DINOLoss`` its ``TeacherCentering``) finds it without
    this file naming it. A statement that needs the notebook's run-time state (a constant computed from
    data, a default bound to a loaded model) is skipped; ``namespace`` supplies such values where a row
    needs them. Raises if one of ``names`` is not defined afterwards.
    """
    ns = {"torch": torch, "nn": nn, "F": F, "np": np, "math": math, "copy": copy, "utils": utils,
          "__name__": f"notebook_{week_dir}", **namespace}
    for source in code_cells(week_dir):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) and not _is_constant(node):
                continue
            if _is_constant(node) and all(n.id in namespace for t in node.targets
                                          for n in (t.elts if isinstance(t, ast.Tuple) else [t])):
                continue  # a value the row supplies wins over the notebook's run-time one
            code = compile(ast.Module([node], type_ignores=[]), f"{notebook_path(week_dir).name}", "exec")
            try:
                exec(code, ns)  # noqa: S102 - our own notebook
            except (NameError, AttributeError, KeyError, TypeError):
                continue  # needs the notebook's run-time state (data, a loaded model, cfg)
    missing = [name for name in names if name not in ns]
    if missing:
        raise LookupError(f"{notebook_path(week_dir).name} defines no {missing}")
    return ns


# ----------------------------------------------------------------------------------------------
# What a row is, and how it is timed


@dataclass
class Ctx:
    """Where and how big: the device and the factor applied to every batch."""

    device: torch.device
    batch_scale: float
    light: bool = False  # the CPU test's mode: the largest pretrained architectures built with one block

    def depth(self, full: int) -> int:
        """A block count of a large pretrained architecture: ``full``, or 1 in the test's light mode."""
        return 1 if self.light else full

    def batch(self, full: int) -> int:
        """A full-config batch size after ``--batch-scale`` (at least 1)."""
        return max(1, round(full * self.batch_scale))

    @property
    def cuda(self) -> bool:
        """Whether the device is a CUDA GPU (AMP only runs there, as in ``utils.fit``)."""
        return self.device.type == "cuda"


@dataclass
class Part:
    """One timed workload of a week: ``make()`` builds its models and returns the step to time."""

    label: str
    make: Callable[[], Callable[[], None]]
    batch: int  # samples per timed step (after --batch-scale)
    full_batch: int  # samples per step in the full config
    steps_per_epoch: int | None
    epochs: float | None
    course: str = "—"
    runs: int = 1  # how many times the week runs this part (e.g. SCAN and PMI heads)


@dataclass
class Row:
    """The measured and projected numbers of one part, or the error that stopped it."""

    week: str
    part: Part | None
    label: str
    steps_per_s: float | None = None
    peak_bytes: int | None = None
    error: str | None = None
    extra: dict = field(default_factory=dict)

    def full_step_s(self) -> float | None:
        """Seconds per step at the full batch (per-sample extrapolation when the batch was scaled)."""
        if not self.steps_per_s:
            return None
        return 1 / self.steps_per_s * self.part.full_batch / self.part.batch

    def epoch_s(self) -> float | None:
        """Projected seconds per epoch of the full config."""
        step = self.full_step_s()
        return None if step is None or self.part.steps_per_epoch is None else step * self.part.steps_per_epoch

    def run_s(self) -> float | None:
        """Projected seconds of one full run (all epochs) of this part."""
        epoch = self.epoch_s()
        return None if epoch is None or self.part.epochs is None else epoch * self.part.epochs


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, loss_fn: Callable[[], torch.Tensor],
               ctx: Ctx, amp: bool, clip_grad: float | None = None,
               after_step: Callable[[], None] | None = None) -> Callable[[], None]:
    """A step like ``utils.fit``'s: autocast + GradScaler on CUDA when ``amp``, optional clipping, optimizer step."""
    use_amp = amp and ctx.cuda
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    model.train()

    def step() -> None:
        with torch.autocast(device_type=ctx.device.type, enabled=use_amp):
            loss = loss_fn()
        loss = loss["loss"] if isinstance(loss, dict) else loss
        scaler.scale(loss).backward()
        if clip_grad is not None:
            scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        if after_step is not None:
            after_step()

    return step


def inference_step(model: nn.Module, x: torch.Tensor, amp: bool = False) -> Callable[[], None]:
    """A feature-extraction step like ``utils.extract_features``: eval mode, inference mode, fp16 autocast if ``amp`` on CUDA."""
    model.eval()

    def step() -> None:
        with torch.inference_mode(), torch.autocast(x.device.type, enabled=amp and x.device.type == "cuda"):
            model(x).float()

    return step


def rss_bytes() -> int:
    """This process's resident set size (Linux ``/proc/self/statm``; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakMemory:
    """Peak memory of a block: CUDA peak allocated, or sampled CPU RSS, minus the level at entry."""

    def __init__(self, device: torch.device, interval_s: float = 0.005) -> None:
        self.device, self.interval_s, self.peak = device, interval_s, 0

    def __enter__(self) -> "PeakMemory":
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.base = torch.cuda.memory_allocated(self.device)
        else:
            self.base = self.peak = rss_bytes()
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc: Any) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            self.peak = torch.cuda.max_memory_allocated(self.device)
        else:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, rss_bytes())

    @property
    def used(self) -> int:
        """Bytes above the level at entry."""
        return max(0, self.peak - self.base)


def free_memory() -> None:
    """Collect garbage and hand freed memory back (CUDA cache, glibc heap) before the next row."""
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def time_part(week: str, part: Part, ctx: Ctx, warmup: int, steps: int) -> Row:
    """Build the part's models, run ``warmup`` then ``steps`` timed steps; steps/s and peak memory."""
    sync = (lambda: torch.cuda.synchronize(ctx.device)) if ctx.cuda else (lambda: None)
    row = Row(week, part, part.label)
    try:
        with PeakMemory(ctx.device) as memory:
            step = part.make()
            for _ in range(warmup):
                step()
            sync()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            sync()
            elapsed = time.perf_counter() - start
        row.steps_per_s, row.peak_bytes = steps / elapsed, memory.used
    except Exception as err:  # one model that cannot be built or run must not stop the others
        row.error = f"{type(err).__name__}: {err}".splitlines()[0][:160]
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()
    finally:
        step = None
        free_memory()
    return row


def rand_images(ctx: Ctx, batch: int, size: int, channels: int = 3, uint8: bool = False) -> torch.Tensor:
    """Synthetic images: uint8 in [0, 255] or float in [0, 1]."""
    if uint8:
        return torch.randint(0, 256, (batch, channels, size, size), dtype=torch.uint8, device=ctx.device)
    return torch.rand(batch, channels, size, size, device=ctx.device)


# ----------------------------------------------------------------------------------------------
# One builder per week: read the full config, return the parts (models are built in Part.make)


def build_week01(ctx: Ctx) -> list[Part]:
    """Autoencoder on STL10 unlabeled (notebook's ``Autoencoder`` and ``reconstruction_step``)."""
    week = "week01_autoencoder"
    cfg = full_config(week)
    ns = notebook_defs(week, ["Autoencoder", "reconstruction_step"], {})
    b, s = ctx.batch(cfg["batch_size"]), cfg["img_size"]

    def make() -> Callable[[], None]:
        model = ns["Autoencoder"](3, cfg["base_channels"], cfg["n_layers"], cfg["kernel_size"], cfg["stride"],
                                  cfg["padding"]).to(ctx.device)
        optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
        batch = (rand_images(ctx, b, s), torch.zeros(b, dtype=torch.long, device=ctx.device))
        return train_step(model, optimizer, lambda: ns["reconstruction_step"](model, batch), ctx, amp=False)

    return [Part(f"conv autoencoder ({cfg['n_layers']} layers, {cfg['base_channels']} ch), MSE, Adam; x {b}x3x{s}x{s}",
                 make, b, cfg["batch_size"], STL10_UNLABELED // cfg["batch_size"], cfg["epochs"],
                 "26 min (40 ep)")]


def build_week02(ctx: Ctx) -> list[Part]:
    """Rotation prediction with ResNet18 (notebook's ``load_resnet`` and ``rotation_step``)."""
    week = "week02_rotation"
    cfg = full_config(week)
    import torchvision
    ns = notebook_defs(week, ["load_resnet", "rotation_step"], {"torchvision": torchvision})
    b, s = ctx.batch(cfg["batch_size"]), cfg["image_size"]

    def make() -> Callable[[], None]:
        model = ns["load_resnet"](num_classes=4, small_stem=cfg["small_stem"]).to(ctx.device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
        batch = (rand_images(ctx, b, s), torch.randint(0, 4, (b,), device=ctx.device))
        return train_step(model, optimizer, lambda: ns["rotation_step"](model, batch), ctx, amp=cfg["amp"])

    amp = " AMP" if cfg["amp"] else ""
    return [Part(f"ResNet18 4-way rotation CE, AdamW{amp}; x {b}x3x{s}x{s}", make, b, cfg["batch_size"],
                 STL10_UNLABELED // cfg["batch_size"], cfg["epochs"], "~50 min")]


def build_week03(ctx: Ctx) -> list[Part]:
    """BERT pre-training, phase 1 and phase 2 shapes (notebook's ``BERT``, ``BERTMasker``, ``bert_losses``)."""
    week = "week03_bert"
    cfg = full_config(week)
    if cfg["tokenizer"] != "bert-base-uncased":
        raise ValueError(f"full tokenizer is {cfg['tokenizer']!r}; the special ids below assume bert-base-uncased")
    special = dict(VOCAB_SIZE=cfg["vocab_size"], MAX_SEQ_LEN=cfg["max_seq_len"], PAD_ID=0, CLS_ID=101, SEP_ID=102,
                   MASK_ID=103)  # bert-base-uncased
    ns = notebook_defs(week, ["Embedding", "BERTEncoder", "BERT", "BERTMasker", "bert_losses"], special)
    phase2_iters = int(cfg["phase2_frac"] * cfg["num_iterations"])
    phase1_iters = cfg["num_iterations"] - phase2_iters

    def part(batch_full: int, seq_len: int, lr: float, iters: int, name: str) -> Part:
        b = ctx.batch(batch_full)

        def make() -> Callable[[], None]:
            model = ns["BERT"](cfg["d_model"], cfg["n_layers"], cfg["n_heads"], cfg["dim_feedforward"], cfg["dropout"],
                               norm_first=cfg["norm_first"], vocab_size=cfg["vocab_size"], max_len=cfg["max_seq_len"],
                               pad_id=special["PAD_ID"]).to(ctx.device)
            optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
            masker = ns["BERTMasker"](p_select=0.15, p_mask=0.8, p_rand=0.1, mask_id=special["MASK_ID"],
                                      vocab_size=cfg["vocab_size"])
            # a batch padded to the phase's longest pair: [CLS] a [SEP] b [SEP], no padding left
            ids = torch.randint(1000, cfg["vocab_size"], (b, seq_len), device=ctx.device)
            ids[:, 0], ids[:, seq_len // 2], ids[:, -1] = special["CLS_ID"], special["SEP_ID"], special["SEP_ID"]
            normal = (ids != special["CLS_ID"]) & (ids != special["SEP_ID"])
            segments = (torch.arange(seq_len, device=ctx.device) > seq_len // 2).long().expand(b, -1)
            is_next = torch.randint(0, 2, (b,), device=ctx.device).float()

            def loss() -> torch.Tensor:  # the notebook's batch_outputs without its logging
                input_ids, select_mask, masked_tokens = masker(ids, normal)
                logits_clsf, logits_lm = model(input_ids, segments, select_mask)
                nsp_loss, mlm_loss = ns["bert_losses"](logits_clsf, logits_lm, is_next, masked_tokens)
                return nsp_loss + mlm_loss

            return train_step(model, optimizer, loss, ctx, amp=False)

        return Part(f"BERT {name} (d {cfg['d_model']}, {cfg['n_layers']} layers), MLM+NSP, AdamW; ids {b}x{seq_len}",
                    make, b, batch_full, cfg["iters_per_epoch"], iters / cfg["iters_per_epoch"])

    return [part(cfg["batch_size"], cfg["phase1_max_len"], cfg["lr"], phase1_iters, "phase 1"),
            part(cfg["phase2_batch_size"], cfg["phase2_max_len"], cfg["lr"] / 2, phase2_iters, "phase 2")]


def build_week04(ctx: Ctx) -> list[Part]:
    """SimCLR pre-training with on-device augmentation, and the fine-tuning runs (notebook's code)."""
    week = "week04_simclr"
    cfg = full_config(week)
    import kornia.augmentation as K
    import torchvision
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    ns = notebook_defs(week, ["to_unit_float", "Augment", "Preprocess", "ResNetSimCLR", "ContrastiveLoss",
                              "define_param_groups", "simclr_step", "classify_step"],
                       {"K": K, "torchvision": torchvision, "MEAN": mean, "STD": std})
    b, bf = ctx.batch(cfg["batch_size"]), ctx.batch(cfg["ft_batch_size"])

    def make_simclr() -> Callable[[], None]:
        model = ns["ResNetSimCLR"](cfg["embedding_size"]).to(ctx.device)
        ns["augment"] = ns["Augment"](cfg["img_size"], crop_scale=cfg["crop_scale"], flip_p=cfg["flip_p"]).to(ctx.device)
        ns["criterion"] = ns["ContrastiveLoss"](cfg["temperature"])
        optimizer = torch.optim.Adam(ns["define_param_groups"](model, cfg["weight_decay"]), lr=cfg["lr"])
        images = rand_images(ctx, b, cfg["data_size"], uint8=True)
        return train_step(model, optimizer, lambda: ns["simclr_step"](model, images, augment=ns["augment"], criterion=ns["criterion"]), ctx, amp=cfg["amp"])

    def make_finetune() -> Callable[[], None]:
        backbone = torchvision.models.resnet18(weights=None)
        backbone.fc = nn.Identity()
        net = nn.Sequential(ns["Preprocess"](cfg["eval_size"]), backbone, nn.Linear(512, 10)).to(ctx.device)
        optimizer = torch.optim.Adam(net.parameters(), lr=cfg["ft_lr"])
        batch = (rand_images(ctx, bf, cfg["data_size"], uint8=True), torch.randint(0, 10, (bf,), device=ctx.device))
        return train_step(net, optimizer, lambda: ns["classify_step"](net, batch), ctx, amp=cfg["amp"])

    amp = " AMP" if cfg["amp"] else ""
    simclr = Part(f"SimCLR ResNet18, kornia views + NT-Xent, Adam{amp}; {b}x3x{cfg['data_size']}^2 uint8 -> "
                  f"{2 * b}x3x{cfg['img_size']}^2", make_simclr, b, cfg["batch_size"] * cfg["grad_accum"],
                  STL10_UNLABELED // (cfg["batch_size"] * cfg["grad_accum"]), cfg["epochs"],
                  "~156 min (60 ep, eff. batch >1024)")
    modes = len(cfg["ft_modes"])
    finetune = Part(f"fine-tune ResNet18 + linear, CE, Adam{amp}; x {bf}x3x{cfg['eval_size']}^2 (x{modes} inits)",
                    make_finetune, bf, cfg["ft_batch_size"], math.ceil(STL10_TRAIN / cfg["ft_batch_size"]),
                    cfg["ft_epochs"], runs=modes)
    return [simclr, finetune]


def build_week05(ctx: Ctx) -> list[Part]:
    """MoCo v2 ResNet-50 features (frozen) and the clustering-head step (notebook's heads and SCAN loss)."""
    week = "week05_moco_clustering"
    cfg = full_config(week)
    import torchvision
    ns = notebook_defs(week, ["SCANLoss", "ClusterHeads"], {})
    b, s = ctx.batch(cfg["feature_batch_size"]), cfg["img_size"]
    bh = cfg["head_batch_size"]  # full batch even under --batch-scale: a 2048->10 linear step is cheap anywhere

    def make_features() -> Callable[[], None]:
        model = getattr(torchvision.models, cfg["encoder"])()
        model.fc = nn.Identity()
        return inference_step(model.to(ctx.device), rand_images(ctx, b, s))

    def make_heads() -> Callable[[], None]:
        heads = ns["ClusterHeads"](2048, cfg["num_clusters"], cfg["num_heads"]).to(ctx.device)
        optimizer = torch.optim.Adam(heads.parameters(), lr=cfg["head_lr"], weight_decay=cfg["head_weight_decay"])
        losses = [ns["SCANLoss"](cfg["entropy_weight"]) for _ in range(cfg["num_heads"])]
        anchors = F.normalize(torch.randn(bh, 2048, device=ctx.device), dim=1)
        neighbors = F.normalize(torch.randn(bh, 2048, device=ctx.device), dim=1)

        def loss() -> torch.Tensor:  # the notebook's step in train_clustering_heads (SCAN: the target is the model)
            a, n = heads(anchors), heads(neighbors)
            return torch.stack([f(x, y) for f, x, y in zip(losses, a, n)]).sum()

        return train_step(heads, optimizer, loss, ctx, amp=False)

    fb = cfg["feature_batch_size"]
    feature_batches = math.ceil(STL10_TRAIN / fb) + math.ceil(STL10_TEST / fb)
    return [Part(f"{cfg['encoder']} features (inference, fp32); x {b}x3x{s}x{s} (train+test, x2: MoCo, random)",
                 make_features, b, fb, feature_batches, 1, runs=2),
            Part(f"{cfg['num_heads']} linear head(s) 2048->{cfg['num_clusters']}, SCAN loss, Adam; {bh}x2048 pairs "
                 "(full batch; x2: SCAN, PMI)", make_heads, bh, cfg["head_batch_size"],
                 math.ceil(STL10_TRAIN / cfg["head_batch_size"]), cfg["head_epochs"], "<=5 min (both)", runs=2)]


def build_week06(ctx: Ctx) -> list[Part]:
    """ViT-B/16 teacher fine-tuning, ViT-Tiny student, distillation (notebook's augmentation, models, losses, steps).

    Every row starts from what the notebook's batches hold: uint8 32-px images on the device. The timed step
    includes the notebook's on-device `Augment` (kornia) and, for the teacher, its `Upsample` to 224 px.
    """
    week = "week06_vit_distillation"
    cfg = full_config(week)
    import kornia.augmentation as K
    import timm
    from timm.models.vision_transformer import VisionTransformer
    ns = notebook_defs(week, ["Normalize", "Augment", "Upsample", "make_student", "labelled_cross_entropy",
                              "DistillationLoss", "distillation_step", "label_step"],
                       {"K": K, "VisionTransformer": VisionTransformer, "UNLABELLED": -1,
                        "IMAGENET_MEAN": utils.IMAGENET_MEAN, "IMAGENET_STD": utils.IMAGENET_STD})
    student_cfg = types.SimpleNamespace(**cfg)
    bt, b = ctx.batch(cfg["teacher_batch_size"]), ctx.batch(cfg["batch_size"])
    ts, s = cfg["teacher_img_size"], cfg["img_size"]
    augment = ns["Augment"](s, cfg["color_jitter"], cfg["hflip"]).to(ctx.device)

    def teacher() -> nn.Module:  # the notebook's build_teacher without the download: Upsample in front of the ViT
        light = {"depth": ctx.depth(12)} if ctx.light else {}  # the test's one-block teacher
        vit = timm.create_model(cfg["teacher"], pretrained=False, num_classes=100, **light)
        return nn.Sequential(ns["Upsample"](ts), vit).to(ctx.device)

    def batch(n: int) -> Callable[[], tuple[torch.Tensor, torch.Tensor]]:
        images, labels = rand_images(ctx, n, s, uint8=True), torch.randint(0, 100, (n,), device=ctx.device)

        def augmented() -> tuple[torch.Tensor, torch.Tensor]:  # as AugmentedBatches: no graph, no autocast
            with torch.no_grad(), torch.autocast(ctx.device.type, enabled=False):
                return augment(images), labels
        return augmented

    def adamw(model: nn.Module, lr: float) -> torch.optim.Optimizer:
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=cfg["weight_decay"])

    def make_teacher() -> Callable[[], None]:
        model, data = teacher(), batch(bt)
        return train_step(model, adamw(model, cfg["teacher_lr"]), lambda: ns["label_step"](model, data()), ctx,
                          amp=cfg["amp"])

    def make_student() -> Callable[[], None]:
        model, data = ns["make_student"](student_cfg, 100).to(ctx.device), batch(b)
        return train_step(model, adamw(model, cfg["lr"]), lambda: ns["label_step"](model, data()), ctx,
                          amp=cfg["amp"])

    def make_distill() -> Callable[[], None]:
        frozen = teacher().eval().requires_grad_(False)
        model, data = ns["make_student"](student_cfg, 100).to(ctx.device), batch(b)
        criterion = ns["DistillationLoss"](alpha=cfg["alpha"], temperature=cfg["temperature"])
        return train_step(model, adamw(model, cfg["lr"]),
                          lambda: ns["distillation_step"](model, data(), frozen, criterion), ctx, amp=cfg["amp"])

    amp = " AMP" if cfg["amp"] else ""
    steps = CIFAR_TRAIN // cfg["batch_size"]
    kd_runs = 2 if cfg["hard_kd"] else 1
    vit = f"ViT-Tiny ({cfg['embed_dim']}-d, {cfg['depth']} blocks, patch {cfg['patch_size']})"
    return [Part(f"teacher {cfg['teacher'].split('.')[0]} fine-tune, CE, AdamW{amp}; {bt}x3x{s}^2 uint8 -> augment -> "
                 f"upsample {ts}^2 on device", make_teacher, bt, cfg["teacher_batch_size"],
                 CIFAR_TRAIN // cfg["teacher_batch_size"], cfg["teacher_epochs"], "~7 min/ep (batch 48)"),
            Part(f"student {vit} labels only, CE, AdamW{amp}; {b}x3x{s}^2 uint8 -> augment", make_student, b,
                 cfg["batch_size"], steps, cfg["epochs"]),
            Part(f"distill: augment, teacher fwd {b}x3x{ts}^2 (upsampled on device) + student step {b}x3x{s}^2{amp} "
                 f"(x{kd_runs}: soft{', hard' if cfg['hard_kd'] else ''} KD)", make_distill, b, cfg["batch_size"],
                 steps, cfg["epochs"], "~120 min (40 ep)", runs=kd_runs)]


def build_week07(ctx: Ctx) -> list[Part]:
    """DINO on PathMNIST: student on all views, EMA teacher on the global ones (notebook's model and loss)."""
    week = "week07_dino"
    cfg = full_config(week)
    from timm.models.vision_transformer import VisionTransformer
    from torch.nn.utils.parametrizations import weight_norm
    ns = notebook_defs(week, ["DINOHead", "DINOModel", "make_backbone", "DINOLoss"],
                       {"VisionTransformer": VisionTransformer, "weight_norm": weight_norm})
    b, views = ctx.batch(cfg["batch_size"]), cfg["num_global"] + cfg["num_local"]

    def make() -> Callable[[], None]:
        student = ns["DINOModel"](ns["make_backbone"](types.SimpleNamespace(**cfg)),
                                  ns["DINOHead"](cfg["embed_dim"], cfg["out_dim"], 3, cfg["head_hidden_dim"],
                                                 cfg["head_bottleneck_dim"])).to(ctx.device)
        teacher = utils.ModelEMA(student)
        loss_fn = ns["DINOLoss"](cfg["out_dim"], cfg["num_global"], cfg["num_local"], cfg["student_temp"],
                                 cfg["center_momentum"]).to(ctx.device)
        decay = [p for p in student.parameters() if p.requires_grad and p.ndim > 1]
        no_decay = [p for p in student.parameters() if p.requires_grad and p.ndim <= 1]
        optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weight_decay"]},
                                       {"params": no_decay, "weight_decay": 0.0}], lr=cfg["lr"])
        # view-major (V * B, 3, 28, 28), as DINOTrainer.training_step flattens its (B, V, ...) batch
        x = torch.randn(views * b, 3, 28, 28, device=ctx.device)
        num_teacher = cfg["num_global"] * b

        def loss() -> torch.Tensor:  # DINOTrainer.training_step without the schedule bookkeeping
            student_out = student(x)
            with torch.no_grad():
                teacher_out = teacher(x[:num_teacher])
            return loss_fn(student_out, teacher_out, cfg["teacher_temp"])

        return train_step(student, optimizer, loss, ctx, amp=cfg["amp"], clip_grad=cfg["clip_grad"],
                          after_step=lambda: teacher.update(student, decay=cfg["teacher_momentum"]))

    amp = " AMP" if cfg["amp"] else ""
    return [Part(f"DINO ViT-Tiny ({cfg['embed_dim']}-d, {cfg['depth']} blocks) + head, EMA teacher, AdamW{amp}, "
                 f"clip; {b}x{views} views x3x28x28", make, b, cfg["batch_size"],
                 PATHMNIST_TRAIN // cfg["batch_size"], cfg["epochs"], "~45 min (15 ep)")]


def build_week08(ctx: Ctx) -> list[Part]:
    """The notebook's MAE (ViT-Tiny encoder, light decoder) pre-training step on CIFAR-10-sized images."""
    week = "week08_masked_modeling"
    cfg = full_config(week)
    from timm.layers import PatchEmbed
    from timm.models.vision_transformer import Block
    ns = notebook_defs(week, ["patchify", "unpatchify", "random_masking", "sincos_pos_embed", "init_weights",
                              "MAEEncoder", "unshuffle_with_mask_tokens", "MAEDecoder", "mae_loss", "MAE"],
                       {"PatchEmbed": PatchEmbed, "Block": Block})
    b = ctx.batch(cfg["batch_size"])

    def make() -> Callable[[], None]:
        model = ns["MAE"](cfg["img_size"], cfg["patch_size"], 3, cfg["embed_dim"], cfg["depth"], cfg["num_heads"],
                          cfg["decoder_embed_dim"], cfg["decoder_depth"], cfg["decoder_num_heads"],
                          cfg["mask_ratio"]).to(ctx.device)
        lr = cfg["base_lr"] * cfg["batch_size"] / 256 * cfg["lr_scale"]
        optimizer = torch.optim.AdamW(utils.define_param_groups(model, cfg["weight_decay"]), lr=lr, betas=(0.9, 0.95))
        images = torch.randn(b, 3, cfg["img_size"], cfg["img_size"], device=ctx.device)
        return train_step(model, optimizer, lambda: model(images)[0], ctx, amp=cfg["amp"])

    return [Part(f"MAE ViT-Tiny enc ({cfg['embed_dim']}-d, {cfg['depth']} blocks) + {cfg['decoder_depth']}x"
                 f"{cfg['decoder_embed_dim']}-d dec, mask {cfg['mask_ratio']}, AdamW{' AMP' if cfg['amp'] else ''}; "
                 f"x {b}x3x{cfg['img_size']}^2", make, b, cfg["batch_size"], CIFAR_TRAIN // cfg["batch_size"],
                 cfg["epochs"], "not in the course (notebook estimate: ~75 min)")]


def build_week09(ctx: Ctx) -> list[Part]:
    """open_clip ConvNeXt-Base-W image features (projection removed) of CIFAR-100 train/test and CIFAR-10 test."""
    week = "week09_clip_ood"
    cfg = full_config(week)
    b = ctx.batch(cfg["batch_size"])

    def make() -> Callable[[], None]:
        import open_clip
        visual = open_clip.create_model(cfg["model"], pretrained=None).visual
        visual.head.proj = nn.Identity()  # the notebook's detach_projection for timm towers
        size = visual.image_size if isinstance(visual.image_size, int) else visual.image_size[0]
        return inference_step(visual.to(ctx.device), torch.randn(b, 3, size, size, device=ctx.device), amp=True)

    fb = cfg["batch_size"]
    batches = math.ceil(CIFAR_TRAIN / fb) + 2 * math.ceil(CIFAR_TEST / fb)  # in-dist train + test, OOD test
    return [Part(f"open_clip {cfg['model']} visual features (inference, fp16 autocast); x {b}x3x256x256 "
                 "(CIFAR-100 train+test, CIFAR-10 test)", make, b, fb, batches, 1)]


def build_week12(ctx: Ctx, train_proteins: int | None = None) -> list[Part]:
    """ESM-2 650M attention maps at the full max_len, then the linear contact-head step (notebook's code)."""
    week = "week12_protein_lm"
    cfg = full_config(week)
    import esm
    alphabet = esm.data.Alphabet.from_architecture("ESM-1b")
    ns = notebook_defs(week, ["symmetrize", "apc", "postprocess_attention", "head_loss"], {})
    if cfg["model_name"] != "esm2_t33_650M_UR50D":
        raise ValueError(f"full model is {cfg['model_name']!r}; this row builds esm2_t33_650M_UR50D")
    length = cfg["max_len"]

    def make() -> Callable[[], None]:
        model = esm.model.esm2.ESM2(num_layers=ctx.depth(33), embed_dim=1280, attention_heads=20, alphabet=alphabet)
        model = model.to(ctx.device).eval().requires_grad_(False)
        n_layers = min(cfg["last_n_layers"] or model.num_layers, model.num_layers)
        head = nn.Linear(model.attention_heads * n_layers, 2).to(ctx.device)
        optimizer = torch.optim.Adam(head.parameters(), lr=cfg["head_lr"], weight_decay=cfg["head_wd"])
        residues = torch.tensor([alphabet.get_idx(a) for a in "ACDEFGHIKLMNPQRSTVWY"], device=ctx.device)
        tokens = torch.cat([torch.tensor([alphabet.cls_idx], device=ctx.device),
                            residues[torch.randint(len(residues), (length,), device=ctx.device)],
                            torch.tensor([alphabet.eos_idx], device=ctx.device)])[None]
        contacts = torch.randint(0, 2, (length, length), device=ctx.device)
        class_weight = torch.tensor([1.0, 17.0], device=ctx.device)

        def loss() -> torch.Tensor:  # the notebook's pair_features + head_loss, one protein per step
            with torch.no_grad():
                attentions = model(tokens, need_head_weights=True)["attentions"]
                features = ns["postprocess_attention"](attentions, tokens, alphabet.eos_idx, n_layers)[0]
            return ns["head_loss"](head, features, contacts, class_weight)

        return train_step(head, optimizer, loss, ctx, amp=False)

    return [Part(f"ESM-2 650M fwd, need_head_weights (fp32), + linear contact head step, Adam; 1 protein x {length} "
                 f"residues{'' if train_proteins else ' (steps/epoch: pass --esm-train-proteins)'}", make, 1, 1,
                 train_proteins, cfg["head_epochs"])]


IMAGENET_V2, IMAGENET_R, CUE_CONFLICT, PATHMNIST_ALL, VOC_VAL = 10_000, 30_000, 1_280, 107_180, 1_449


def build_week10(ctx: Ctx) -> list[Part]:
    """Week 10 trains nothing: the image towers it runs (scaling models on CIFAR-100, robustness models on IN-V2/IN-R)."""
    cfg = full_config("week10_scaling_robustness")
    b, fb = ctx.batch(cfg["batch_size"]), cfg["batch_size"]
    largest = "ViT-B-32" if ctx.light else cfg["clip_scaling"][-1][0]  # the test's light mode builds a small tower
    robust = cfg["clip_robustness"][0][0]

    def tower(name: str) -> Callable[[], Callable[[], None]]:
        def make() -> Callable[[], None]:
            import open_clip
            visual = open_clip.create_model(name, pretrained=None).visual
            size = visual.image_size if isinstance(visual.image_size, int) else visual.image_size[0]
            return inference_step(visual.to(ctx.device), torch.randn(b, 3, size, size, device=ctx.device), amp=True)
        return make

    def resnet50() -> Callable[[], None]:
        import torchvision
        return inference_step(torchvision.models.resnet50().to(ctx.device), torch.randn(b, 3, 224, 224, device=ctx.device),
                              amp=True)

    robustness_batches = math.ceil((IMAGENET_V2 + IMAGENET_R + CUE_CONFLICT) / fb)
    return [Part(f"open_clip {largest} image tower (largest scaling model), fp16 autocast; x {b}x3x224^2 (CIFAR-100 test)",
                 tower(largest), b, fb, math.ceil(CIFAR_TEST / fb), 1),
            Part(f"open_clip {robust} image tower, fp16; IN-V2 + IN-R + cue-conflict (x{len(cfg['clip_robustness'])} models)",
                 tower(robust), b, fb, robustness_batches, 1, runs=len(cfg["clip_robustness"])),
            Part(f"torchvision ResNet-50, fp16; IN-V2 + IN-R + cue-conflict (x{len(cfg['supervised_models'])} supervised)",
                 resnet50, b, fb, robustness_batches, 1, runs=len(cfg["supervised_models"]))]


def build_week11(ctx: Ctx) -> list[Part]:
    """Week 11 trains nothing: ViT-B/16 features of PathMNIST (k-NN) and ViT-S/16 attention on VOC val."""
    import timm
    fb = 256
    b = ctx.batch(fb)

    def vit(name: str) -> Callable[[], Callable[[], None]]:
        def make() -> Callable[[], None]:
            light = {"depth": ctx.depth(12)} if ctx.light else {}
            net = timm.create_model(name, pretrained=False, num_classes=0, **light)
            return inference_step(net.to(ctx.device), torch.randn(b, 3, 224, 224, device=ctx.device), amp=True)
        return make

    return [Part(f"timm vit_base_patch16_224 features, fp16; x {b}x3x224^2 (PathMNIST 28 px padded, x3 models)",
                 vit("vit_base_patch16_224"), b, fb, math.ceil(PATHMNIST_ALL / fb), 1, runs=3),
            Part(f"timm vit_small_patch16_224, fp16; VOC 2012 val at 224 px (x3 models)",
                 vit("vit_small_patch16_224"), b, fb, math.ceil(VOC_VAL / fb), 1, runs=3)]


BUILDERS: dict[str, Callable[..., list[Part]]] = {
    "01": build_week01, "02": build_week02, "03": build_week03, "04": build_week04, "05": build_week05,
    "06": build_week06, "07": build_week07, "08": build_week08, "09": build_week09, "10": build_week10,
    "11": build_week11, "12": build_week12,
}


# ----------------------------------------------------------------------------------------------
# Printing


def fmt_time(seconds: float | None) -> str:
    """Seconds as s / min / h, ``?`` when unknown."""
    if seconds is None:
        return "?"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def fmt_bytes(n: int | None) -> str:
    """Bytes as MiB / GiB."""
    if n is None:
        return "?"
    return f"{n / 2 ** 30:.2f} GiB" if n >= 2 ** 30 else f"{n / 2 ** 20:.0f} MiB"


def print_table(rows: list[Row]) -> None:
    """One line per part: measured steps/s and memory, projected epoch/run/week times, the course's time."""
    headers = ["week", "steps/s", "batch", "peak mem", "steps/ep", "epoch", "one run", "week total", "course", "timed"]
    totals: dict[str, float | None] = {}
    for row in rows:
        if row.part is None or row.error:
            totals[row.week] = None
            continue
        run = row.run_s()
        prev = totals.get(row.week, 0.0)
        totals[row.week] = None if prev is None or run is None else prev + run * row.part.runs
    lines, seen = [], set()
    for row in rows:
        first = row.week not in seen
        seen.add(row.week)
        week = row.week if first else f"{row.week}+"
        p = row.part
        if row.error or p is None:
            cells = [week, "ERROR", "", "", "", "", "", "", "" if p is None else p.course, f"{row.label}: {row.error}"]
        else:
            runs = f", {p.runs} runs" if p.runs > 1 else ""
            epochs = f" ({'?' if p.epochs is None else f'{p.epochs:g}'} ep{runs})"
            cells = [week, f"{row.steps_per_s:.3g}", f"{p.batch}/{p.full_batch}", fmt_bytes(row.peak_bytes),
                     "?" if p.steps_per_epoch is None else str(p.steps_per_epoch), fmt_time(row.epoch_s()),
                     fmt_time(row.run_s()) + epochs, fmt_time(totals.get(row.week)) if first else "",
                     p.course, row.label]
        lines.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(headers[:-1])] + [0]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for cells in lines:
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())


def main() -> None:
    """Parse the options, time every selected week's parts and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", default=",".join(BUILDERS), help="comma-separated weeks, e.g. 01,04 (default all)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=None, help="timed steps per part (default 5 on CUDA, 1 on CPU)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed steps first (default 2)")
    parser.add_argument("--batch-scale", type=float, default=None,
                        help=f"factor on every batch size (default 1 on CUDA, {CPU_BATCH_SCALE:g} on CPU)")
    parser.add_argument("--esm-train-proteins", type=int, default=None,
                        help="week 12: training proteins (<= max_len) of the SCOPe split, i.e. head steps per epoch; "
                             "unknown without the data, so its epoch time is '?' unless given")
    parser.add_argument("--light", action="store_true",
                        help="build week 6's ViT-B teacher and week 12's ESM-2 650M with one block (a quick check "
                             "that every row runs, as tests/test_bench_full_step.py does; not a measurement)")
    args = parser.parse_args()
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if cuda and not torch.cuda.is_available():
        parser.error("--device cuda, but torch sees no CUDA GPU")
    steps = args.steps if args.steps is not None else (5 if cuda else 1)
    warmup = args.warmup if args.warmup is not None else 2
    scale = args.batch_scale if args.batch_scale is not None else (1.0 if cuda else CPU_BATCH_SCALE)
    weeks = [w.strip().zfill(2) for w in args.weeks.split(",") if w.strip()]
    unknown = [w for w in weeks if w not in BUILDERS]
    if unknown:
        parser.error(f"unknown week(s) {unknown}; known: {','.join(BUILDERS)}")
    ctx = Ctx(device, scale, light=args.light)

    name = torch.cuda.get_device_name(device) if cuda else f"CPU, {torch.get_num_threads()} torch threads"
    print(f"device {device} ({name}), torch {torch.__version__}; {warmup} warm-up + {steps} timed step(s) per row")
    print("peak mem: " + ("torch.cuda.max_memory_allocated during the row minus the allocation before it" if cuda else
                          "peak RSS (sampled every 5 ms) during the row minus the RSS before its models were built"))
    if scale != 1:
        print(f"BATCH SCALE {scale:g}: every batch is scaled down ('batch' = timed/full); epoch and run times assume "
              "time per sample is constant (a rough CPU projection, not a GPU measurement)")
    print("full-profile shapes from each notebook's make_config(full=...); synthetic data, random init; "
          "data loading, validation, probes not timed\n")

    torch.manual_seed(0)
    rows: list[Row] = []
    for week in weeks:
        builder = BUILDERS[week]
        try:
            parts = builder(ctx, args.esm_train_proteins) if week == "12" else builder(ctx)
        except Exception as err:
            rows.append(Row(week, None, f"week {week} builder ({builder.__name__})",
                            error=f"{type(err).__name__}: {err}".splitlines()[0][:160]))
            continue
        for part in parts:
            start = time.perf_counter()
            rows.append(time_part(week, part, ctx, warmup, steps))
            print(f"  [{week}] {part.label[:70]}... {time.perf_counter() - start:.1f} s wall", file=sys.stderr)
    print_table(rows)


if __name__ == "__main__":
    main()
