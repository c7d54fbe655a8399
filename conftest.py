"""Pytest configuration shared by unit tests and the nbmake notebook runs."""
import os
import re
import time

import pytest

# Tests and notebook runs use the offline smoke profile unless a profile is chosen explicitly.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")
# Before any test imports torch (and so OpenMP): idle threads sleep instead of spinning on a busy machine.
# Notebook kernels set the same in their setup cell.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Under pytest-xdist (`-n logical` in pytest.ini) the cores are shared out between the workers: two smoke runs at
# one thread each finish in about the time one takes at two threads (small models leave the second thread idle).
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    _cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, _cpus // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))))

# Only solution notebooks are executed; student versions stop at their first blank by design.
collect_ignore_glob = ["week*/*_exercise.ipynb", "runs/*", "data/*"]

_seconds_by_group: dict[str, float] = {}
_session_start: list[float] = []


def pytest_sessionstart(session):
    """Note when the suite started, for its wall-clock time."""
    _session_start.append(time.perf_counter())


def pytest_collection_modifyitems(items):
    """Keep each week's tests on one xdist worker: runs of one week write to the same checkpoints/ and caches."""
    for item in items:
        week = re.search(r"week\d\d", item.nodeid)
        if week:
            item.add_marker(pytest.mark.xdist_group(week.group(0)))


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
    terminalreporter.write_sep("=", "time per part of the suite (summed over the xdist workers)")
    for group, seconds in sorted(_seconds_by_group.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{group:<40} {seconds / 60:6.1f} min")
    workers = getattr(terminalreporter.config.option, "numprocesses", None) or 1
    if _session_start:
        terminalreporter.write_line(f"{'wall clock':<40} {(time.perf_counter() - _session_start[0]) / 60:6.1f} min "
                                    f"({workers} worker(s))")
