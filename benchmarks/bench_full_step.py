"""Benchmark: one training (or feature) step of every week's full-profile model, on synthetic tensors.

For each week, the model that dominates its `full` GPU time is built with random weights (nothing is
downloaded) at the full config's batch and input shapes, and one step is timed: forward, loss,
backward and optimizer step where the week trains, a forward pass where it only extracts frozen
features. Printed per week: what is timed, steps/s, peak memory (CUDA: `max_memory_allocated`; CPU:
the process's peak RSS so far, which only grows), the projected time of one epoch and of the whole
run (the full config's epochs and dataset size), and the time the course states. The models mirror
the notebooks' full configs; where a notebook defines its own class (weeks 1, 3, 7) the script
re-creates the same architecture from those values.

On a CPU the full batches are slow, so ``--batch-scale`` (default 1/16 on CPU, 1 on CUDA) shrinks
every batch and the projection is made per sample; the header says so. The first GPU lent to the
project runs it in one command: ``python benchmarks/bench_full_step.py`` (``--weeks 04,07`` for some).
"""
from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
import torchvision
from torch import nn


@dataclass
class Row:
    """One week's benchmark: a step builder and what the course says it costs."""
    week: str
    what: str
    build: Callable[[int, torch.device], Callable[[], None]]  # (batch, device) -> one step
    batch: int
    samples_per_epoch: int
    epochs: int
    course: str


def train_step(model: nn.Module, loss_fn: Callable[[], torch.Tensor], amp: bool, device: torch.device
               ) -> Callable[[], None]:
    """A closure doing forward + backward + Adam step of ``loss_fn`` under optional CUDA autocast."""
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    scaler = torch.amp.GradScaler("cuda", enabled=amp and device.type == "cuda")

    def step() -> None:
        with torch.autocast(device.type, enabled=amp and device.type == "cuda"):
            loss = loss_fn()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
    return step


def week01(batch: int, device: torch.device) -> Callable[[], None]:
    """The notebook's conv autoencoder (3 layers, 32 base channels, k4 s2 p1) on 96 px STL10, MSE."""
    enc, dec, c = [], [], 3
    for i in range(3):
        enc += [nn.Conv2d(c, 32 * 2 ** i, 4, 2, 1), nn.ReLU()]
        c = 32 * 2 ** i
    for i in reversed(range(3)):
        out = 3 if i == 0 else 32 * 2 ** (i - 1)
        dec += [nn.ConvTranspose2d(c, out, 4, 2, 1), nn.ReLU() if i else nn.Sigmoid()]
        c = out
    model = nn.Sequential(*enc, *dec).to(device)
    x = torch.rand(batch, 3, 96, 96, device=device)
    return train_step(model, lambda: F.mse_loss(model(x), x), amp=False, device=device)


def week02(batch: int, device: torch.device) -> Callable[[], None]:
    """torchvision ResNet-18 with a 4-way rotation head on 96 px images, CE, AMP."""
    model = torchvision.models.resnet18(num_classes=4).to(device)
    x, y = torch.rand(batch, 3, 96, 96, device=device), torch.randint(0, 4, (batch,), device=device)
    return train_step(model, lambda: F.cross_entropy(model(x), y), amp=True, device=device)


def week03(batch: int, device: torch.device) -> Callable[[], None]:
    """BERT as in the notebook (d 512, 8 layers, 8 heads, FF 1024) at sequence 128: MLM on 15 % + NSP."""
    vocab, seq = 30522, 128
    layer = nn.TransformerEncoderLayer(512, 8, 1024, 0.1, batch_first=True)
    model = nn.ModuleDict(dict(tok=nn.Embedding(vocab, 512), pos=nn.Embedding(256, 512), seg=nn.Embedding(2, 512),
                               enc=nn.TransformerEncoder(layer, 8, enable_nested_tensor=False),
                               mlm=nn.Linear(512, vocab), nsp=nn.Linear(512, 1))).to(device)
    ids = torch.randint(0, vocab, (batch, seq), device=device)
    seg = torch.zeros_like(ids)
    selected = torch.rand(batch, seq, device=device) < 0.15
    is_next = torch.randint(0, 2, (batch,), device=device).float()

    def loss() -> torch.Tensor:
        h = model["tok"](ids) + model["pos"](torch.arange(seq, device=device)) + model["seg"](seg)
        h = model["enc"](h)
        return (F.cross_entropy(model["mlm"](h[selected]), ids[selected])
                + F.binary_cross_entropy_with_logits(model["nsp"](h[:, 0]).squeeze(1), is_next))
    return train_step(model, loss, amp=False, device=device)


