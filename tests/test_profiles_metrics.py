"""Known-answer tests for profiles, configs and the expected-metrics check."""
import json

import pytest
import torch

import utils
from utils.expectations import check_metrics, load_expected


def test_get_profile_reads_env(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert utils.get_profile() == "full"
    monkeypatch.setenv("COURSE_PROFILE", " Smoke ")
    assert utils.get_profile() == "smoke"


def test_get_profile_default_follows_cuda(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert utils.get_profile() == "smoke"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert utils.get_profile() == "full"


def test_get_profile_rejects_unknown_values(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="'smoke', 'full'"):
        utils.get_profile()


def test_banner_says_profile_and_reason(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    banner = utils.profile_banner()
    assert "SMOKE" in banner and "COURSE_PROFILE=smoke was set" in banner


def test_make_config_picks_profile_and_checks_keys():
    cfg = utils.make_config("smoke", smoke=dict(lr=0.1, epochs=2), full=dict(lr=0.01, epochs=100))
    assert cfg.lr == 0.1 and cfg.epochs == 2 and cfg.profile == "smoke"
    assert utils.make_config("full", smoke=dict(lr=1), full=dict(lr=2)).lr == 2
    with pytest.raises(KeyError, match="same keys"):
        utils.make_config("smoke", smoke=dict(lr=1), full=dict(lr=2, epochs=3))
    with pytest.raises(AttributeError, match="no key"):
        _ = cfg.momentum


def test_set_seed_reproduces_random_numbers():
    utils.set_seed(3)
    a = torch.rand(5)
    utils.set_seed(3)
    assert torch.equal(a, torch.rand(5))


@pytest.fixture
def expected_file(tmp_path):
    path = tmp_path / "expected_metrics.json"
    path.write_text(json.dumps({
        "smoke": {"acc": {"min": 60}, "loss": {"max": 1.0}, "auroc": {"value": 80, "tolerance": 2},
                  "ratio": {"min": 0.1, "max": 0.5}},
        "full": {"acc": {"value": 46.95, "tolerance": 3}},
    }))
    return path


def test_check_metrics_passes_and_prints_table(expected_file, capsys):
    rows = check_metrics({"acc": 75, "loss": 0.5, "auroc": 81.5, "ratio": 0.3, "extra": 1}, expected_file, "smoke")
    out = capsys.readouterr().out
    assert "metric" in out and "verdict" in out and "All 4 expected metrics hold." in out
    assert {r["metric"]: r["verdict"] for r in rows} == {"acc": "pass", "loss": "pass", "auroc": "pass",
                                                          "ratio": "pass", "extra": "info"}


def test_check_metrics_fails_with_readable_table(expected_file):
    with pytest.raises(AssertionError) as err:
        check_metrics({"acc": 50, "loss": 0.5, "auroc": 77.9}, expected_file, "smoke")
    message = str(err.value)
    assert "did not meet expectations" in message
    assert "acc" in message and "auroc" in message and "ratio" in message
    lines = {line.split()[0]: line for line in message.splitlines() if line and line.split()[0] in
             ("acc", "loss", "auroc", "ratio")}
    assert lines["acc"].rstrip().endswith("FAIL") and lines["auroc"].rstrip().endswith("FAIL")
    assert lines["loss"].rstrip().endswith("pass") and lines["ratio"].rstrip().endswith("MISSING")


def test_check_metrics_lists_parts_left_out_as_not_run(expected_file, capsys):
    rows = check_metrics({"acc": 75, "loss": 0.5}, expected_file, "smoke", not_run=["auroc", "ratio"])
    assert {r["metric"]: r["verdict"] for r in rows} == {"acc": "pass", "loss": "pass", "auroc": "not run",
                                                          "ratio": "not run"}
    assert "All 2 expected metrics hold (2 more belong to parts the config left out: not run)." in capsys.readouterr().out
    with pytest.raises(AssertionError, match="ratio"):  # only what was named is excused
        check_metrics({"acc": 75, "loss": 0.5}, expected_file, "smoke", not_run=["auroc"])
    with pytest.raises(ValueError, match="measured"):
        check_metrics({"acc": 75, "loss": 0.5, "auroc": 81}, expected_file, "smoke", not_run=["auroc", "ratio"])
    with pytest.raises(ValueError, match="without an expectation"):
        check_metrics({"acc": 75}, expected_file, "smoke", not_run=["typo"])


def test_check_metrics_rejects_nan(expected_file):
    with pytest.raises(AssertionError):
        check_metrics({"acc": 43.0}, expected_file, "full")  # outside tolerance
    with pytest.raises(AssertionError):
        check_metrics({"acc": float("nan")}, expected_file, "full")
    check_metrics({"acc": 48.0}, expected_file, "full")


def test_check_metrics_writes_run_summary(expected_file, tmp_path, monkeypatch):
    out = tmp_path / "m.json"
    monkeypatch.setenv("COURSE_METRICS_OUT", str(out))
    check_metrics({"acc": 47}, expected_file, "full")
    assert json.loads(out.read_text())["passed"] is True


def test_load_expected_validates_specs(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"smoke": {"acc": {"value": 3}}}))
    with pytest.raises(ValueError, match="tolerance"):
        load_expected(path, "smoke")
    with pytest.raises(KeyError, match="full"):
        load_expected(path, "full")


WEEK_EXPECTATIONS = sorted(__import__("pathlib").Path(__file__).resolve().parents[1].glob("week*/expected_metrics.json"))


@pytest.mark.parametrize("path", WEEK_EXPECTATIONS, ids=lambda p: p.parent.name)
def test_stored_per_seed_values_satisfy_their_own_bounds(path):
    """Every measured per-seed value stored with a smoke expectation passes that expectation (no drift)."""
    section = json.loads(path.read_text())["smoke"]
    for name, spec in load_expected(path, "smoke").items():
        for seed, value in enumerate(spec.get("per_seed", [])):
            assert spec.get("min", -float("inf")) <= value <= spec.get("max", float("inf")), (
                f"{path.parent.name} {name}: seed {seed} measured {value}, outside the stored bound {spec}")
    for name, spec in section.get("_shown", {}).items():
        assert spec.get("per_seed") and all(isinstance(v, (int, float)) for v in spec["per_seed"]), name
    utils.measured_table(path)  # renders


def test_measured_table_rows(tmp_path):
    path = tmp_path / "expected_metrics.json"
    path.write_text(json.dumps({"smoke": {"gain": {"min": 1, "per_seed": [2, 3, 7]}, "other": {"max": 5},
                                          "_shown": {"side": {"per_seed": [-1.5, 2.5], "note": "x"}}}}))
    rows = utils.measured_table(path).splitlines()
    assert rows[2] == "| `gain` | >= 1 | 0–2 | 2.0 | 4.0 | 7.0 |"
    assert rows[3] == "| `side` | shown, not checked | 0–1 | -1.5 | 0.5 | 2.5 |" and len(rows) == 4
    assert utils.measured_table(path, ["side"]).splitlines()[2].startswith("| `side`")
    with pytest.raises(KeyError, match="other"):
        utils.measured_table(path, ["other"])


def test_checkpoints_follow_course_checkpoints(monkeypatch, tmp_path):
    """Issue 26: on Colab /content is wiped; COURSE_CHECKPOINTS puts checkpoints where the user says (e.g. Drive)."""
    monkeypatch.delenv("COURSE_CHECKPOINTS", raising=False)
    monkeypatch.delenv("COURSE_DRY_RUN", raising=False)
    week = tmp_path / "week04_simclr"
    assert utils.checkpoint_dir(week, "full") == week / "checkpoints" / "full"
    monkeypatch.setenv("COURSE_CHECKPOINTS", str(tmp_path / "drive"))
    assert utils.checkpoint_dir(week, "full") == tmp_path / "drive" / "week04_simclr" / "full"
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    assert utils.checkpoint_dir(week, "full") == tmp_path / "drive" / "week04_simclr" / "full-dry-run"


@pytest.fixture
def _gpu_flags():
    """Restore the global cuDNN / TF32 switches a test changes."""
    saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32,
             torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic)
    yield
    (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32,
     torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic) = saved


