"""The GPU check: one command that proves the full profile's GPU path, offline, in under 10 minutes (issue 26).

Run it on a machine with one CUDA GPU, in a checkout with requirements.txt installed:

    python benchmarks/gpu_check.py            # the whole check on the GPU; prints one report
    python benchmarks/gpu_check.py --quick    # the same steps, small, on whatever device there is (CI, on a CPU)

It needs no internet and no dataset: every file the full profile reads is a stand-in written by
``tests/standins`` in its real on-disk format. The steps:

1. ``utils.fit`` on the device with AMP and a checkpoint folder, interrupted in its second epoch and re-run:
   the resumed run must end with the history and weights of an uninterrupted one (the RNG states in
   ``last.pt`` must survive a CUDA device);
2. the resume tests of week 4 (SimCLR, its own epoch function) and week 7 (the DINO trainer), and week 9's
   dry run followed by its real run in the same checkout (no stale feature cache), on the device;
3. every week's full-profile rehearsal (``tests/test_rehearsal*.py``) with the GPU visible: the real code
   path at the full batch sizes, with AMP, DataLoader workers and pinned memory (``--quick``: week 1 only);
4. the step benchmark (``benchmarks/bench_full_step.py``) at the full batch shapes (``--quick``: week 1 at a
   tiny batch; ``tests/test_bench_full_step.py`` builds every row);
5. a data-loading row for weeks 6, 7 and 9: images per second through the notebook's own loaders (its
   datasets, transforms, ``utils.make_loader`` workers) on stand-ins of a few thousand images.

The report names the device. Its figures are the only GPU measurements the README may quote as such.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

import utils  # noqa: E402

LOADER_ROWS = {  # week -> (folder, stand-ins, the cell that starts the run, the loader built from the notebook's names)
    "06": ("week06_vit_distillation", ("cifar100", "timm_vit_b16"), "teacher_history = ",
           "train_batches"),  # uint8 CIFAR on the device, augmented there (AugmentedBatches)
    "07": ("week07_dino", ("pathmnist",), "trainer = DINOTrainer(",
           "utils.make_loader(multicrop_set, cfg.batch_size, shuffle=True, drop_last=True)"),
    "09": ("week09_clip_ood", ("cifar10", "cifar100", "open_clip_convnext_base_w"), "image_proj = detach_projection(",
           "utils.make_loader(in_train, cfg.batch_size)"),
}
LOADER_CHILD = r'''
import json, os, sys, time
import nbformat
sys.path.insert(0, {repo!r})
from tests.rehearsal import PATCHES
nb = nbformat.read(os.path.join({repo!r}, {week!r}, {week!r} + ".ipynb"), as_version=4)
if not any({stop!r} in c.source for c in nb.cells if c.cell_type == "code"):
    raise SystemExit("no code cell contains " + repr({stop!r}) + ": update LOADER_ROWS in benchmarks/gpu_check.py")
ns = {{"__name__": "__main__"}}
os.chdir(os.path.join({repo!r}, {week!r}))
for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
    if {stop!r} in cell.source:
        break
    exec(compile(cell.source, f"<cell {{i}}>", "exec"), ns)
    if i == 0:
        exec("\n".join(PATCHES.values()), ns)
loader = eval({loader!r}, ns)
batches, images, start = 0, 0, None
for batch in loader:
    first = batch[0] if isinstance(batch, (list, tuple)) else batch
    if start is None:
        start = time.perf_counter()  # the first batch pays for starting the workers
        continue
    images += len(first)
    batches += 1
    if batches >= {max_batches}:
        break
seconds = time.perf_counter() - start
print(json.dumps({{"images_per_s": images / seconds, "batches": batches, "batch_size": len(first),
                  "shape": list(first.shape[1:]), "dtype": str(first.dtype),
                  "workers": getattr(loader, "num_workers", 0)}}))
'''


def section(title: str) -> None:
    """Print a section header of the report."""
    print(f"\n=== {title} ===", flush=True)


def check_fit_resume(device: torch.device, epochs: int = 3) -> str:
    """``utils.fit`` with AMP and checkpoints, interrupted in epoch 2 and re-run, equals an uninterrupted run."""
    class Interrupt(Exception):
        pass

    def run(folder: Path, crash_at: int | None) -> tuple[nn.Module, utils.History]:
        utils.set_seed(0)
        x, y = torch.randn(256, 16), torch.randint(0, 4, (256,))
        model = nn.Sequential(nn.Linear(16, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 4))
        model = model.to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
        sched = torch.optim.lr_scheduler.StepLR(opt, 1, 0.5)
        calls = []

        def step(net: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
            calls.append(1)
            if crash_at is not None and len(calls) == crash_at:
                raise Interrupt
            return nn.functional.cross_entropy(net(batch[0]), batch[1])

        loader = utils.make_loader(torch.utils.data.TensorDataset(x, y), 32, shuffle=True)
        torch.manual_seed(99)  # the kernel's state before a re-run: the checkpoint's must win
        hist = utils.fit(model, opt, loader, step, epochs, device=device, amp=True, scheduler=sched,
                         checkpoint_dir=folder, verbose=False)
        return model, hist

    with tempfile.TemporaryDirectory() as tmp:
        full_model, full_hist = run(Path(tmp) / "a", None)
        try:
            run(Path(tmp) / "b", crash_at=8 + 3)  # 8 batches per epoch: in the middle of epoch 2
        except Interrupt:
            pass
        resumed_model, resumed_hist = run(Path(tmp) / "b", None)
    same_hist = all(abs(a - b) <= 1e-4 * max(1.0, abs(a)) for a, b in
                    zip(full_hist["train_loss"], resumed_hist["train_loss"]))
    same_weights = all(torch.allclose(a.float(), b.float(), atol=1e-4) for a, b in
                       zip(full_model.state_dict().values(), resumed_model.state_dict().values()))
    if resumed_hist["epoch"] != list(range(epochs)) or not (same_hist and same_weights):
        raise AssertionError(f"resumed run differs: losses {resumed_hist['train_loss']} vs {full_hist['train_loss']}")
    return f"resumed after an interruption in epoch 2 of {epochs}: same losses and weights ({device}, AMP on CUDA)"


def run_pytest(args: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
    """Run pytest in a subprocess; whether it passed and its summary line."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", *args],
                          cwd=REPO_ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    lines = [line for line in done.stdout.strip().splitlines() if line.strip()]
    summary = next((line for line in reversed(lines) if " passed" in line or " failed" in line or "error" in line),
                   lines[-1] if lines else done.stderr.strip()[-300:])
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
    return done.returncode == 0, summary.strip("= ")


