"""Week 6 (issue 26): the full profile ships 32-px uint8 images, never 224-px float batches, through its loaders.

The notebook runs as a full dry run on the CIFAR100 stand-ins (as the rehearsal does) up to the cell that builds
the teacher, with every batch that leaves a ``torch.utils.data.DataLoader`` recorded. Before issue 26 the
evaluation and training loaders resized every image to 224 px on the CPU and shipped float batches through
shared memory (154 MB per batch of 256, more than Docker's default 64 MB ``/dev/shm``); the test fails on that.
"""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.nbtools import QUIET_KERNEL, solution_path
from tests.rehearsal import PATCHES, rehearsal_env
from tests.standins import images

WEEK = "week06_vit_distillation"

RECORD = '''
# test instrument: record the dtype and shape of every image tensor a DataLoader yields
import torch.utils.data.dataloader as _dataloader
_SHIPPED = []
_next = _dataloader._BaseDataLoaderIter.__next__

def _recording_next(self):
    batch = _next(self)
    items = batch if isinstance(batch, (list, tuple)) else [batch]
    _SHIPPED.extend((t.dtype, tuple(t.shape)) for t in items if hasattr(t, "ndim") and t.ndim == 4)
    return batch

_dataloader._BaseDataLoaderIter.__next__ = _recording_next
'''

CHECK = '''
# test checks
import torch
assert _SHIPPED, "no DataLoader batch was recorded: the test no longer sees how the data is loaded"
_bad = sorted({s for s in _SHIPPED if s[0] != torch.uint8 or max(s[1][-2:]) > 32})
assert not _bad, f"DataLoader batches that are not uint8 images of at most 32 px: {_bad[:5]}"
for _name in ("train_batches", "teacher_batches", "val_batches", "test_batches"):
    _images, _labels = next(iter(globals()[_name].batches))  # what the batches are cut from, before the transform
    assert _images.dtype == torch.uint8 and tuple(_images.shape[1:]) == (3, 32, 32), (_name, _images.dtype, _images.shape)
    _views, _ = next(iter(globals()[_name]))  # what a training or evaluation step gets: the students' 32 px
    assert _views.dtype == torch.float32 and tuple(_views.shape[1:]) == (3, 32, 32), (_name, _views.shape)
print("loaders checked:", sorted(set(_SHIPPED)))
'''


def test_full_profile_loaders_ship_uint8_32px_batches(tmp_path, monkeypatch):
    images.write_cifar100(tmp_path)
    nb = nbformat.read(solution_path(WEEK), as_version=4)
    stop = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "teacher = build_teacher(" in c.source)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    cells = nb.cells[:stop]
    cells.insert(setup + 1, nbformat.v4.new_code_cell("\n".join(PATCHES.values()) + RECORD))
    nb.cells = cells + [nbformat.v4.new_code_cell(CHECK)]
    for key, value in rehearsal_env(tmp_path).items():  # the kernel inherits them: full profile, dry run, stand-ins
        monkeypatch.setenv(key, value)
    NotebookClient(nb, timeout=600, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                   resources={"metadata": {"path": str(solution_path(WEEK).parent)}}).execute()
    assert "loaders checked" in nb.cells[-1].outputs[0]["text"]

