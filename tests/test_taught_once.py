"""What a week teaches and later weeks import from utils must be the same thing (issue 28, no notebook run).

A piece of method is written out once, in the week that teaches it, and later weeks call its copy in ``utils``.
These tests load the taught function from its notebook (the notebook's imports and that one ``def``, executed
on their own) and check that it computes what the utils version computes, so the two cannot drift apart.
"""
import ast

import nbformat
import pytest
import torch
from torch import nn

import utils
from tests.nbtools import solution_path


def notebook_function(week: str, name: str):
    """The top-level function ``name`` of a week's solution notebook, run with the notebook's own imports."""
    cells = [c.source for c in nbformat.read(solution_path(week), as_version=4).cells if c.cell_type == "code"]
    namespace = {"__name__": f"{week}_notebook"}
    for source in cells:
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()))
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        exec(compile(ast.Module(body=imports, type_ignores=[]), f"<{week} imports>", "exec"), namespace)
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
        if defs:
            exec(compile(ast.Module(body=defs, type_ignores=[]), f"<{week} {name}>", "exec"), namespace)
            return namespace[name]
    raise AssertionError(f"{week}: no top-level `def {name}` in the notebook")


def _run_schedule(build, steps: int):
    """(optimizer, scheduler, the learning rates of all parameter groups at every step) over ``steps`` steps."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3))
    optimizer, scheduler = build(model)
    lrs = []
    for _ in range(steps):
        lrs.extend(group["lr"] for group in optimizer.param_groups)
        optimizer.step()
        scheduler.step()
    return optimizer, scheduler, lrs


def _hyperparameters(optimizer: torch.optim.Optimizer) -> list[dict]:
    """Every parameter group's settings (lr, betas, weight decay, ...), without its parameters."""
    return [{k: v for k, v in group.items() if k != "params"} for group in optimizer.param_groups]


@pytest.mark.parametrize("total_steps, warmup_steps, lr, weight_decay, betas, groups", [
    (210, 21, 2e-3, 5e-4, (0.9, 0.999), False),  # week 2's smoke run: 10 epochs of 21 batches, one warming up
    (900, 90, 7.5e-4, 0.05, (0.9, 0.95), True),  # week 8's pre-training: MAE's betas, decay on weights only
    (37, 0, 1.0, 0.0, (0.8, 0.9), False),         # no warm-up
    (5, 5, 0.1, 0.1, (0.9, 0.999), False),        # warm-up only
    (1, 0, 0.3, 0.01, (0.9, 0.999), False),       # a single step
])
def test_week02_adamw_warmup_cosine_is_utils(total_steps, warmup_steps, lr, weight_decay, betas, groups):
    taught = notebook_function("week02_rotation", "adamw_warmup_cosine")
    runs = []
    for fn in (taught, utils.adamw_warmup_cosine):
        def build(model, fn=fn):
            params = utils.define_param_groups(model, weight_decay) if groups else model.parameters()
            return fn(params, lr, weight_decay, total_steps, warmup_steps, betas=betas)
        runs.append(_run_schedule(build, total_steps + 3))  # a few steps past the end too
    (opt_nb, sched_nb, lrs_nb), (opt_utils, sched_utils, lrs_utils) = runs
    assert type(opt_nb) is type(opt_utils) is torch.optim.AdamW
    assert type(sched_nb) is type(sched_utils) is torch.optim.lr_scheduler.LambdaLR
    assert lrs_nb == pytest.approx(lrs_utils, rel=1e-12, abs=1e-15), "week 2 and utils schedule the learning rate differently"
    if warmup_steps < total_steps:
        assert max(lrs_nb) == pytest.approx(lr), "the peak learning rate is lr"
    for group_nb, group_utils in zip(_hyperparameters(opt_nb), _hyperparameters(opt_utils), strict=True):
        assert group_nb.keys() == group_utils.keys()
        for key in ("initial_lr", "betas", "weight_decay", "eps", "amsgrad"):
            assert group_nb[key] == group_utils[key], f"{key}: week 2 {group_nb[key]} != utils {group_utils[key]}"
    assert opt_nb.defaults == opt_utils.defaults, "lr, betas and weight decay reach AdamW alike"


def test_week02_adamw_warmup_cosine_rejects_what_utils_rejects():
    taught = notebook_function("week02_rotation", "adamw_warmup_cosine")
    for fn in (taught, utils.adamw_warmup_cosine):
        for total_steps, warmup_steps in [(0, 0), (10, 11), (10, -1)]:
            with pytest.raises(ValueError):
                fn([nn.Parameter(torch.zeros(1))], 0.1, 0.0, total_steps, warmup_steps)


def test_week04_to_unit_float_is_utils():
    taught = notebook_function("week04_simclr", "to_unit_float")
    generator = torch.Generator().manual_seed(0)
    uint8 = torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8, generator=generator)
    uint8[0, 0, 0, :2] = torch.tensor([0, 255], dtype=torch.uint8)  # both ends of the range
    inputs = {"uint8": uint8, "float32 in [0, 1]": torch.rand(4, 3, 8, 8, generator=generator),
              "float64 in [0, 1]": torch.rand(2, 3, 5, 5, generator=generator, dtype=torch.float64),
              "float16": torch.rand(2, 3, 5, 5, generator=generator).half()}
    for what, x in inputs.items():
        mine, theirs = taught(x), utils.to_unit_float(x)
        assert mine.dtype == theirs.dtype == torch.float32, f"{what}: dtypes {mine.dtype}, {theirs.dtype}"
        assert torch.equal(mine, theirs), f"{what}: week 4 and utils convert differently"
    assert utils.to_unit_float(uint8).min() == 0 and utils.to_unit_float(uint8).max() == 1, "uint8 maps onto [0, 1]"