def test_set_seed_chooses_fast_gpu_kernels_unless_asked_for_determinism(monkeypatch, _gpu_flags):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: None)
    utils.set_seed(0)
    assert torch.backends.cudnn.benchmark and torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
    assert not torch.backends.cudnn.deterministic
    utils.set_seed(0, deterministic=True)
    assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
    assert not torch.backends.cuda.matmul.allow_tf32


@pytest.mark.parametrize("cpus, expected", [(16, 8), (2, 2), (1, 1)])
def test_loader_workers_follow_the_usable_cpus(cpus, expected, monkeypatch):
    """Issue 26: workers were capped at 4 even on a 16-core GPU host; they follow the process's CPU share (max 8)."""
    import os

    import utils.data

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert utils.data.default_num_workers() == expected
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert utils.data.default_num_workers() == 0, "no workers on a CPU-only machine"


@pytest.mark.parametrize("path", WEEK_EXPECTATIONS, ids=lambda p: p.parent.name)
def test_every_full_expectation_states_its_direction(path):
    """Issue 26: a two-sided band fails a *better* result where our protocol differs from the course's, so every
    full-profile note says which kind of bound it is and why ("Direction: two-sided ..." / "one-sided ...")."""
    for name, spec in load_expected(path, "full").items():
        note = spec.get("note", "")
        assert "Direction:" in note, f"{path.parent.name} {name}: the note does not state its direction"
        two_sided = "value" in spec or ("min" in spec and "max" in spec)
        stated = note[note.index("Direction:"):].split()[1].rstrip(",.;:").lower()
        assert stated.startswith("two-sided" if two_sided else "one-sided"), (
            f"{path.parent.name} {name}: the note says {stated!r} but the spec is {'two' if two_sided else 'one'}-sided")


def test_set_cpu_threads_follows_the_config_unless_omp_num_threads_is_set(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
        torch.set_num_threads(2)
        assert utils.set_cpu_threads(None) == 2, "None keeps PyTorch's count"
        assert utils.set_cpu_threads(1) == 1
        monkeypatch.setenv("OMP_NUM_THREADS", "2")
        torch.set_num_threads(2)
        assert utils.set_cpu_threads(1) == 2, "an explicit OMP_NUM_THREADS wins"
    finally:
        torch.set_num_threads(before)
