"""Benchmark: peak host memory of the data loading of every week at the real dataset sizes (issue 26).

A free Colab VM has 12.7 GB of RAM, so each week's data section must stay well under it (goal: 8 GB). For
each week this writes stand-ins of the real datasets *at their full size* (random pixels, the released
on-disk formats: STL10's 100,000 unlabeled images are 2.8 GB), then runs the notebook's own code cells in
the ``full`` profile (not a dry run) in a fresh process, from the setup cell up to the week's stop marker (the
first cell after its data section) or, without one, the first cell that defines a model (``class ...(nn.Module)``),
and reports that process's peak resident memory (``ru_maxrss``) and the time it took. Weeks 10 and 11 read their
evaluation data lazily and hold their models one at a time, so after their cells each of their ``LOADS`` runs in a
fresh process too: week 10's largest model (ViT-H-14, 3.9 GB) loaded by the notebook's own call, once on the CPU
and once on the ``meta`` device, which stands in for a GPU (the model leaves host memory before its checkpoint is
read, as it does on a GPU); week 11's PathMNIST k-NN sets and its largest ViT. Checkpoints and caches go to
a temporary ``COURSE_CHECKPOINTS``, never into the week's folder. No GPU is used
(``CUDA_VISIBLE_DEVICES=""``):
on a GPU machine the loaders add worker processes, whose memory is their own, and tensors moved to the
GPU leave host memory.

Run: ``python benchmarks/bench_host_memory.py [--weeks 04,06] [--data DIR]`` (``--data`` keeps the
stand-ins between runs; they take about 11 GB on disk, ESM-2 650M and ViT-H-14 included).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from tests.rehearsal import PATCHES  # noqa: E402  (the MD5 / split-size checks random stand-ins cannot pass)
from tests.standins import images, proteins, text, week11, weights  # noqa: E402

LIMIT_GB = 8.0
FULL_SIZE: dict[str, Callable[[Path], object]] = {  # the released split sizes
    "stl10": lambda root: images.write_stl10(root, per_class=(500, 800), unlabeled=100_000),
    "cifar10": lambda root: images.write_cifar10(root, per_class=(1_000, 1_000)),
    "cifar100": lambda root: images.write_cifar100(root, per_class=(500, 100)),
    "pathmnist": lambda root: images.write_pathmnist(root, per_class=(10_000, 1_112, 798)),
    "resnet18": weights.write_resnet18_imagenet,
    "moco_v2": weights.write_moco_v2,
    # IMDb's 25,000 / 25,000 / 50,000 reviews of about 230 words (8-12 sentences); week 3 pre-trains on unsupervised
    "imdb": lambda root: text.write_imdb(root, sizes=(25_000, 25_000, 50_000), sentences=(8, 13)),
    "bert_tokenizer": text.write_bert_tokenizer,
    "esm2_650m": lambda root: proteins.write_esm2(root, "esm2_t33_650M_UR50D", embed_dim=1280),  # 2.6 GB, as released
    "vit_h14": lambda root: weights.write_open_clip(root, "ViT-H-14", "laion2b_s32b_b79k"),  # 3.9 GB, as released
    "voc_val": lambda root: week11.write_voc2012(root, counts={"val": 1_449}),  # VOC 2012's segmentation val split
    "vit_b16_dino": lambda root: weights.write_timm_vit_b16(root, "vit_base_patch16_224.dino"),
    # the three course chains and a small structural split: the notebook reads split items one at a time
    "proteins": lambda root: (proteins.write_structural_split(root),
                              [proteins.write_mmcif(root, pdb_id, length, seed=k)
                               for k, (pdb_id, length) in enumerate(proteins.PDB_LENGTHS.items())]),
}
WEEKS: dict[str, tuple[str, tuple[str, ...], str | None]] = {  # week -> (folder, stand-ins, the cell after the data)
    "01": ("week01_autoencoder", ("stl10",), None),
    "02": ("week02_rotation", ("stl10",), "def load_resnet("),
    "03": ("week03_bert", ("imdb", "bert_tokenizer"), "def add_special_tokens("),
    "04": ("week04_simclr", ("stl10", "resnet18"), None),
    "05": ("week05_moco_clustering", ("stl10", "moco_v2"), "def frozen_features("),  # includes loading MoCo v2
    "06": ("week06_vit_distillation", ("cifar100",), "class Renormalize("),
    "07": ("week07_dino", ("pathmnist",), "class DINOHead("),
    "08": ("week08_masked_modeling", ("cifar10",), "def patchify("),
    "09": ("week09_clip_ood", ("cifar10", "cifar100"), "def load_clip("),
    "10": ("week10_scaling_robustness", ("vit_h14",), "def fit_power_law("),  # setup and config; then LOADS
    "11": ("week11_ssl_representations", ("voc_val", "pathmnist", "vit_b16_dino"), "def cls_attention("),  # VOC val
    "12": ("week12_protein_lm", ("esm2_650m", "proteins"), "def mask_tokens("),  # includes loading ESM-2 650M
}
# Run after a week's cells, each in its own process: label -> code in the notebook's namespace.
LOADS: dict[str, dict[str, str]] = {
    "10": {label: textwrap.dedent(f"""
              import warnings; warnings.filterwarnings("ignore", "for .* copying from a non-meta parameter")
              assert ("ViT-H-14", "laion2b_s32b_b79k") in cfg.clip_scaling  # its largest model
              model = robustness.load_open_clip("ViT-H-14", "laion2b_s32b_b79k", {device})[0]""")
           for label, device in [("ViT-H-14 on the CPU", "DEVICE"),
                                 ("ViT-H-14 on a GPU (meta)", "torch.device('meta')")]},
    "11": {"+ k-NN sets, ViT-B/16": textwrap.dedent("""
              knn_sets = objects.knn_datasets(PROFILE, cfg.image_size, SEED)  # PathMNIST, padded per item
              model = load_model(cfg.knn_models["DINO ViT-B/16"], trained, cfg.mean, cfg.std).to(DEVICE)""")},
}
MODEL_CELL = re.compile(r"^class \w+\((nn\.Module|torch\.nn\.Module)\)", re.M)

CHILD = r'''
import json, os, resource, sys, time
import nbformat
sys.path.insert(0, {repo!r})
week, patches, marker, then = {week!r}, {patches!r}, {marker!r}, {then!r}
nb = nbformat.read(os.path.join({repo!r}, week, week + ".ipynb"), as_version=4)
namespace = {{"__name__": "__main__"}}
os.chdir(os.path.join({repo!r}, week))
start, ran = time.perf_counter(), 0
for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
    if i > 0 and ((marker and marker in cell.source) or (not marker and MODEL_CELL.search(cell.source))):
        break
    exec(compile(cell.source.replace("\n%", "\n#%"), f"<{{week}} cell {{i}}>", "exec"), namespace)
    ran += 1
    if i == 0:
        exec(patches, namespace)
exec(then, namespace)
print(json.dumps({{"cells": ran, "seconds": time.perf_counter() - start,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}}))
'''


def measure(week: str, root: Path, then: str = "") -> dict:
    """Run one week's data cells, then ``then``, in a fresh full-profile process; its peak RSS, cells run and seconds."""
    folder, _, marker = WEEKS[week]
    code = ("import re\nMODEL_CELL = re.compile(" + repr(MODEL_CELL.pattern) + ", re.M)\n"
            + CHILD.format(repo=str(REPO_ROOT), week=folder, patches="\n".join(PATCHES.values()), marker=marker,
                           then=then))
    with tempfile.TemporaryDirectory(prefix="bench-checkpoints-") as checkpoints:
        env = {**os.environ, "COURSE_PROFILE": "full", "COURSE_DRY_RUN": "0", "COURSE_DATA": str(root),
               "COURSE_CHECKPOINTS": checkpoints, "TORCH_HOME": str(root / "torch"), "HF_HOME": str(root / "hf_home"),
               "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg"}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Write the full-size stand-ins each selected week needs, measure its data cells, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", default=",".join(WEEKS), help="comma-separated weeks (default: all measured weeks)")
    parser.add_argument("--data", type=Path, default=None, help="folder for the full-size stand-ins (kept)")
    args = parser.parse_args()
    weeks = [w.strip().zfill(2) for w in args.weeks.split(",") if w.strip()]
    unknown = [w for w in weeks if w not in WEEKS]
    if unknown:
        parser.error(f"unknown week(s) {unknown}; known: {','.join(WEEKS)}")
    tmp = None if args.data else tempfile.TemporaryDirectory(prefix="full-size-standins-")
    root = args.data or Path(tmp.name)
    root.mkdir(parents=True, exist_ok=True)
    written = {p.name.removeprefix(".written-") for p in root.glob(".written-*")}
    print(f"full-size stand-ins in {root}; each week's cells up to its first model cell, full profile, CPU only")
    print(f"{'week':<52} {'cells':>5} {'seconds':>8} {'peak RSS':>9}  verdict (goal < {LIMIT_GB:g} GB)")
    for week in weeks:
        folder, needs, _ = WEEKS[week]
        for name in needs:
            if name not in written:
                FULL_SIZE[name](root)
                (root / f".written-{name}").touch()
                written.add(name)
        for label, then in [("", ""), *LOADS.get(week, {}).items()]:
            result = measure(week, root, then)
            name = f"{folder}: {label}" if label else folder
            if "error" in result:
                print(f"{name:<52} ERROR: {result['error'][:160]}")
                continue
            verdict = "ok" if result["peak_gb"] < LIMIT_GB else "OVER"
            print(f"{name:<52} {result['cells']:>5} {result['seconds']:>8.1f} {result['peak_gb']:>7.2f} GB  {verdict}",
                  flush=True)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