def loader_row(week: str, root: Path, max_batches: int) -> str:
    """Images per second through one week's own training loader, executed in a fresh full dry-run process."""
    from tests.rehearsal import rehearsal_env

    folder, _, stop, loader = LOADER_ROWS[week]
    code = LOADER_CHILD.format(repo=str(REPO_ROOT), week=folder, stop=stop, loader=loader, max_batches=max_batches)
    env = {**os.environ, **rehearsal_env(root), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()
        raise RuntimeError(tail[-1] if tail else f"exit {done.returncode}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return (f"{r['images_per_s']:,.0f} images/s over {r['batches']} batches of {r['batch_size']} "
            f"{tuple(r['shape'])} {r['dtype']}, {r['workers']} workers")


def main() -> int:
    """Run every step, print the report, return 1 if any step failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every step, small (CI runs this on a CPU)")
    parser.add_argument("--steps", default="1,2,3,4,5", help="which steps to run, e.g. 1,5 (default: all)")
    args = parser.parse_args()
    chosen = {s.strip() for s in args.steps.split(",")}
    device = utils.get_device()
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(0)
        where = f"{props.name}, {props.total_memory / 2**30:.0f} GiB"
        os.environ["COURSE_REHEARSAL_GPU"] = "1"  # rehearsals see the GPU
    else:
        where = "no CUDA GPU: CPU only" + ("" if args.quick else " (use --quick, or run on a GPU machine)")
    print(f"GPU check on {device} ({where}); torch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"{utils.data.available_cpus()} usable CPUs; {'quick' if args.quick else 'full'} mode")
    results: list[tuple[str, bool, str, float]] = []

    def step(name: str, fn) -> None:
        if name.split(".")[0] not in chosen:
            return
        section(name)
        start = time.perf_counter()
        try:
            out = fn()
            ok, note = (out if isinstance(out, tuple) else (True, out))
        except Exception as err:  # one failing step must not hide the others
            ok, note = False, f"{type(err).__name__}: {err}"
        results.append((name, ok, note, time.perf_counter() - start))
        print(("ok: " if ok else "FAILED: ") + note, flush=True)

    step("1. utils.fit resume on the device", lambda: check_fit_resume(device))
    # --quick only collects the tests of steps 2 and 3: the CI suite itself executes them on the CPU.
    collect = ["--collect-only"] if args.quick else []
    step("2. week 4 and week 7 resume, week 9 dry run then real run" + (" (collected only)" if args.quick else ""),
         lambda: run_pytest([*collect, "tests/test_week04_resume.py", "tests/test_week07_resume.py",
                             "tests/test_week09_cache.py"]))
    rehearsals = [str(p.relative_to(REPO_ROOT)) for p in sorted((REPO_ROOT / "tests").glob("test_rehearsal*.py"))]
    step("3. full-profile rehearsals, every week" + (" (collected only)" if args.quick else ""),
         lambda: run_pytest([*collect, *rehearsals]))

    def bench() -> tuple[bool, str]:
        cmd = [sys.executable, str(REPO_ROOT / "benchmarks" / "bench_full_step.py")]
        # --quick: one week through the command line (tests/test_bench_full_step.py builds every row in CI)
        cmd += ["--weeks", "01", "--batch-scale", "0.001", "--light", "--steps", "1", "--warmup", "0"] if args.quick else []
        done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
        print(done.stdout)
        return done.returncode == 0 and "ERROR" not in done.stdout, "see the table above"

    step("4. step benchmark" + (" (week 1, tiny batch)" if args.quick else " at full batch shapes"), bench)

    def loaders() -> tuple[bool, str]:
        from tests.standins import images, weights
        ok, lines = True, []
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            n = 1 if args.quick else 10  # images per class and split, times the released class counts
            images.write_cifar100(root, per_class=(5 * n, n))
            images.write_cifar10(root, per_class=(5 * n, 5 * n))
            images.write_pathmnist(root, per_class=(60 * n, 5, 5))
            weights.write_timm_vit_b16(root)
            weights.write_open_clip(root)
            for week in LOADER_ROWS:
                try:
                    lines.append(f"week {week}: " + loader_row(week, root, 5 if args.quick else 20))
                    print("    " + lines[-1], flush=True)
                except Exception as err:
                    ok = False
                    lines.append(f"week {week}: FAILED {type(err).__name__}: {err}")
        return ok, "\n    ".join(lines)

    step("5. data loading through the notebooks' loaders (dry run on stand-ins)", loaders)
    section(f"REPORT ({device}: {where})")
    for name, ok, note, seconds in results:
        print(f"{'ok    ' if ok else 'FAILED'} {seconds:7.1f} s  {name}: {note}")
    failed = [name for name, ok, _, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
