"""Fast structural checks of week 9's solution notebook (no execution)."""
import json
import re

import nbformat

from tests.nbtools import REPO_ROOT, solution_path

WEEK = "week09_clip_ood"


def _code_cells():
    return [c for c in nbformat.read(solution_path(WEEK), as_version=4).cells if c.cell_type == "code"]


def test_every_solution_cell_is_followed_by_a_check_cell():
    cells = _code_cells()
    blocks = [i for i, c in enumerate(cells) if "### BEGIN SOLUTION" in c.source]
    assert sum(cells[i].source.count("### BEGIN SOLUTION") for i in blocks) >= 3
    for i in blocks:
        assert cells[i].source.count("### BEGIN SOLUTION") == cells[i].source.count("### END SOLUTION")
        assert "passed the checks" in cells[i + 1].source, f"code cell {i + 1} is not followed by a check cell"


def test_expected_metrics_are_named_like_the_notebook_produces_them():
    source = "\n".join(c.source for c in _code_cells())
    expected = json.loads((REPO_ROOT / WEEK / "expected_metrics.json").read_text())
    for profile in ("smoke", "full"):
        for name in (k for k in expected[profile] if not k.startswith("_")):
            score = name.split("_", 1)[1] if name.startswith(("auroc_", "fpr95_")) else None
            if score is None:
                assert f'"{name}"' in source, f"{profile}: {name} is never produced"
            elif not re.fullmatch(r"kmeans\d+_(rel_)?maha", score):
                assert f'"{score}"' in source, f"{profile}: {name} is never produced"