def week04(batch: int, device: torch.device) -> Callable[[], None]:
    """SimCLR: ResNet-18 + the course's projection head on 2 x batch views of 64 px, NT-Xent (tau 0.5), AMP."""
    model = torchvision.models.resnet18()
    model.fc = nn.Sequential(nn.Linear(512, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(),
                             nn.Linear(512, 128, bias=False), nn.BatchNorm1d(128))
    model = model.to(device)
    views = torch.rand(2 * batch, 3, 64, 64, device=device)

    def loss() -> torch.Tensor:
        z = F.normalize(model(views).float(), dim=1)
        sim = (z @ z.t() / 0.5).fill_diagonal_(float("-inf"))
        targets = torch.arange(2 * batch, device=device).roll(batch)
        return F.cross_entropy(sim, targets)
    return train_step(model, loss, amp=True, device=device)


@torch.no_grad()
def _features(model: nn.Module, x: torch.Tensor, amp: bool) -> None:
    """One frozen forward pass (the feature-extraction weeks)."""
    with torch.autocast(x.device.type, enabled=amp and x.device.type == "cuda"):
        model(x)


def week05(batch: int, device: torch.device) -> Callable[[], None]:
    """Frozen MoCo v2 ResNet-50 features of 96 px STL10 (train + test), the week's GPU cost."""
    model = torchvision.models.resnet50()
    model.fc = nn.Identity()
    model = model.to(device).eval()
    x = torch.rand(batch, 3, 96, 96, device=device)
    return lambda: _features(model, x, amp=False)


def week06_teacher(batch: int, device: torch.device) -> Callable[[], None]:
    """Fine-tuning the timm ViT-B/16 teacher on CIFAR100 upsampled to 224 px, CE, AMP."""
    import timm
    model = timm.create_model("vit_base_patch16_224", pretrained=False, num_classes=100).to(device)
    x, y = torch.rand(batch, 3, 224, 224, device=device), torch.randint(0, 100, (batch,), device=device)
    return train_step(model, lambda: F.cross_entropy(model(x), y), amp=True, device=device)


def week06_student(batch: int, device: torch.device) -> Callable[[], None]:
    """Distillation step: frozen ViT-B/16 teacher at 224 px, ViT-Tiny student (patch 4) at 32 px, KD + CE, AMP."""
    import timm
    from timm.models.vision_transformer import VisionTransformer
    teacher = timm.create_model("vit_base_patch16_224", pretrained=False, num_classes=100).to(device).eval()
    student = VisionTransformer(img_size=32, patch_size=4, embed_dim=192, depth=12, num_heads=3,
                                num_classes=100).to(device)
    small, large = torch.rand(batch, 3, 32, 32, device=device), torch.rand(batch, 3, 224, 224, device=device)
    y = torch.randint(0, 100, (batch,), device=device)

    def loss() -> torch.Tensor:
        with torch.no_grad():
            soft = teacher(large).softmax(1)
        logits = student(small)
        return 0.5 * F.cross_entropy(logits, y) + 0.5 * F.kl_div(logits.log_softmax(1), soft, reduction="batchmean")
    return train_step(student, loss, amp=True, device=device)


def week07(batch: int, device: torch.device) -> Callable[[], None]:
    """DINO: timm ViT-Tiny (28 px, patch 4, pre-norm) + the DINO head; student on 4 views, EMA teacher on 2, AMP."""
    from timm.models.vision_transformer import VisionTransformer

    def network() -> nn.Module:
        vit = VisionTransformer(img_size=28, patch_size=4, embed_dim=192, depth=12, num_heads=3, num_classes=0,
                                pre_norm=True)
        last = nn.utils.parametrizations.weight_norm(nn.Linear(96, 256, bias=False))
        mlp = nn.Sequential(nn.Linear(192, 384), nn.GELU(), nn.Linear(384, 384), nn.GELU(), nn.Linear(384, 96))
        return nn.Sequential(vit, mlp, nn.Flatten(), _Normalize(), last)
    student, teacher = network().to(device), network().to(device).requires_grad_(False)
    views = torch.rand(4 * batch, 3, 28, 28, device=device)  # view-major: 2 global, then 2 local

    def loss() -> torch.Tensor:
        with torch.no_grad():
            t = (teacher(views[: 2 * batch]) / 0.04).softmax(1).chunk(2)
        s = (student(views) / 0.1).log_softmax(1).chunk(4)
        return -sum((t[i] * s[j]).sum(1).mean() for i in range(2) for j in range(4) if i != j) / 6
    return train_step(student, loss, amp=True, device=device)


class _Normalize(nn.Module):
    """L2-normalise the last dimension (DINO's bottleneck)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(x, dim=-1)


def week09(batch: int, device: torch.device) -> Callable[[], None]:
    """Frozen open_clip ConvNeXt-Base-W image tower at 256 px (CIFAR100 train + test, CIFAR10 test), AMP."""
    import open_clip
    model = open_clip.create_model("convnext_base_w", pretrained=None).visual.to(device).eval()
    x = torch.rand(batch, 3, 256, 256, device=device)
    return lambda: _features(model, x, amp=True)


def week12(batch: int, device: torch.device) -> Callable[[], None]:
    """Frozen ESM-2 650M with attention maps on 300-residue sequences + the contact head (200 channels)."""
    import esm
    alphabet = esm.data.Alphabet.from_architecture("ESM-1b")
    model = esm.model.esm2.ESM2(num_layers=33, embed_dim=1280, attention_heads=20, alphabet=alphabet).to(device).eval()
    head = nn.Linear(10 * 20, 2).to(device)
    opt = torch.optim.Adam(head.parameters(), lr=1e-3)
    tokens = torch.randint(4, 24, (batch, 302), device=device)
    target = torch.randint(0, 2, (batch, 300, 300), device=device)

    def step() -> None:
        with torch.no_grad():
            att = model(tokens, need_head_weights=True)["attentions"][:, -10:, :, 1:-1, 1:-1]
        feats = att.flatten(1, 2).permute(0, 2, 3, 1)
        feats = feats + feats.transpose(1, 2)
        loss = F.cross_entropy(head(feats).flatten(0, 2), target.flatten())
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    return step


ROWS = [
    Row("01", "conv autoencoder, 128 x 3 x 96 x 96", week01, 128, 100_000, 40, "26 min for 40 epochs"),
    Row("02", "ResNet-18 rotation, 128 x 3 x 96 x 96", week02, 128, 100_000, 30, "~50 min"),
    Row("03", "BERT 512/8/8, 64 x 128 tokens (1 epoch = 500 it.)", week03, 64, 500 * 64, 30, "—"),
    Row("04", "SimCLR ResNet-18, 2 x 512 x 3 x 64 x 64", week04, 512, 100_000, 100,
        "~156 min for 60 epochs (eff. batch > 1024)"),
    Row("05", "MoCo ResNet-50 features, 256 x 3 x 96 x 96", week05, 256, 13_000, 1, "heads: <= 5 min for both"),
    Row("06t", "ViT-B/16 teacher fine-tune, 48 x 3 x 224 x 224", week06_teacher, 48, 50_000, 15, "~7 min/epoch"),
    Row("06s", "KD: ViT-B/16 at 224 -> ViT-Tiny at 32, batch 64", week06_student, 64, 50_000, 40,
        "~120 min for 40 epochs"),
    Row("07", "DINO ViT-Tiny, 4 views x 256 x 3 x 28 x 28", week07, 256, 89_996, 15, "~45 min for 15 epochs"),
    Row("09", "CLIP ConvNeXt-B-W features, 256 x 3 x 256 x 256", week09, 256, 70_000, 1, "—"),
    Row("12", "ESM-2 650M attention + contact head, 1 x 300 res.", week12, 1, 1, 1,
        "— (epoch/run columns: minutes per sequence)"),
]


def peak_memory_gb(device: torch.device) -> float:
    """Peak memory in GB: CUDA allocator peak, or the process's peak RSS on CPU."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 1e9
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KB on Linux


def time_row(row: Row, device: torch.device, scale: float, steps: int, warmup: int) -> str:
    """Build the row's step at the scaled batch, time it and format the table line."""
    batch = max(1, round(row.batch * scale))
    step = row.build(batch, device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    for _ in range(warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    seconds = (time.perf_counter() - start) / steps
    epoch_min = seconds / batch * row.samples_per_epoch / 60  # per sample, so valid at any batch scale
    return (f"{row.week:<4} {row.what:<52} {batch:>5} {1 / seconds:>8.2f} {peak_memory_gb(device):>8.2f} "
            f"{epoch_min:>10.1f} {epoch_min * row.epochs:>10.1f}  {row.course}")


def main() -> None:
    """Time every selected week and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", default="", help="comma-separated week ids, e.g. 04,06t,07 (default: all)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch-scale", type=float, default=None, help="default: 1 on CUDA, 1/16 on CPU")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (default: 5 on CUDA, 1 on CPU)")
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    device = torch.device(args.device)
    scale = args.batch_scale or (1.0 if device.type == "cuda" else 1 / 16)
    steps = args.steps or (5 if device.type == "cuda" else 1)
    wanted = {w.strip() for w in args.weeks.split(",") if w.strip()}
    print(f"device {device}" + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else
                                f", {torch.get_num_threads()} threads")
          + f"; batches x {scale:g} of the full config's; {steps} timed step(s) after {args.warmup} warm-up; "
          "random weights, synthetic tensors; projections per sample")
    print(f"{'week':<4} {'what is timed (full config)':<52} {'batch':>5} {'steps/s':>8} {'peak GB':>8} "
          f"{'epoch min':>10} {'run min':>10}  course's stated time")
    for row in ROWS:
        if wanted and row.week not in wanted and row.week.rstrip("ts") not in wanted:
            continue
        try:
            print(time_row(row, device, scale, steps, args.warmup), flush=True)
        except Exception as error:  # one model that cannot be built must not hide the others
            print(f"{row.week:<4} {row.what:<52} could not run: {type(error).__name__}: {error}", flush=True)


if __name__ == "__main__":
    main()
