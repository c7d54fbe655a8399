"""The console of a headless run: live progress of the running cell and its bars, short week names, clear errors."""
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from utils import run
from utils.progress import LiveClient, clock, widget_text


def test_bar_text_helpers():
    assert clock(5) == "0:05" and clock(3725) == "1:02:05"
    assert widget_text("epoch\u20073/40:\u2007\u200737%") == "epoch 3/40:  37%"
    assert widget_text("15/40\u2007[00:10&lt;00:17,\u20071.5it/s]") == "15/40 [00:10<00:17, 1.5it/s]"


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_live_client_reports_the_running_cell_and_its_tqdm_bar(tmp_path):
    nb = _notebook("import time\nfrom tqdm.auto import tqdm",
                   "# a comment line is not the cell's first line\n"
                   "for _ in tqdm(range(2), desc='warm-up', leave=False):\n    pass\n"
                   "for _ in tqdm(range(12), desc='training'):\n    time.sleep(0.25)")
    lines: list[str] = []
    LiveClient(nb, every=0.5, echo=lines.append, kernel_name="python3",
               resources={"metadata": {"path": str(tmp_path)}}).execute()
    console = "\n".join(lines)
    assert "cell 2/2 (after 0:0" in console and "for _ in tqdm(range(2), desc='warm-up', leave=False):" in console
    assert "training:" in console and "/12 [" in console, console  # the bar's own text, live
    assert "warm-up:" not in console, console  # a finished bar with leave=False is gone


def test_live_client_says_in_which_cell_a_run_failed(tmp_path):
    client = LiveClient(_notebook("x = 1", "raise ValueError('broken on purpose')"), every=60, echo=print,
                        kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError, match="broken on purpose"):
        client.execute()
    assert client.where().startswith("cell 2/2 (after 0:0") and client.where().endswith("raise ValueError('broken on purpose')")


def test_short_week_names_resolve():
    weeks = run.list_weeks()
    assert {run.resolve_week(n, weeks) for n in ("week01", "01", "1", "week01_autoencoder")} == {"week01_autoencoder"}
    assert run.resolve_week("week99", weeks) is None and run.resolve_week("auto", weeks) is None


@pytest.mark.parametrize("argv, env, message", [
    (["week99"], {}, "unknown week(s) week99"),
    (["01"], {"COURSE_PROFILE": "fast"}, "COURSE_PROFILE='fast' is not a profile"),
])
def test_bad_week_or_profile_is_one_clear_line(argv, env, message, monkeypatch, capsys):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exit_info:
        run.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
