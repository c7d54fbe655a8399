"""The full-profile rehearsal: a week's notebook run as a dry run, on the CPU, on the stand-ins (tests only).

The product never imports this module. It executes a solution notebook with ``COURSE_PROFILE=full``
and ``COURSE_DRY_RUN=1``, ``COURSE_DATA`` (and the torch / Hugging Face caches) pointing at a folder
of stand-ins written by :mod:`tests.standins`, and returns the metrics report the final check wrote.

Stand-ins hold random content, so no checksum or size record can match them. The ONLY patches a
rehearsal may apply are to such checks; they are listed in ``PATCHES`` (each commented) and run in
the kernel as an extra cell right after the setup cell, never in the product's own code.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.nbtools import QUIET_KERNEL, REPO_ROOT, solution_path
from utils.expectations import load_expected

PATCHES: dict[str, str] = {
    # torchvision's STL10 / CIFAR loaders verify each file's MD5 against the released archive's:
    # their module's `check_integrity(path, md5)` becomes "the file exists".
    "torchvision_md5": (
        "import os as _os, torchvision.datasets.cifar as _cifar, torchvision.datasets.stl10 as _stl10\n"
        "for _module in (_cifar, _stl10):  # rehearsal only: stand-ins cannot match the MD5s\n"
        "    _module.check_integrity = lambda fpath, md5=None: _os.path.isfile(fpath)\n"
    ),
    # medmnist asserts that each split has the released number of images (89,996 / 10,004 / 7,180).
    "medmnist_split_sizes": (
        "import medmnist as _medmnist, numpy as _np, utils as _utils\n"
        "_npz = _utils.data_root() / 'medmnist' / 'pathmnist.npz'\n"
        "if _npz.exists():  # rehearsal only: the stand-in's split sizes replace the released ones\n"
        "    with _np.load(_npz) as _f:\n"
        "        _medmnist.INFO['pathmnist']['n_samples'] = {s: len(_f[f'{s}_images']) for s in ('train', 'val', 'test')}\n"
    ),
    # MoCo v2's checkpoint (week 5): utils.moco_v2_checkpoint checks that the file's MD5 starts with the prefix
    # published in the facebookresearch/moco README, which a random stand-in cannot match; the stand-in's own MD5
    # prefix replaces it (the SHA-256 sidecar check runs unpatched).
    "moco_v2_md5_prefix": (
        "import hashlib as _hashlib, utils as _utils, utils.weights as _weights\n"
        "_moco = _utils.data_root() / 'moco' / _weights.MOCO_V2_URL.rsplit('/', 1)[-1]\n"
        "if _moco.exists():  # rehearsal only: the stand-in's MD5 prefix replaces the published one\n"
        "    _weights.MOCO_V2_MD5_PREFIX = _hashlib.md5(_moco.read_bytes()).hexdigest()[:8]\n"
    ),
}


GPU_ENV = "COURSE_REHEARSAL_GPU"  # "1": rehearse on the machine's CUDA GPU (benchmarks/gpu_check.py sets it)


def rehearsal_env(root: Path) -> dict[str, str]:
    """Environment of a rehearsal: full profile, dry run, data and caches in the stand-in folder, offline hubs.

    The GPU is hidden (a CPU rehearsal, as in CI) unless ``COURSE_REHEARSAL_GPU=1``: then the dry run uses it
    with the full batch sizes, AMP, loader workers and pinned memory, as on a student's GPU.
    """
    env = {"COURSE_PROFILE": "full", "COURSE_DRY_RUN": "1", "COURSE_DATA": str(root),
           "TORCH_HOME": str(root / "torch"), "HF_HOME": str(root / "hf_home"),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}
    if os.environ.get(GPU_ENV) == "1":
        env.pop("CUDA_VISIBLE_DEVICES")
    return env


def rehearse(week: str, root: Path, out_dir: Path, substitutions: dict[str, str] | None = None,
             patches: tuple[str, ...] = tuple(PATCHES), instrument: str | None = None,
             timeout: int = 900) -> dict[str, Any]:
    """Execute ``week``'s notebook as a full dry run on the stand-ins in ``root``.

    ``substitutions`` are exact-text replacements in code cells (each must match exactly once), e.g.
    to choose a notebook's lighter model. ``instrument`` is test code run as an extra cell right after
    the config cell (the resume check uses it to lengthen the run and to interrupt it). Returns
    ``{"error": str | None, "report": dict | None, "notebook": Path, "outputs": str}``; the report is
    the JSON the final ``check_metrics`` wrote, ``outputs`` every cell's text output joined.
    """
    path = solution_path(week)
    nb = nbformat.read(path, as_version=4)
    for old, new in (substitutions or {}).items():
        hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        if len(hits) != 1 or hits[0].source.count(old) != 1:
            raise AssertionError(f"substitution target must occur exactly once in {path.name}: {old!r}")
        hits[0].source = hits[0].source.replace(old, new)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    patch_cell = nbformat.v4.new_code_cell("# rehearsal patches (tests/rehearsal.py)\n"
                                           + "\n".join(PATCHES[name] for name in patches))
    nb.cells.insert(setup + 1, patch_cell)
    if instrument is not None:
        config = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "utils.make_config(" in c.source)
        nb.cells.insert(config + 1, nbformat.v4.new_code_cell("# rehearsal instrument (tests)\n" + instrument))
    out_dir.mkdir(parents=True, exist_ok=True)
    report_path = out_dir / f"{week}_metrics.json"
    report_path.unlink(missing_ok=True)
    env = {**rehearsal_env(root), "COURSE_METRICS_OUT": str(report_path)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    error = None
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as err:
        error = str(err)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        executed = out_dir / f"{week}_dry_run.ipynb"
        nbformat.write(nb, executed)
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    outputs = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    return {"error": error, "report": report, "notebook": executed, "outputs": outputs}


def dry_run_checkpoints(week: str) -> Path:
    """The folder where ``week``'s dry run keeps its checkpoints."""
    return REPO_ROOT / week / "checkpoints" / "full-dry-run"


def assert_rehearsal_passes(week: str, root: Path, out: Path, fresh: bool = True, **kwargs: Any) -> dict[str, Any]:
    """Run ``week``'s dry run on the stand-ins; assert no cell failed and every full metric was produced.

    With ``fresh`` the week's dry-run checkpoints are removed first (as ``python -m utils.run --dry-run``
    does). Returns the result of :func:`rehearse`.
    """
    if fresh:
        shutil.rmtree(dry_run_checkpoints(week), ignore_errors=True)
    result = rehearse(week, root, out, **kwargs)
    assert result["error"] is None, f"{week} dry run failed (see {result['notebook']}):\n{result['error'][-3000:]}"
    report = result["report"]
    assert report is not None and report["dry_run"], f"{week}: the final check did not run as a dry run"
    produced = {r["metric"] for r in report["rows"] if r["measured"] is not None}
    expected = set(load_expected(REPO_ROOT / week / "expected_metrics.json", "full"))
    assert expected <= produced, f"{week}: full metrics not produced: {sorted(expected - produced)}"
    return result
