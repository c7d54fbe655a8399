"""Unit tests of utils/run.py's seed handling (no notebook is executed here)."""
import nbformat
import pytest

from utils import run


@pytest.mark.parametrize("week", run.list_weeks())
def test_every_week_has_one_seed_line_that_with_seed_replaces(week):
    nb = nbformat.read(run.REPO_ROOT / week / f"{week}.ipynb", as_version=4)
    run.with_seed(nb, 3)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert run.SEED_LINE.search(code) is None and code.count("SEED = 3") == 1


def test_with_seed_refuses_a_notebook_without_or_with_two_seed_lines():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError):
        run.with_seed(nb, 1)
    nb.cells = [nbformat.v4.new_code_cell("SEED = 0"), nbformat.v4.new_code_cell("SEED = 0")]
    with pytest.raises(ValueError):
        run.with_seed(nb, 1)
    nb.cells = [nbformat.v4.new_code_cell("SEED = 0; utils.set_seed(SEED)\nOTHER_SEED = 0")]
    run.with_seed(nb, 7)
    assert nb.cells[0].source == "SEED = 7; utils.set_seed(SEED)\nOTHER_SEED = 0"


def test_seed_table_lists_each_metric_per_seed():
    rows = [{"seed": 0, "measured": {"acc": 90.0, "gain": 2.5}}, {"seed": 1, "measured": {"acc": 88.25}}]
    table = run.seed_table(rows).splitlines()
    assert table[0].split() == ["metric", "seed", "0", "seed", "1"]
    assert table[1].split() == ["acc", "90.000", "88.250"]
    assert table[2].split() == ["gain", "2.500", "-"]


class _RecordingClient:
    """Stands in for utils.progress.LiveClient: records its arguments and executes nothing."""
    seen: dict = {}

    def __init__(self, nb, **kwargs):
        _RecordingClient.seen = kwargs

    def execute(self):
        raise RuntimeError("not executed in this test")

    def where(self):
        return ""


@pytest.mark.parametrize("profile, expected", [("full", None), ("smoke", run.SMOKE_CELL_TIMEOUT)])
def test_full_cells_may_run_as_long_as_they_need(profile, expected, tmp_path, monkeypatch):
    """Issue 26: a 75-minute MAE pre-training cell must not be killed by a per-cell timeout in full."""
    import utils.progress

    monkeypatch.setattr(utils.progress, "LiveClient", _RecordingClient)
    row = run.run_week("week01_autoencoder", profile, tmp_path)
    assert row["status"] == "FAILED" and "not executed" in row["error"]
    assert _RecordingClient.seen["timeout"] == expected
    run.run_week("week01_autoencoder", profile, tmp_path, timeout=60)
    assert _RecordingClient.seen["timeout"] == 60, "an explicit --timeout still applies"


def test_the_report_links_every_executed_notebook_and_shows_its_metrics(tmp_path):
    """Issue 28: utils.run writes runs/report.html (summary, metrics vs expectations, notebooks as HTML)."""
    import json

    from utils.report import write_report

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="1\n")])])
    nbformat.write(nb, tmp_path / "week01_autoencoder_smoke.ipynb")
    (tmp_path / "m.json").write_text(json.dumps({"profile": "smoke", "dry_run": False, "passed": False, "rows": [
        {"metric": "probe_gain", "expected": ">= 5", "measured": 12.5, "verdict": "pass", "note": ""},
        {"metric": "probe_acc", "expected": ">= 90", "measured": 80.0, "verdict": "FAIL", "note": ""}]}))
    rows = [{"week": "week01_autoencoder", "profile": "smoke", "seed": None, "minutes": 1.5, "metrics": "FAIL",
             "status": "FAILED", "error": "AssertionError: 1 metric(s)", "output": str(tmp_path / "week01_autoencoder_smoke.ipynb"),
             "metrics_file": str(tmp_path / "m.json")},
            {"week": "week02_rotation", "profile": "smoke", "seed": 3, "minutes": 0.1, "metrics": "no check",
             "status": "FAILED", "error": "kernel died", "output": str(tmp_path / "missing.ipynb"),
             "metrics_file": str(tmp_path / "none.json")}]
    page = write_report(rows, tmp_path).read_text()
    assert (tmp_path / "week01_autoencoder_smoke.html").exists(), "each executed notebook is rendered as HTML"
    assert 'href="week01_autoencoder_smoke.html"' in page and "0 passed, 2 failed" in page
    assert "probe_gain" in page and "12.5" in page and "&gt;= 90" in page and "class=bad>FAIL" in page
    assert "stopped before its final check" in page and "kernel died" in page


def test_the_report_embeds_the_concept_figure_from_the_week_folder(tmp_path):
    """The rendered notebook lives in runs/, away from the week's figures/: its concept figure is embedded."""
    import base64

    from utils.report import render_notebook

    week_dir, out_dir = tmp_path / "week07_dino", tmp_path / "runs"
    (week_dir / "figures").mkdir(parents=True)
    out_dir.mkdir()
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==")
    (week_dir / "figures" / "concept.png").write_bytes(png)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Week 07\n\n![the idea](figures/concept.png)")])
    nbformat.write(nb, out_dir / "week07_dino_smoke.ipynb")
    page = render_notebook(out_dir / "week07_dino_smoke.ipynb", week_dir).read_text()
    assert "data:image/png;base64" in page and 'src="figures/concept.png"' not in page
