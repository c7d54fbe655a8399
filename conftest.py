"""Pytest configuration shared by unit tests and the nbmake notebook runs."""
import os

# Tests and notebook runs use the offline smoke profile unless a profile is chosen explicitly.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")
# Before any test imports torch (and so OpenMP): idle threads sleep instead of spinning on a busy machine.
# Notebook kernels set the same in their setup cell.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Only solution notebooks are executed; student versions stop at their first blank by design.
collect_ignore_glob = ["week*/*_exercise.ipynb", "runs/*", "data/*"]

_seconds_by_group: dict[str, float] = {}


def _group(nodeid: str) -> str:
    """Which part of the suite a test belongs to, for the time summary."""
    if nodeid.startswith(("tests/test_rehearsal", "tests/test_dry_run", "tests/test_week09_cache")):
        return "full-profile rehearsal and dry run"
    if nodeid.endswith(".ipynb"):
        return "smoke notebooks (nbmake)"
    if "_broken" in nodeid:
        return "broken-method runs"
    return "unit and structure tests"


def pytest_runtest_logreport(report):
    """Add each test phase's duration to its group's total."""
    _seconds_by_group[_group(report.nodeid)] = _seconds_by_group.get(_group(report.nodeid), 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    """Print the suite's time per group (the rehearsal must stay within its CI budget of 20 minutes)."""
    terminalreporter.write_sep("=", "time per part of the suite")
    for group, seconds in sorted(_seconds_by_group.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{group:<40} {seconds / 60:6.1f} min")
