"""Week 5 teaches MoCo's momentum update and later uses ``utils.ModelEMA`` for the clustering teacher: one EMA.

The notebook's own ``momentum_update`` (its ``def``, taken from the solution notebook) must move a key network's
parameters exactly as ``utils.ModelEMA.update`` moves its averaged copy, for the same decay.
"""
from __future__ import annotations

import ast
import copy

import nbformat
import torch
from torch import nn

import utils
from tests.nbtools import solution_path

WEEK = "week05_moco_clustering"


def notebook_function(name: str) -> dict:
    """Execute the notebook's top-level ``def name`` (decorators included) alone; return its namespace."""
    for cell in nbformat.read(solution_path(WEEK), as_version=4).cells:
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            tree = ast.parse(cell.source)
            node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
            namespace = {"torch": torch, "nn": nn}
            exec(compile(ast.Module([node], type_ignores=[]), f"<{WEEK}: {name}>", "exec"), namespace)
            return namespace
    raise AssertionError(f"no cell of {WEEK} defines {name}")


def test_momentum_update_is_model_ema_update():
    momentum_update = notebook_function("momentum_update")["momentum_update"]
    torch.manual_seed(0)
    student = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    key, ema = copy.deepcopy(student), utils.ModelEMA(student, decay=0.9)
    for _ in range(3):  # the student moves, then both averages follow it
        with torch.no_grad():
            for p in student.parameters():
                p.add_(torch.randn_like(p))
        momentum_update(key, student, 0.9)
        ema.update(student)
    for (name, p_key), p_ema, p_student in zip(key.named_parameters(), ema.module.parameters(), student.parameters()):
        assert torch.equal(p_key, p_ema), f"{name}: momentum_update and utils.ModelEMA.update differ"
        assert not torch.allclose(p_key, p_student), f"{name}: the average must trail the student, not copy it"
