"""The step benchmark cannot rot: every row of every week builds from the notebooks' code and runs one step.

``benchmarks/bench_full_step.py`` is what a GPU run times (issue 26), so a row that fails to build would give
no figure on the day a GPU is lent. Here every week's builder runs on the CPU at a tiny batch, with the
largest pretrained architectures (week 6's ViT-B teacher, week 12's ESM-2 650M) built with one block, and each
row must take one training or inference step without error.
"""

import pytest
import torch

from tests.nbtools import import_benchmark


@pytest.fixture(scope="module")
def bench():
    """The benchmark script, imported as a module."""
    return import_benchmark("bench_full_step")


def test_every_week_with_a_notebook_has_a_row(bench):
    from utils.run import list_weeks

    assert {w[4:6] for w in list_weeks()} <= set(bench.BUILDERS), "a week without a benchmark row"


@pytest.mark.parametrize("week", ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"])
def test_every_row_builds_and_takes_a_step(bench, week):
    if week not in bench.BUILDERS:
        pytest.skip(f"week {week} has no builder yet")
    ctx = bench.Ctx(torch.device("cpu"), batch_scale=1e-3, light=True)
    builder = bench.BUILDERS[week]
    parts = builder(ctx, 2) if week == "12" else builder(ctx)
    assert parts, f"week {week}: no rows"
    for part in parts:
        row = bench.time_part(week, part, ctx, warmup=0, steps=1)
        assert row.error is None, f"week {week}, {part.label}: {row.error}"
        assert row.steps_per_s > 0 and part.batch >= 1
